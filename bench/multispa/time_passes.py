#!/usr/bin/env python3
"""Times the published MultiSPA engine's visibility pass (make_visibility_info.process_scene) and
frame-relations pass (calculate_frames_relations.process_scene) on a scene and points written by
bench/pipeline-passes.mjs (WORK/points.f32, WORK/frames.json), for bench/pipeline.mjs --reference.

The reference checkout is only read (imported from its path; nothing of it is copied here). The
scene is put in the layout its SceneInfoHandler reads: an info pickle, posed_images/<scene>/<key>.png
(the scene's own 16-bit depth PNGs, copied unchanged) and <key>.jpg (a black image of the depth size:
only its shape is read), instance_data/<scene>/aligned_points.npy. `mmengine` comes from
bench/multispa/shim, `torch` (only `cuda.is_available` is used) from a stub when it is missing.

  /usr/bin/python3 bench/multispa/time_passes.py --reference /path/to/MultiSPA --work WORK [--json]
Prints {"passes": {"visibility": {"wall", "cpu"}, "relations": {...}}, "rssGiB": ...}.
"""
import argparse
import contextlib
import json
import os
import resource
import sys
import time

import cv2
import numpy as np

from reference_layout import make_reference_importable, write_layout



def write_bench_layout(work):
    """The bench scene (WORK/frames.json, WORK/points.f32) in the reference's layout, with black
    colour images of the depth size (only their shape is read)."""
    frames = json.load(open(os.path.join(work, 'frames.json')))
    points = np.fromfile(os.path.join(work, 'points.f32'), dtype='<f4').reshape(-1, 3)
    scene_id = 'scene_bench'
    root = os.path.join(work, 'multispa')
    k = frames[0]['intrinsics']
    black = cv2.imencode('.jpg', np.zeros((k['height'], k['width'], 3), np.uint8))[1].tobytes()

    def write_color(_frame, path):
        with open(path, 'wb') as fh:
            fh.write(black)

    info_path = write_layout(root, scene_id, frames, points, write_color)
    return root, scene_id, info_path, 1.0 / frames[0]['depthScale'], len(frames), len(points)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--reference', required=True)
    ap.add_argument('--work', required=True)
    ap.add_argument('--json', action='store_true')
    args = ap.parse_args()
    root, scene_id, info_path, depth_value_scale, frames, points = write_bench_layout(args.work)
    reference = os.path.abspath(args.reference)
    make_reference_importable(reference)
    os.chdir(root)
    passes = {}
    with contextlib.redirect_stdout(sys.stderr):
        from spatial_engine.utils.scannet_utils.handler.info_handler import SceneInfoHandler
        from spatial_engine.utils.scannet_utils import make_visibility_info
        from spatial_engine.camera_movement import calculate_frames_relations
        infos = SceneInfoHandler(info_path, posed_images_root='posed_images', instance_data_root='instance_data', depth_value_scale=depth_value_scale)
        warn = os.path.join(root, 'warnings.txt')
        for name, mod in (('visibility', make_visibility_info), ('relations', calculate_frames_relations)):
            t, c = time.perf_counter(), time.process_time()
            mod.process_scene(scene_id, infos, warn)
            passes[name] = {'wall': time.perf_counter() - t, 'cpu': time.process_time() - c}
    out = {'frames': frames, 'points': points, 'passes': passes, 'rssGiB': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2 ** 20}
    print(json.dumps(out) if args.json else out)


if __name__ == '__main__':
    main()
