#!/usr/bin/env python3
"""The work of native/core/bench/bench_cuda.cpp in vectorised PyTorch on a CUDA device.

Same sizes and scene recipe (points uniform in a 3 m cube, 640x480 depth maps of random surfaces
3-5.5 m away, cameras on a 4 m ring looking at the centre, fx = 0.8 W), same conventions
(DESIGN.md section 2: OpenCV axes, camera-to-world poses, nearest pixel floor(u + 0.5), visible iff
z > near, pixel inside, depth valid and z <= depth + tolerance):

  visibility  1M points x 300 frames, bit-packed masks
  overlap     IoU matrix of the 300 visible sets (float32 matmul of 0/1 masks: exact counts < 2^24)
  rays        sinusoidal ray embeddings of 64 frames at 518x518, patch 14, 8 octaves, focal terms
  projection  1M points x 8 / 64 frames, effective bandwidth

Each case is timed on the device (CUDA events, data already there) and from host memory (inputs
copied in, results copied out, synchronised wall clock). Usage:

  python3 bench/torch_compare.py [--points 1000000] [--frames 300] [--runs 5]
"""

import argparse
import math
import statistics
import time

import torch


def cuda_ms(fn, runs):
    """Median device time of fn() in milliseconds (after one warm-up)."""
    fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(runs):
        start = torch.cuda.Event(enable_timing=True)
        end = torch.cuda.Event(enable_timing=True)
        start.record()
        fn()
        end.record()
        end.synchronize()
        times.append(start.elapsed_time(end))
    return statistics.median(times)


def wall_ms(fn, runs):
    """Median wall time of fn() in milliseconds, synchronised (after one warm-up)."""
    fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        torch.cuda.synchronize()
        times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times)


def ring_cameras(frames, width, height):
    """camFromWorld (F, 3, 4) float64 and intrinsics (F, 4) fx, fy, cx, cy for the bench's ring."""
    a = torch.arange(frames, dtype=torch.float64) * (2 * math.pi / frames)
    c, s = torch.cos(a), torch.sin(a)
    zeros, ones = torch.zeros_like(a), torch.ones_like(a)
    # worldFromCam rotation R (rows) and centre t, as in bench_cuda.cpp's ringCameras.
    rot = torch.stack([torch.stack([c, zeros, s], -1), torch.stack([zeros, ones, zeros], -1),
                       torch.stack([-s, zeros, c], -1)], -2)
    t = torch.stack([-4 * s, zeros, -4 * c], -1)
    rt = rot.transpose(1, 2)
    cam_from_world = torch.cat([rt, -(rt @ t.unsqueeze(-1))], -1)
    k = torch.tensor([0.8 * width, 0.8 * width, (width - 1) / 2, (height - 1) / 2], dtype=torch.float64)
    return cam_from_world, k.expand(frames, 4).clone()


def project(points, cam_from_world, k):
    """uv (F, N, 2) and z (F, N) in float32; uv NaN where z <= 0."""
    m = cam_from_world.to(points.dtype)
    xc = torch.einsum('fij,nj->fni', m[:, :, :3], points) + m[:, None, :, 3]
    z = xc[..., 2]
    kk = k.to(points.dtype)
    u = kk[:, None, 0] * xc[..., 0] / z + kk[:, None, 2]
    v = kk[:, None, 1] * xc[..., 1] / z + kk[:, None, 3]
    uv = torch.stack([u, v], -1)
    uv = torch.where((z > 0)[..., None], uv, torch.full_like(uv, float('nan')))
    return uv, z


def visibility(points, cam_from_world, k, depth, near=1e-6, tol=0.05, chunk=16):
    """Bool masks (F, N): z > near, nearest pixel inside, its depth valid, z <= depth + tol."""
    frames, height, width = depth.shape
    out = torch.empty(frames, points.shape[0], dtype=torch.bool, device=points.device)
    for f0 in range(0, frames, chunk):
        sl = slice(f0, min(frames, f0 + chunk))
        uv, z = project(points, cam_from_world[sl], k[sl])
        j = torch.floor(uv[..., 0] + 0.5)
        i = torch.floor(uv[..., 1] + 0.5)
        inside = (j >= 0) & (j < width) & (i >= 0) & (i < height)
        idx = (torch.where(inside, i, torch.zeros_like(i)) * width + torch.where(inside, j, torch.zeros_like(j))).long()
        d = torch.gather(depth[sl].reshape(idx.shape[0], -1), 1, idx)
        valid = (d > 0) & torch.isfinite(d)
        out[sl] = (z > near) & inside & valid & (z <= d + tol)
    return out


def pack_bits(mask):
    """(F, N) bool -> (F, ceil(N / 8)) uint8, little-endian bit order within each byte."""
    frames, n = mask.shape
    pad = (-n) % 8
    m = torch.nn.functional.pad(mask, (0, pad)).view(frames, -1, 8).to(torch.uint8)
    weights = torch.tensor([1, 2, 4, 8, 16, 32, 64, 128], dtype=torch.uint8, device=mask.device)
    return (m * weights).sum(-1, dtype=torch.uint8)


def overlap_matrix(mask):
    """IoU (F, F) float32 from bool masks; diagonal 1 (0 for an empty set)."""
    m = mask.to(torch.float32)
    inter = m @ m.T  # exact: integer counts below 2^24, float32 accumulation (TF32 disabled below)
    sizes = inter.diagonal()
    union = sizes[:, None] + sizes[None, :] - inter
    iou = torch.where(union > 0, inter.double() / union.double(), torch.zeros_like(inter, dtype=torch.float64))
    return iou.to(torch.float32)


def ray_embedding(frames, width, height, patch, octaves, device):
    """(frames, rows * cols, 4 * 2 * octaves) float32, the core's layout, in float64 math."""
    k = torch.tensor([400.0, 400.0, 258.5, 258.5], dtype=torch.float64, device=device).expand(frames, 4)
    rows, cols = height // patch, width // patch
    uc = (torch.arange(cols, dtype=torch.float64, device=device) + 0.5) * patch - 0.5
    vc = (torch.arange(rows, dtype=torch.float64, device=device) + 0.5) * patch - 0.5
    x = (uc[None, :] - k[:, 2:3]) / k[:, 0:1]  # (F, cols)
    y = (vc[None, :] - k[:, 3:4]) / k[:, 1:2]  # (F, rows)
    xs = x[:, None, :].expand(frames, rows, cols)
    ys = y[:, :, None].expand(frames, rows, cols)
    fx = (k[:, 0] / width)[:, None, None].expand(frames, rows, cols)
    fy = (k[:, 1] / height)[:, None, None].expand(frames, rows, cols)
    comps = torch.stack([xs, ys, fx, fy], -1).reshape(frames, rows * cols, 4)
    scales = math.pi * (2.0 ** torch.arange(octaves, dtype=torch.float64, device=device))
    a = comps[..., None] * scales  # (F, P, 4, octaves)
    return torch.stack([torch.sin(a), torch.cos(a)], -1).reshape(frames, rows * cols, -1).to(torch.float32)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--points', type=int, default=1_000_000)
    parser.add_argument('--frames', type=int, default=300)
    parser.add_argument('--runs', type=int, default=5)
    args = parser.parse_args()
    if not torch.cuda.is_available():
        raise SystemExit('torch_compare.py needs a CUDA device (torch.cuda.is_available() is False)')
    torch.backends.cuda.matmul.allow_tf32 = False  # TF32 would round the 0/1 counts' accumulation
    dev = torch.device('cuda')
    props = torch.cuda.get_device_properties(dev)
    print(f'device {props.name}, torch {torch.__version__}, points {args.points}, frames {args.frames}')

    gen = torch.Generator().manual_seed(1)
    width, height = 640, 480
    points_h = torch.rand(args.points, 3, generator=gen) * 3 - 1.5
    depth_h = torch.rand(args.frames, height, width, generator=gen) * 2.5 + 3
    cam_h, k_h = ring_cameras(args.frames, width, height)
    points, depth, cam, k = points_h.to(dev), depth_h.to(dev), cam_h.to(dev), k_h.to(dev)

    ms = cuda_ms(lambda: pack_bits(visibility(points, cam, k, depth)), args.runs)
    print(f'{"visibility on device":34s} {ms:9.2f} ms  {args.points * args.frames / ms / 1e6:7.2f} G point-frames/s')
    ms = wall_ms(lambda: pack_bits(visibility(points_h.to(dev), cam_h.to(dev), k_h.to(dev), depth_h.to(dev))).cpu(),
                 max(1, args.runs // 2))
    print(f'{"visibility from host":34s} {ms:9.2f} ms')

    mask = visibility(points, cam, k, depth)
    print(f'visible sets: mean {mask.sum().item() / args.frames:.0f} points per frame')
    ms = cuda_ms(lambda: overlap_matrix(mask), args.runs)
    print(f'{"overlap on device":34s} {ms:9.2f} ms')
    mask_h = mask.cpu()
    ms = wall_ms(lambda: overlap_matrix(mask_h.to(dev)).cpu(), max(1, args.runs // 2))
    print(f'{"overlap from host masks":34s} {ms:9.2f} ms')

    ms = cuda_ms(lambda: ray_embedding(64, 518, 518, 14, 8, dev), args.runs)
    print(f'{"rays 64 x 518^2/14 F=8 on device":34s} {ms:9.2f} ms')
    ms = wall_ms(lambda: ray_embedding(64, 518, 518, 14, 8, dev).cpu(), args.runs)
    print(f'{"rays 64 frames to host":34s} {ms:9.2f} ms')

    for frames in (8, 64):
        if frames > args.frames:
            break
        c, kk = cam[:frames], k[:frames]
        ms = cuda_ms(lambda: project(points, c, kk), args.runs)
        gbs = (12.0 * args.points + 12.0 * args.points * frames) / ms / 1e6
        print(f'{"project %d frames on device" % frames:34s} {ms:9.2f} ms  {gbs:7.0f} GB/s (bytes the kernel must move)')
        ms = wall_ms(lambda: [t.cpu() for t in project(points_h.to(dev), c, kk)], max(1, args.runs // 2))
        print(f'{"project %d frames from host" % frames:34s} {ms:9.2f} ms')


if __name__ == '__main__':
    main()
