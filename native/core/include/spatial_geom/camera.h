// Pinhole cameras in the one convention of DESIGN.md section 2:
// OpenCV axes (x right, y down, z forward), metres, pose = worldFromCam (camera-to-world, row-major
// 4x4), integer pixel coordinates at pixel centres.
#pragma once

#include "spatial_geom/common.h"

namespace spatial {

struct Intrinsics {
  double fx, fy, cx, cy;
  int32_t width, height;
};

// A validated camera. camFromWorld is the inverse of the pose: Xc = R^T (Xw - t), stored as the
// row-major 3x4 [R^T | -R^T t] so kernels do one affine transform per point.
struct Camera {
  Intrinsics k;
  double worldFromCam[12];  // row-major 3x4 [R | t]
  double camFromWorld[12];  // row-major 3x4 [R^T | -R^T t]
};

// Packed layout used across the JS boundary and by the CUDA launches: per camera
// fx, fy, cx, cy, width, height, pose[16] (row-major worldFromCam).
constexpr size_t kPackedCameraDoubles = 22;

// Validates intrinsics (finite, fx, fy > 0, positive integer size) and throws Error{Camera}
// naming `what` (e.g. "cameras[3].intrinsics") on failure.
Intrinsics makeIntrinsics(const double* fxFyCxCyWH, const std::string& what);

// Validates a row-major 4x4 worldFromCam (finite, last row 0 0 0 1, |det R - 1| < 1e-3,
// ||R^T R - I||_F < 1e-3) and throws Error{Pose} naming `what` on failure.
void checkRigidPose(const double* pose16, const std::string& what);

// Builds a validated Camera from one packed record (kPackedCameraDoubles values).
Camera makeCamera(const double* packed, const std::string& what);

// Unpacks and validates `count` packed cameras; `what` is the argument name ("cameras").
void unpackCameras(const double* packed, size_t count, Camera* out, const char* what = "cameras");

// The kernels' view of a camera, in the point type's precision.
template <typename Real>
struct CameraParams {
  Real m[12];  // camFromWorld, row-major 3x4
  Real fx, fy, cx, cy;
  int32_t width, height;
};

template <typename Real>
inline CameraParams<Real> kernelParams(const Camera& cam) {
  CameraParams<Real> p;
  for (int i = 0; i < 12; ++i) p.m[i] = static_cast<Real>(cam.camFromWorld[i]);
  p.fx = static_cast<Real>(cam.k.fx);
  p.fy = static_cast<Real>(cam.k.fy);
  p.cx = static_cast<Real>(cam.k.cx);
  p.cy = static_cast<Real>(cam.k.cy);
  p.width = cam.k.width;
  p.height = cam.k.height;
  return p;
}

}  // namespace spatial
