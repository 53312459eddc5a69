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
import pickle
import resource
import shutil
import sys
import time
import types

import cv2
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def write_layout(work):
    frames = json.load(open(os.path.join(work, 'frames.json')))
    points = np.fromfile(os.path.join(work, 'points.f32'), dtype='<f4').reshape(-1, 3)
    scene_id = 'scene_bench'
    root = os.path.join(work, 'multispa')
    shutil.rmtree(root, ignore_errors=True)
    posed = os.path.join(root, 'posed_images', scene_id)
    inst = os.path.join(root, 'instance_data', scene_id)
    os.makedirs(posed)
    os.makedirs(inst)
    np.save(os.path.join(inst, 'aligned_points.npy'), points)
    k = frames[0]['intrinsics']
    black = os.path.join(root, 'black.jpg')
    cv2.imwrite(black, np.zeros((k['height'], k['width'], 3), np.uint8))
    images_info = {}
    for n, f in enumerate(frames):
        key = f'{n:05d}'
        shutil.copyfile(black, os.path.join(posed, f'{key}.jpg'))
        shutil.copyfile(f['depthPath'], os.path.join(posed, f'{key}.png'))
        images_info[key] = {
            'image_path': f'posed_images/{scene_id}/{key}.jpg',
            'depth_image_path': f'posed_images/{scene_id}/{key}.png',
            'extrinsic_matrix': np.array(f['pose'], dtype=np.float64).reshape(4, 4),
        }
    intrinsic = np.array([[k['fx'], 0, k['cx'], 0], [0, k['fy'], k['cy'], 0], [0, 0, 1, 0], [0, 0, 0, 1]], dtype=np.float64)
    info = {scene_id: {'num_posed_images': len(frames), 'images_info': images_info, 'intrinsic_matrix': intrinsic,
                       'axis_align_matrix': np.eye(4), 'num_objects': 0}}
    info_path = os.path.join(root, 'scenes_info.pkl')
    with open(info_path, 'wb') as fh:
        pickle.dump(info, fh)
    return root, scene_id, info_path, 1.0 / frames[0]['depthScale'], len(frames), len(points)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--reference', required=True)
    ap.add_argument('--work', required=True)
    ap.add_argument('--json', action='store_true')
    args = ap.parse_args()
    root, scene_id, info_path, depth_value_scale, frames, points = write_layout(args.work)
    reference = os.path.abspath(args.reference)
    sys.path[:0] = [os.path.join(HERE, 'shim'), reference, os.path.join(reference, 'spatial_engine', 'camera_movement')]
    try:
        import torch  # noqa: F401
    except ImportError:
        sys.modules['torch'] = types.SimpleNamespace(cuda=types.SimpleNamespace(is_available=lambda: False))
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
