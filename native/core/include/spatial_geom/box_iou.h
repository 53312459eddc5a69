// Exact intersection-over-union of oriented 3D boxes (9-DoF, the VG-LLM / CA-MLLM detection boxes).
//
// Box layout (9 doubles): [x, y, z, dx, dy, dz, alpha, beta, gamma]: centre, full edge lengths
// (dims >= 0), Euler angles in radians. Rotation R = Rz(alpha) * Rx(beta) * Ry(gamma): the matrix
// product in that order, the same as pytorch3d's euler_angles_to_matrix(angles, "ZXY"), which
// multiplies the three single-axis matrices left to right. Each single-axis matrix is the usual
// right-handed (counter-clockwise) rotation: Rx = [[1,0,0],[0,c,-s],[0,s,c]], Ry = [[c,0,s],[0,1,0],
// [-s,0,c]], Rz = [[c,-s,0],[s,c,0],[0,0,1]]. A corner is R * (dims ⊙ (unit corner - 0.5)) + centre
// (VG-LLM computes points @ R^T, the same thing for row vectors), so column k of R is the box's
// local axis k in world coordinates.
//
// IoU = I / (Va + Vb - I) with Va = dx*dy*dz and I the exact intersection volume: box a's polyhedron is
// clipped by the six half-spaces of box b (Sutherland-Hodgman on each face, the cut closed by a cap
// face = 2-D convex hull of the points on the cutting plane), and the volume of the result is the sum
// of tetrahedra from its vertex centroid to a fan of each face. Points within eps of a plane count as
// on it, eps = 1e-12 * (largest edge of either box + largest |centre offset|). IoU is 0 when the union
// is 0 (two empty boxes); I is clamped to min(Va, Vb) so IoU <= 1 despite rounding.
#pragma once

#include <cstddef>

#include "spatial_geom/common.h"

namespace spatial {

constexpr size_t kBoxValues = 9;

// R = Rz(alpha) Rx(beta) Ry(gamma), row-major out[9].
void boxRotationZXY(double alpha, double beta, double gamma, double* out);
// The 8 corners of a box, out[24]; corner c = i + 2j + 4k has local offset
// ((i - 0.5) dx, (j - 0.5) dy, (k - 0.5) dz).
void boxCorners(const double* box, double* out);
// Throws Error{Shape} unless every value of the n boxes is finite and every dim is >= 0.
// `name` names the argument in the message ("a", "boxes", ...).
void checkBoxes(const double* boxes, size_t n, const char* name);
// Exact intersection volume of two valid boxes (units^3).
double boxIntersectionVolume(const double* a, const double* b);
// IoU of two boxes (validated here; throws Error{Shape}).
double boxIou3d(const double* a, const double* b);
// out[i * m + j] = IoU(a_i, b_j) for n boxes a and m boxes b (9 doubles each). Validates all
// boxes before any work; runs rows in parallel when n*m is large.
void boxIou3dMatrix(const double* a, size_t n, const double* b, size_t m, double* out);

}  // namespace spatial
