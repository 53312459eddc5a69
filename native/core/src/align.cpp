#include "spatial_geom/align.h"

#include <Eigen/Dense>
#include <cmath>
#include <string>
#include <vector>

#include "spatial_geom/parallel.h"

namespace spatial {

namespace {

// Points per summation chunk: fixed (not per thread) so sums are reproducible.
constexpr size_t kChunk = 1 << 14;

template <typename S, typename D>
inline bool finitePair(const S* s, const D* d) {
  return std::isfinite(double(s[0])) && std::isfinite(double(s[1])) && std::isfinite(double(s[2])) &&
         std::isfinite(double(d[0])) && std::isfinite(double(d[1])) && std::isfinite(double(d[2]));
}

struct Moments {
  double sumS[3] = {0, 0, 0}, sumD[3] = {0, 0, 0};
  double cov[9] = {0, 0, 0, 0, 0, 0, 0, 0, 0};  // sum (d - muD)(s - muS)^T, row-major
  double varS = 0;                               // sum ||s - muS||^2
  double sq = 0;                                 // sum of squared residuals
  size_t count = 0;
  bool differs = false;                          // a finite src point differs from the first one
};

template <typename S, typename D>
Sim3 alignTyped(const S* src, const D* dst, size_t n, bool withScale) {
  const size_t chunks = (n + kChunk - 1) / kChunk;
  std::vector<Moments> part(chunks);
  auto range = [&](size_t c, size_t& b, size_t& e) {
    b = c * kChunk;
    e = std::min(n, b + kChunk);
  };
  // Pass 1: means.
  parallelChunks(chunks, n, [&](size_t c) {
    size_t b, e;
    range(c, b, e);
    Moments& m = part[c];
    for (size_t i = b; i < e; ++i) {
      const S* s = src + 3 * i;
      const D* d = dst + 3 * i;
      if (!finitePair(s, d)) continue;
      ++m.count;
      for (int a = 0; a < 3; ++a) {
        m.sumS[a] += double(s[a]);
        m.sumD[a] += double(d[a]);
      }
    }
  });
  Moments tot;
  for (const Moments& m : part) {
    tot.count += m.count;
    for (int a = 0; a < 3; ++a) {
      tot.sumS[a] += m.sumS[a];
      tot.sumD[a] += m.sumD[a];
    }
  }
  if (tot.count < 3)
    throw Error(ErrorCode::Shape, "alignSim3 needs at least 3 pairs of finite points in src and dst (got " + std::to_string(tot.count) + ")");
  const double cnt = double(tot.count);
  const double muS[3] = {tot.sumS[0] / cnt, tot.sumS[1] / cnt, tot.sumS[2] / cnt};
  const double muD[3] = {tot.sumD[0] / cnt, tot.sumD[1] / cnt, tot.sumD[2] / cnt};
  // The first finite pair: all-identical src points are detected exactly, not through a variance
  // that rounding of the mean can leave slightly above zero.
  size_t firstValid = 0;
  while (!finitePair(src + 3 * firstValid, dst + 3 * firstValid)) ++firstValid;
  const S ref[3] = {src[3 * firstValid], src[3 * firstValid + 1], src[3 * firstValid + 2]};
  // Pass 2: centred cross-covariance and src variance (two passes: no cancellation far from the origin).
  parallelChunks(chunks, n, [&](size_t c) {
    size_t b, e;
    range(c, b, e);
    Moments& m = part[c];
    for (size_t i = b; i < e; ++i) {
      const S* s = src + 3 * i;
      const D* d = dst + 3 * i;
      if (!finitePair(s, d)) continue;
      const double cs[3] = {double(s[0]) - muS[0], double(s[1]) - muS[1], double(s[2]) - muS[2]};
      const double cd[3] = {double(d[0]) - muD[0], double(d[1]) - muD[1], double(d[2]) - muD[2]};
      for (int r = 0; r < 3; ++r)
        for (int q = 0; q < 3; ++q) m.cov[3 * r + q] += cd[r] * cs[q];
      m.varS += cs[0] * cs[0] + cs[1] * cs[1] + cs[2] * cs[2];
      m.differs = m.differs || s[0] != ref[0] || s[1] != ref[1] || s[2] != ref[2];
    }
  });
  for (const Moments& m : part) {
    for (int i = 0; i < 9; ++i) tot.cov[i] += m.cov[i];
    tot.varS += m.varS;
    tot.differs = tot.differs || m.differs;
  }
  if (!tot.differs || !(tot.varS > 0))
    throw Error(ErrorCode::Shape, "alignSim3: every finite src point is the same point, so the rotation and scale are undefined");

  Eigen::Matrix3d sigma;
  for (int r = 0; r < 3; ++r)
    for (int q = 0; q < 3; ++q) sigma(r, q) = tot.cov[3 * r + q] / cnt;
  Eigen::JacobiSVD<Eigen::Matrix3d> svd(sigma, Eigen::ComputeFullU | Eigen::ComputeFullV);
  const Eigen::Matrix3d& U = svd.matrixU();
  const Eigen::Matrix3d& V = svd.matrixV();
  Eigen::Vector3d sv = Eigen::Vector3d::Ones();
  if (U.determinant() * V.determinant() < 0) sv(2) = -1;  // the best proper rotation, never a reflection
  const Eigen::Matrix3d R = U * sv.asDiagonal() * V.transpose();
  const double scale = withScale ? svd.singularValues().dot(sv) / (tot.varS / cnt) : 1.0;
  const Eigen::Vector3d ms(muS[0], muS[1], muS[2]), md(muD[0], muD[1], muD[2]);
  const Eigen::Vector3d t = md - scale * (R * ms);

  Sim3 out;
  out.scale = scale;
  for (int r = 0; r < 3; ++r) {
    for (int q = 0; q < 3; ++q) out.rotation[3 * r + q] = R(r, q);
    out.translation[r] = t(r);
  }
  out.count = tot.count;
  // Pass 3: residuals.
  double sr[9];
  for (int i = 0; i < 9; ++i) sr[i] = scale * out.rotation[i];
  const double t0 = t(0), t1 = t(1), t2 = t(2);
  parallelChunks(chunks, n, [&](size_t c) {
    size_t b, e;
    range(c, b, e);
    double sq = 0;
    for (size_t i = b; i < e; ++i) {
      const S* s = src + 3 * i;
      const D* d = dst + 3 * i;
      if (!finitePair(s, d)) continue;
      const double x = s[0], y = s[1], z = s[2];
      const double r0 = sr[0] * x + sr[1] * y + sr[2] * z + t0 - double(d[0]);
      const double r1 = sr[3] * x + sr[4] * y + sr[5] * z + t1 - double(d[1]);
      const double r2 = sr[6] * x + sr[7] * y + sr[8] * z + t2 - double(d[2]);
      sq += r0 * r0 + r1 * r1 + r2 * r2;
    }
    part[c].sq = sq;
  });
  double sq = 0;
  for (const Moments& m : part) sq += m.sq;
  out.rmse = std::sqrt(sq / cnt);
  return out;
}

}  // namespace

Sim3 alignSim3(const void* src, bool srcDouble, const void* dst, bool dstDouble, size_t n, bool withScale) {
  if (n > 0 && (!src || !dst)) throw Error(ErrorCode::Shape, "alignSim3: src and dst must hold data");
  if (srcDouble && dstDouble) return alignTyped(static_cast<const double*>(src), static_cast<const double*>(dst), n, withScale);
  if (srcDouble) return alignTyped(static_cast<const double*>(src), static_cast<const float*>(dst), n, withScale);
  if (dstDouble) return alignTyped(static_cast<const float*>(src), static_cast<const double*>(dst), n, withScale);
  return alignTyped(static_cast<const float*>(src), static_cast<const float*>(dst), n, withScale);
}

}  // namespace spatial
