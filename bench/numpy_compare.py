"""The straightforward vectorised numpy (and OpenCV) versions of the bench's ops, on the same bytes.

Run by bench/run.mjs when /usr/bin/python3 can import numpy (Debian's python3-numpy; `npm run
bench:setup` installs it with python3-opencv). Reads the .npy files the bench wrote into DIR and
prints one JSON object of median milliseconds per case.

    /usr/bin/python3 bench/numpy_compare.py DIR
"""
import json
import os
import sys
import time

import numpy as np

try:
    import cv2
except ImportError:  # OpenCV is optional
    cv2 = None


def timed(fn, runs=3):
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return sorted(times)[len(times) // 2]


def project(P, K, E):
    """Xc = R^T (Xw - t); u = fx x / z + cx; NaN behind the camera."""
    uv = np.empty((len(E), len(P), 2), np.float32)
    depth = np.empty((len(E), len(P)), np.float32)
    for f in range(len(E)):
        R, t = E[f, :3, :3], E[f, :3, 3]
        Xc = (P - t) @ R
        z = Xc[:, 2]
        with np.errstate(divide="ignore", invalid="ignore"):
            u = K[f, 0] * Xc[:, 0] / z + K[f, 2]
            v = K[f, 1] * Xc[:, 1] / z + K[f, 3]
        behind = z <= 0
        u[behind] = np.nan
        v[behind] = np.nan
        uv[f, :, 0], uv[f, :, 1], depth[f] = u, v, z
    return uv, depth


def visible_masks(P, K, E, D, tol=0.05, near=1e-6):
    masks = np.zeros((len(E), len(P)), bool)
    for f in range(len(E)):
        R, t = E[f, :3, :3], E[f, :3, 3]
        Xc = (P - t) @ R
        z = Xc[:, 2]
        with np.errstate(divide="ignore", invalid="ignore"):
            j = np.floor(K[f, 0] * Xc[:, 0] / z + K[f, 2] + 0.5)
            i = np.floor(K[f, 1] * Xc[:, 1] / z + K[f, 3] + 0.5)
        H, W = D[f].shape
        inside = (z > near) & (j >= 0) & (j < W) & (i >= 0) & (i < H)
        jj = np.where(inside, j, 0).astype(np.int64)
        ii = np.where(inside, i, 0).astype(np.int64)
        d = D[f][ii, jj]
        masks[f] = inside & (d > 0) & np.isfinite(d) & (z <= d + tol)
    return masks


def visible_sets(P, K, E, D):
    return [np.flatnonzero(m).astype(np.uint32) for m in visible_masks(P, K, E, D)]


def overlap_matrix(masks):
    """IoU of boolean visibility masks via one float32 matrix product (BLAS)."""
    V = masks.astype(np.float32)
    inter = V @ V.T
    sizes = V.sum(axis=1)
    union = sizes[:, None] + sizes[None, :] - inter
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(union > 0, inter / union, 0).astype(np.float32)


def ray_embedding(k, patch, F):
    fx, fy, cx, cy, W, H = k
    cols, rows = int(W) // patch, int(H) // patch
    u = (np.arange(cols) + 0.5) * patch - 0.5
    v = (np.arange(rows) + 0.5) * patch - 0.5
    x = np.broadcast_to(((u - cx) / fx)[None, :], (rows, cols))
    y = np.broadcast_to(((v - cy) / fy)[:, None], (rows, cols))
    comps = np.stack([x, y, np.full_like(x, fx / W), np.full_like(x, fy / H)], axis=-1)
    a = comps[..., None] * (np.pi * 2.0 ** np.arange(F))
    return np.stack([np.sin(a), np.cos(a)], axis=-1).astype(np.float32).reshape(rows, cols, -1)


def blas_library():
    """The BLAS library numpy's matrix products run on, resolved through Debian's alternatives
    (reference BLAS and OpenBLAS differ 15x on the overlap matrix product)."""
    try:
        with open("/proc/self/maps") as f:
            paths = {line.split()[-1] for line in f if "blas" in line.rsplit("/", 1)[-1].lower()}
    except OSError:
        return None
    return ", ".join(sorted({os.path.realpath(p) for p in paths if p.startswith("/")})) or None


def main(d):
    P = np.load(f"{d}/points.npy")
    K = np.load(f"{d}/intrinsics.npy")
    E = np.load(f"{d}/poses.npy")
    D = np.load(f"{d}/depths.npy")
    out = {"numpy": np.__version__, "blas": blas_library(), "opencv": cv2.__version__ if cv2 else None}
    for F in (1, 8, 64):
        out[f"project_{F}"] = timed(lambda: project(P, K[:F], E[:F]), runs=3 if F < 64 else 1)
    out["visible_64"] = timed(lambda: visible_sets(P, K, E, D), runs=1)
    masks = visible_masks(P, K, E, D)
    out["overlap_64"] = timed(lambda: overlap_matrix(masks), runs=3)
    out["rays_64"] = timed(lambda: [ray_embedding(K[0] * 0 + np.array([400, 400, 258.5, 258.5, 518, 518]), 14, 8) for _ in range(64)], runs=3)
    if cv2 is not None:
        def cv_project():
            for f in range(8):
                R, t = E[f, :3, :3], E[f, :3, 3]
                rvec, _ = cv2.Rodrigues(R.T)
                Kmat = np.array([[K[f, 0], 0, K[f, 2]], [0, K[f, 1], K[f, 3]], [0, 0, 1]])
                cv2.projectPoints(P.astype(np.float64), rvec, -R.T @ t, Kmat, None)
        out["cv2_project_8"] = timed(cv_project, runs=1)
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1])
