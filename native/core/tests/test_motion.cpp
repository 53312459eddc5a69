// C++ tests of the rigid-body segmentation kernels: the blocked, threaded distance-change kernel
// against a plain per-pair loop (bit-identical), and the NN-chain average linkage against a naive
// O(n^3) agglomeration that recomputes every average from the original distances.
#include <cmath>
#include <random>
#include <vector>

#include "spatial_geom/motion.h"
#include "spatial_geom/parallel.h"
#include "test_util.h"

using namespace spatial;
using spatial_test::throwsCode;

namespace {

template <typename T>
std::vector<double> naiveDistanceChange(const std::vector<T>& tr, size_t frames, size_t n, double smoothing) {
  std::vector<double> out(n * (n - 1) / 2, 0.0);
  auto dist = [&](size_t t, size_t i, size_t j) {
    const double dx = double(tr[3 * (t * n + i)]) - double(tr[3 * (t * n + j)]);
    const double dy = double(tr[3 * (t * n + i) + 1]) - double(tr[3 * (t * n + j) + 1]);
    const double dz = double(tr[3 * (t * n + i) + 2]) - double(tr[3 * (t * n + j) + 2]);
    return std::sqrt(dx * dx + dy * dy + dz * dz);
  };
  for (size_t i = 0; i < n; ++i)
    for (size_t j = i + 1; j < n; ++j) {
      double acc = 0;
      for (size_t t = 1; t < frames; ++t) {
        const double delta = std::fabs(dist(t, i, j) - dist(t - 1, i, j));
        if (delta > smoothing) acc += delta;
      }
      out[condensedIndex(n, i, j)] = acc;
    }
  return out;
}

// Naive average linkage: merge the closest pair of clusters (average of original distances) while
// it is <= cut. Returns labels numbered by smallest member.
std::vector<int32_t> naiveAverageLinkage(const std::vector<double>& d, size_t n, double cut) {
  std::vector<std::vector<size_t>> clusters(n);
  for (size_t i = 0; i < n; ++i) clusters[i] = {i};
  for (;;) {
    double best = INFINITY;
    size_t ba = 0, bb = 0;
    for (size_t a = 0; a < clusters.size(); ++a)
      for (size_t b = a + 1; b < clusters.size(); ++b) {
        double s = 0;
        for (size_t p : clusters[a])
          for (size_t q : clusters[b]) s += d[p < q ? condensedIndex(n, p, q) : condensedIndex(n, q, p)];
        const double avg = s / double(clusters[a].size() * clusters[b].size());
        if (avg < best) best = avg, ba = a, bb = b;
      }
    if (!(best <= cut)) break;
    clusters[ba].insert(clusters[ba].end(), clusters[bb].begin(), clusters[bb].end());
    clusters.erase(clusters.begin() + static_cast<long>(bb));
  }
  std::vector<int32_t> root(n);
  for (size_t c = 0; c < clusters.size(); ++c)
    for (size_t p : clusters[c]) root[p] = static_cast<int32_t>(c);
  std::vector<int32_t> number(clusters.size(), -1), labels(n);
  int32_t next = 0;
  for (size_t i = 0; i < n; ++i) {
    if (number[root[i]] < 0) number[root[i]] = next++;
    labels[i] = number[root[i]];
  }
  return labels;
}

std::vector<int32_t> cutOf(std::vector<double> d, size_t n, double cut) {
  std::vector<int32_t> labels(n);
  averageLinkageCut(d.data(), n, cut, labels.data());
  return labels;
}

}  // namespace

SPATIAL_TEST(testTrackDistanceChangeMatchesPerPairLoop) {
  std::mt19937 gen(7);
  std::uniform_real_distribution<double> u(-2, 2);
  for (size_t n : {0u, 1u, 2u, 17u, 40u}) {
    const size_t frames = 9;
    std::vector<float> tf(3 * frames * n);
    std::vector<double> td(3 * frames * n);
    for (size_t k = 0; k < tf.size(); ++k) tf[k] = static_cast<float>(u(gen)), td[k] = u(gen);
    if (n > 3) tf[3 * (4 * n + 2)] = NAN, td[3 * (2 * n + 1) + 2] = INFINITY;  // non-finite tracks add nothing
    for (int threads : {1, 2}) {
      setThreadCount(threads);
      setParallelThreshold(0);
      std::vector<double> outF(n < 2 ? 0 : n * (n - 1) / 2, -1.0), outD(outF.size(), -1.0);
      trackDistanceChange(tf.data(), frames, n, 0.01, outF.data());
      trackDistanceChange(td.data(), frames, n, 0.01, outD.data());
      const auto wantF = naiveDistanceChange(tf, frames, n, 0.01), wantD = naiveDistanceChange(td, frames, n, 0.01);
      for (size_t k = 0; k < outF.size(); ++k) {
        CHECK(outF[k] == wantF[k]);
        CHECK(outD[k] == wantD[k]);
        CHECK(std::isfinite(outF[k]));
      }
    }
  }
  setThreadCount(0);
  setParallelThreshold(size_t(1) << 15);
}

SPATIAL_TEST(testTrackDistanceChangeRigidIsZero) {
  // Two rigid bodies: body A translates, body B rotates about z; a camera-like global rotation on top.
  const size_t frames = 6, n = 6;
  std::vector<double> tr(3 * frames * n);
  const double base[6][3] = {{0, 0, 0}, {1, 0, 0}, {0, 1, 0}, {3, 0, 0}, {4, 0, 0}, {3, 2, 1}};
  for (size_t t = 0; t < frames; ++t) {
    const double g = 0.1 * double(t), cg = std::cos(g), sg = std::sin(g);
    for (size_t i = 0; i < n; ++i) {
      double p[3] = {base[i][0], base[i][1], base[i][2]};
      if (i < 3) p[0] += 0.3 * double(t);  // body A: translation
      else {                                 // body B: rotation about (3, 0, *)
        const double a = 0.4 * double(t), x = p[0] - 3, y = p[1];
        p[0] = 3 + std::cos(a) * x - std::sin(a) * y;
        p[1] = std::sin(a) * x + std::cos(a) * y;
      }
      tr[3 * (t * n + i)] = cg * p[0] - sg * p[1];
      tr[3 * (t * n + i) + 1] = sg * p[0] + cg * p[1];
      tr[3 * (t * n + i) + 2] = p[2];
    }
  }
  std::vector<double> out(n * (n - 1) / 2);
  trackDistanceChange(tr.data(), frames, n, 0.01, out.data());
  CHECK(out[condensedIndex(n, 0, 1)] == 0 && out[condensedIndex(n, 0, 2)] == 0 && out[condensedIndex(n, 1, 2)] == 0);
  CHECK(out[condensedIndex(n, 3, 4)] == 0 && out[condensedIndex(n, 3, 5)] == 0 && out[condensedIndex(n, 4, 5)] == 0);
  CHECK(out[condensedIndex(n, 0, 3)] > 0.5);
  const auto labels = cutOf(out, n, 0.1);
  CHECK(labels == (std::vector<int32_t>{0, 0, 0, 1, 1, 1}));
}

SPATIAL_TEST(testAverageLinkageHandCases) {
  // Average, not single linkage: 0-1 and 1-2 are 0.08 apart, 0-2 is 0.15; after 0+1 merge (the tie
  // goes to the lowest pair), {0,1}-2 averages (0.15 + 0.08) / 2 = 0.115 > 0.1.
  CHECK(cutOf({0.08, 0.15, 0.08}, 3, 0.1) == (std::vector<int32_t>{0, 0, 1}));
  // A merge exactly at the cut is taken (SciPy's fcluster 'distance' keeps heights <= t).
  CHECK(cutOf({0.1}, 2, 0.1) == (std::vector<int32_t>{0, 0}));
  CHECK(cutOf({std::nextafter(0.1, 1.0)}, 2, 0.1) == (std::vector<int32_t>{0, 1}));
  // Two tight pairs far apart; labels follow each cluster's smallest item.
  CHECK(cutOf({1, 0.05, 1, 1, 0.02, 1}, 4, 0.1) == (std::vector<int32_t>{0, 1, 0, 1}));
  CHECK(cutOf({}, 1, 0.1) == (std::vector<int32_t>{0}));
  CHECK(cutOf({}, 0, 0.1).empty());
  CHECK(throwsCode([] { cutOf({0.2, NAN, 0.1}, 3, 0.1); }, ErrorCode::Shape));
  CHECK(throwsCode([] { cutOf({-0.5}, 2, 0.1); }, ErrorCode::Shape));
  std::vector<double> out(1);
  const double tr[6] = {0, 0, 0, 1, 1, 1};
  CHECK(throwsCode([&] { trackDistanceChange(tr, 1, 2, -1, out.data()); }, ErrorCode::Shape));
}

SPATIAL_TEST(testAverageLinkageMatchesNaive) {
  std::mt19937 gen(11);
  int differing = 0;
  for (int round = 0; round < 300; ++round) {
    const size_t n = 2 + gen() % 30;
    // Groups of near points plus noise, so that cuts split real structure at several scales.
    std::uniform_real_distribution<double> u(0, 1);
    std::vector<double> d(n * (n - 1) / 2);
    const double scale = 0.05 + 0.3 * u(gen);
    for (auto& v : d) v = scale * u(gen) * u(gen) * 2;
    const auto want = naiveAverageLinkage(d, n, 0.1);
    const auto got = cutOf(d, n, 0.1);
    differing += got != want;
  }
  // Continuous random distances: no ties, no merge height within rounding of the cut.
  CHECK(differing == 0);
}
