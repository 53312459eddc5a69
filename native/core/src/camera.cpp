#include "spatial_geom/camera.h"

#include <Eigen/Core>
#include <Eigen/LU>
#include <cmath>
#include <sstream>

namespace spatial {

namespace {
std::string fmt(double v) {
  std::ostringstream s;
  s << v;
  return s.str();
}
}  // namespace

Intrinsics makeIntrinsics(const double* v, const std::string& what) {
  const char* names[4] = {"fx", "fy", "cx", "cy"};
  for (int i = 0; i < 4; ++i) {
    if (!std::isfinite(v[i]))
      throw Error(ErrorCode::Camera, what + "." + names[i] + " must be finite (got " + fmt(v[i]) + ")");
  }
  if (!(v[0] > 0) || !(v[1] > 0))
    throw Error(ErrorCode::Camera, what + ".fx and .fy must be > 0 (got " + fmt(v[0]) + ", " + fmt(v[1]) + ")");
  for (int i = 4; i < 6; ++i) {
    const double s = v[i];
    // Upper bound keeps width*height and pixel indices inside int32 arithmetic.
    if (!(s >= 1 && s <= (1 << 20) && std::floor(s) == s))
      throw Error(ErrorCode::Camera, what + (i == 4 ? ".width" : ".height") +
                                         " must be a positive integer <= 1048576 (got " + fmt(s) + ")");
  }
  if (v[4] * v[5] > 2147483647.0)
    throw Error(ErrorCode::Camera, what + ".width*height must be < 2^31 (got " + fmt(v[4] * v[5]) + ")");
  return Intrinsics{v[0], v[1], v[2], v[3], static_cast<int32_t>(v[4]), static_cast<int32_t>(v[5])};
}

void checkRigidPose(const double* p, const std::string& what) {
  for (int i = 0; i < 16; ++i) {
    if (!std::isfinite(p[i]))
      throw Error(ErrorCode::Pose, what + " must be finite (element " + std::to_string(i) + " is " + fmt(p[i]) + ")");
  }
  if (std::abs(p[12]) > 1e-9 || std::abs(p[13]) > 1e-9 || std::abs(p[14]) > 1e-9 || std::abs(p[15] - 1) > 1e-9)
    throw Error(ErrorCode::Pose, what + " last row must be 0 0 0 1 (got " + fmt(p[12]) + " " + fmt(p[13]) + " " +
                                     fmt(p[14]) + " " + fmt(p[15]) + ")");
  Eigen::Matrix3d r;
  r << p[0], p[1], p[2], p[4], p[5], p[6], p[8], p[9], p[10];
  const double det = r.determinant();
  const double orth = (r.transpose() * r - Eigen::Matrix3d::Identity()).norm();
  if (!(std::abs(det - 1) < 1e-3) || !(orth < 1e-3))
    throw Error(ErrorCode::Pose, what + " must be rigid (|det R - 1| < 1e-3 and ||R^T R - I|| < 1e-3; got det " +
                                     fmt(det) + ", ||R^T R - I|| " + fmt(orth) + ")");
}

Camera makeCamera(const double* packed, const std::string& what) {
  Camera c;
  c.k = makeIntrinsics(packed, what + ".intrinsics");
  const double* pose = packed + 6;
  checkRigidPose(pose, what + ".pose");
  for (int r = 0; r < 3; ++r)
    for (int col = 0; col < 4; ++col) c.worldFromCam[r * 4 + col] = pose[r * 4 + col];
  // camFromWorld = [R^T | -R^T t]; written out so the reference twin can follow the same order.
  for (int r = 0; r < 3; ++r) {
    for (int col = 0; col < 3; ++col) c.camFromWorld[r * 4 + col] = pose[col * 4 + r];
    c.camFromWorld[r * 4 + 3] = -(pose[0 * 4 + r] * pose[3] + pose[1 * 4 + r] * pose[7] + pose[2 * 4 + r] * pose[11]);
  }
  return c;
}

void unpackCameras(const double* packed, size_t count, Camera* out, const char* what) {
  for (size_t i = 0; i < count; ++i)
    out[i] = makeCamera(packed + i * kPackedCameraDoubles, std::string(what) + "[" + std::to_string(i) + "]");
}

}  // namespace spatial
