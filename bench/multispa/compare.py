#!/usr/bin/env python3
"""Side-by-side comparison of `--compat multispa` with the published MultiSPA data engine.

Runs our engine (bench/multispa/ours.mjs, on dist/) and the reference's own code on the same scene,
the same scene points and the same frames, and prints an agreement table:
  - visibility: the reference's visibility pass (make_visibility_info.process_scene) against ours,
    one decision per (frame, point);
  - relations: its frame-relations pass (calculate_frames_relations.process_scene): overlap, yaw
    and pitch per frame pair;
  - depth and coordinates: for every (frame, point) both call visible, its projection through the
    reference's SceneInfoHandler (what the depth and correspondence engines call), rounded as they
    round (depth mm, 0-1000 coordinates); items that differ are re-run through the per-point
    function the engines call (get_point_2d_coordinates_in_image);
  - camera motion: every ordered pair the camera engine accepts (overlap >= 0.1 %), its
    build_training_sample answer_values against ours.

The reference checkout is given by path and only read: the scene is converted into the layout it
expects (an info pickle as scannet_utils writes it, posed_images/<scene>/<id>.jpg|png with the
scene's own 16-bit depth PNGs copied unchanged, aligned_points.npy) in a work directory.
`mmengine` is replaced by bench/multispa/shim (pickle load/dump only); `torch` (only its
`cuda.is_available`, for a GPU path the passes do not take) by a stub when it is not installed.

  /usr/bin/python3 bench/multispa/compare.py --reference /path/to/multispa-checkout \
      --scene ../shared/data/hololens-scannet --format scannet
  ... --time-only   prints {"visibility_s": ..., "relations_s": ...} (the reference's passes) only
"""
import argparse
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import cv2
import numpy as np

from reference_layout import make_reference_importable, write_layout

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))


def run_ours(scene, fmt, frames, work):
    cmd = ['node', os.path.join(HERE, 'ours.mjs'), '--scene', scene, '--format', fmt, '--out', work]
    if frames:
        cmd += ['--frames', str(frames)]
    subprocess.run(cmd, check=True, stdout=sys.stderr, cwd=REPO)
    with open(os.path.join(work, 'ours.json')) as f:
        return json.load(f)


def write_reference_layout(ours, work):
    """The scene in the reference's layout; returns (root, scene_id, info_path, depth_value_scale)."""
    scene_id = 'scene_compat'
    root = os.path.join(work, 'ref')
    points = np.fromfile(os.path.join(work, 'points.f32'), dtype='<f4').reshape(-1, 3)
    frames = ours['frames']
    k = frames[0]['intrinsics']
    scales = {f['depthScale'] for f in frames}
    if len(scales) != 1 or None in scales:
        sys.exit('compare.py: every frame needs one stored depth scale (a depth PNG on disk)')
    for f in frames:
        if f['intrinsics'] != k:
            sys.exit('compare.py: the reference holds one intrinsic matrix per scene; frames differ')

    def write_color(f, path):
        color = cv2.imread(f['colorPath']) if f.get('colorPath') else None
        cv2.imwrite(path, color if color is not None else np.zeros((k['height'], k['width'], 3), np.uint8))

    info_path = write_layout(root, scene_id, frames, points, write_color)
    return root, scene_id, info_path, 1.0 / scales.pop()


def import_reference(reference):
    make_reference_importable(reference)
    with contextlib.redirect_stdout(sys.stderr):
        from spatial_engine.utils.scannet_utils.handler import info_handler
        from spatial_engine.utils.scannet_utils import make_visibility_info
        from spatial_engine.camera_movement import calculate_frames_relations
        from spatial_engine.camera_movement import camera_movement_engine_train_val
    return info_handler, make_visibility_info, calculate_frames_relations, camera_movement_engine_train_val


class FixedRandom:
    """Stands in for the `random` module of the camera engine: the image-order coin is fixed by the
    caller (0.9 keeps the row's order, 0.1 swaps it, as the engine does on its draw); templates are
    the first of each list (they do not enter answer_values)."""

    def __init__(self, value):
        self.value = value

    def random(self):
        return self.value

    def choice(self, seq):
        return seq[0]


def wrap_like_reference(yaw):
    if abs(yaw) > 180:
        yaw = yaw - 360 if yaw > 0 else yaw + 360
    return yaw


def compare(args):
    work = args.work or tempfile.mkdtemp(prefix='multispa-compare-')
    os.makedirs(work, exist_ok=True)
    ours = run_ours(args.scene, args.format, args.frames, work)
    root, scene_id, info_path, depth_value_scale = write_reference_layout(ours, work)
    info_handler, vis_mod, rel_mod, cam_mod = import_reference(os.path.abspath(args.reference))
    cwd = os.getcwd()
    os.chdir(root)
    try:
        with contextlib.redirect_stdout(sys.stderr):
            infos = info_handler.SceneInfoHandler(info_path, posed_images_root='posed_images', instance_data_root='instance_data',
                                                  depth_value_scale=depth_value_scale)
            warn = os.path.join(root, 'warnings.txt')
            t = time.perf_counter()
            _, vis = vis_mod.process_scene(scene_id, infos, warn)
            visibility_s = time.perf_counter() - t
            t = time.perf_counter()
            _, rel = rel_mod.process_scene(scene_id, infos, warn)
            relations_s = time.perf_counter() - t
        if args.time_only:
            print(json.dumps({'visibility_s': visibility_s, 'relations_s': relations_s, 'frames': len(ours['frames']), 'points': ours['points']}))
            return
        report(ours, infos, scene_id, vis, rel, cam_mod, visibility_s, relations_s, args)
    finally:
        os.chdir(cwd)
        if not args.work and not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def report(ours, infos, scene_id, vis, rel, cam_mod, visibility_s, relations_s, args):
    frames = ours['frames']
    keys = [f'{n:05d}' for n in range(len(frames))]
    n_points = ours['points']
    rows = []
    notes = []

    # Visible (frame, point) decisions.
    differ = 0
    either = 0
    for n, key in enumerate(keys):
        a = np.zeros(n_points, bool)
        b = np.zeros(n_points, bool)
        a[frames[n]['visible']] = True
        b[vis['image_to_points'][key]] = True
        differ += int(np.sum(a != b))
        either += int(np.sum(a | b))
    rows.append(('visible (frame, point) decisions, visible in either', either, either - differ, differ))

    # Pairwise overlaps, yaw and pitch of the relations pass (i < j).
    pair_of = {(p['i'], p['j']): p for p in ours['pairs']}
    ov_diff = yaw_diff = pitch_diff = 0
    yaw_max = pitch_max = 0.0
    for (k1, k2), r in rel.items():
        i, j = int(k1), int(k2)
        p = pair_of[(i, j)]
        if abs(p['overlap'] * 100 - r['overlap']) > 1e-4:
            ov_diff += 1
        dy = abs(p['yaw'] - wrap_like_reference(r['yaw']))
        dp = abs(p['pitch'] - r['pitch'])
        yaw_max, pitch_max = max(yaw_max, dy), max(pitch_max, dp)
        yaw_diff += dy > 1e-9
        pitch_diff += dp > 1e-9
    rows.append(('pairwise overlap (IoU %)', len(rel), len(rel) - ov_diff, ov_diff))
    rows.append((f'yaw difference (|d| <= 1e-9 deg; max |d| {yaw_max:.3g} deg)', len(rel), len(rel) - yaw_diff, yaw_diff))
    rows.append((f'pitch difference (|d| <= 1e-9 deg; max |d| {pitch_max:.3g} deg)', len(rel), len(rel) - pitch_diff, pitch_diff))

    # Depth mm and 0-1000 coordinates of every (frame, point) visible in both.
    h, w = infos.get_image_shape(scene_id)
    items = depth_diff = coord_diff = 0
    confirmed = []
    for n, key in enumerate(keys):
        f = frames[n]
        ref_visible = set(vis['image_to_points'][key])
        pts = np.asarray(infos.get_scene_points_align(scene_id))[:, :3]
        uv, z = infos.project_3d_point_to_image(scene_id, key, pts)
        for idx, p in enumerate(f['visible']):
            if p not in ref_visible:
                continue
            items += 1
            x, y, d = int(np.round(uv[p, 0] / w * 1000)), int(np.round(uv[p, 1] / h * 1000)), int(np.round(z[p] * 1000))
            dd = d != f['depthMm'][idx]
            dc = x != f['x'][idx] or y != f['y'][idx]
            depth_diff += dd
            coord_diff += dc
            if dd or dc:
                confirmed.append((key, p, f, idx))
    # The engines call the per-point form; re-run differing items through it.
    still = 0
    with contextlib.redirect_stdout(sys.stderr):
        for key, p, f, idx in confirmed:
            uv1, z1 = infos.get_point_2d_coordinates_in_image(scene_id, key, p, align=True, check_visible=True, return_depth=True)
            if len(uv1) == 0:
                still += 1
                continue
            x, y, d = round((uv1[0][0] / w) * 1000), round((uv1[0][1] / h) * 1000), round(z1[0] * 1000)
            if (x, y, d) != (f['x'][idx], f['y'][idx], f['depthMm'][idx]):
                still += 1
                notes.append(f'frame {key} point {p}: reference ({x}, {y}, {d} mm) u={uv1[0][0]!r} v={uv1[0][1]!r} z={z1[0]!r}; '
                             f'ours ({f["x"][idx]}, {f["y"][idx]}, {f["depthMm"][idx]} mm) u={f["u"][idx]!r} v={f["v"][idx]!r} z={f["z"][idx]!r}')
    rows.append(('depth mm (depth_estimation / depth_comparison)', items, items - depth_diff, depth_diff))
    rows.append(('0-1000 coordinates (x and y)', items, items - coord_diff, coord_diff))
    rows.append(('  of those, still differing in the per-point call the engines make', len(confirmed), len(confirmed) - still, still))

    # Camera-motion answers of every ordered pair the camera engine accepts.
    fields = ['x_movement', 'y_movement', 'z_movement', 'yaw_movement', 'pitch_movement', 'yaw_angle', 'pitch_angle', 'total_distance']
    cam_items = cam_diff = vec_diff = vec_far = 0
    vec_max = 0.0
    real_random = cam_mod.random
    try:
        for (k1, k2), r in rel.items():
            if r['overlap'] < 0.1:
                continue  # build_training_sample raises NotImplementedError below 0.1 %
            row = {'scene_id': scene_id, 'image_id1': k1, 'image_id2': k2, **{q: r[q] for q in ('overlap', 'yaw', 'pitch', 'distance')}}
            for coin in (0.9, 0.1):
                cam_mod.random = FixedRandom(coin)
                with contextlib.redirect_stdout(sys.stderr):
                    s = cam_mod.build_training_sample(infos, row, 0, 'displacement_vector')
                i, j = (int(k1), int(k2)) if coin > 0.5 else (int(k2), int(k1))
                assert s['image'][0].endswith(f'{i:05d}.jpg')
                ref_values = s['answer_values']
                mine = pair_of[(i, j)]['values']
                cam_items += 1
                bad = [q for q in fields if ref_values[q] != mine[q]]
                bad += [q for q, m in zip(('x_value', 'y_value', 'z_value'), mine['vector_text_mm']) if ref_values[q] != m]
                if bad:
                    cam_diff += 1
                    notes.append(f'pair ({i}, {j}): ' + ', '.join(f'{q} reference {ref_values[q]!r} ours {mine.get(q, "")!r}' for q in bad))
                dv = max(abs(a - b) for a, b in zip(ref_values['displacement_vector'], mine['displacement_vector']))
                vec_max = max(vec_max, dv)
                vec_diff += dv != 0
                vec_far += dv > 1e-12
    finally:
        cam_mod.random = real_random
    rows.append(('camera-motion answers (ordered pairs, all 11 answer fields)', cam_items, cam_items - cam_diff, cam_diff))
    rows.append((f'displacement_vector gt_value, metres (|d| <= 1e-12 m; max |d| {vec_max:.3g} m)', cam_items, cam_items - vec_far, vec_far))
    rows.append(('  of those, bit-equal (numpy inverts and multiplies through OpenBLAS/LAPACK kernels)', cam_items, cam_items - vec_diff, vec_diff))

    print(f'Scene {args.scene} ({args.format}): {len(frames)} frames, {n_points} points; '
          f'reference passes: visibility {visibility_s:.2f} s, relations {relations_s:.2f} s')
    print()
    print('| quantity | items | equal | differ |')
    print('|---|---:|---:|---:|')
    for name, total, eq, df in rows:
        print(f'| {name} | {total} | {eq} | {df} |')
    if notes:
        print()
        print(f'Differing items ({len(notes)}; first {min(len(notes), args.max_notes)}):')
        for line in notes[:args.max_notes]:
            print('  ' + line)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--reference', required=True, help='checkout of the published MultiSPA engine (read only)')
    ap.add_argument('--scene', required=True, help='scene directory')
    ap.add_argument('--format', required=True, choices=['scannet', 'tum'], help='its layout')
    ap.add_argument('--frames', type=int, default=0, help='first N frames only [all]')
    ap.add_argument('--work', help='work directory (kept) [a temporary one, removed]')
    ap.add_argument('--keep', action='store_true', help='keep the temporary work directory')
    ap.add_argument('--time-only', action='store_true', help='print only the JSON wall times of the reference passes')
    ap.add_argument('--max-notes', type=int, default=20, help='differing items listed [20]')
    args = ap.parse_args()
    if not os.path.isdir(os.path.join(args.reference, 'spatial_engine')):
        sys.exit(f'compare.py: --reference {args.reference} is not a MultiSPA checkout (no spatial_engine/)')
    compare(args)


if __name__ == '__main__':
    main()
