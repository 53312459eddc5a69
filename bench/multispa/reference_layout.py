"""What both MultiSPA drivers (compare.py, time_passes.py) need to run the published engine on our
scene: the scene written in the layout its SceneInfoHandler reads, and its modules made importable.

The layout: an info pickle (scenes_info.pkl), posed_images/<scene>/<key>.jpg and <key>.png (the
scene's own 16-bit depth PNGs, copied unchanged), instance_data/<scene>/aligned_points.npy (our scene
points). The checkout is only read, imported from its path; nothing of it is copied here.
"""
import os
import pickle
import shutil
import sys
import types

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def write_layout(root, scene_id, frames, points, write_color):
    """Writes the scene under `root` (replaced). `frames`: dicts with intrinsics (one per scene),
    pose (row-major worldFromCam, 16 numbers) and depthPath; `write_color(frame, path)` writes the
    colour image (the passes compared read only its shape). Returns the info pickle's path."""
    shutil.rmtree(root, ignore_errors=True)
    posed = os.path.join(root, 'posed_images', scene_id)
    inst = os.path.join(root, 'instance_data', scene_id)
    os.makedirs(posed)
    os.makedirs(inst)
    np.save(os.path.join(inst, 'aligned_points.npy'), points)
    k = frames[0]['intrinsics']
    images_info = {}
    for n, f in enumerate(frames):
        key = f'{n:05d}'
        write_color(f, os.path.join(posed, f'{key}.jpg'))
        shutil.copyfile(f['depthPath'], os.path.join(posed, f'{key}.png'))
        images_info[key] = {
            'image_path': f'posed_images/{scene_id}/{key}.jpg',
            'depth_image_path': f'posed_images/{scene_id}/{key}.png',
            'extrinsic_matrix': np.array(f['pose'], dtype=np.float64).reshape(4, 4),
        }
    intrinsic = np.array([[k['fx'], 0, k['cx'], 0], [0, k['fy'], k['cy'], 0], [0, 0, 1, 0], [0, 0, 0, 1]], dtype=np.float64)
    info = {scene_id: {
        'num_posed_images': len(frames), 'images_info': images_info, 'intrinsic_matrix': intrinsic,
        'axis_align_matrix': np.eye(4), 'num_objects': 0,
    }}
    info_path = os.path.join(root, 'scenes_info.pkl')
    with open(info_path, 'wb') as fh:
        pickle.dump(info, fh)
    return info_path


def make_reference_importable(reference):
    """Puts the checkout and our `mmengine` stand-in (shim/) on sys.path; `torch` (only
    `cuda.is_available` is used) comes from a stub when it is not installed."""
    sys.path[:0] = [os.path.join(HERE, 'shim'), reference, os.path.join(reference, 'spatial_engine', 'camera_movement')]
    try:
        import torch  # noqa: F401
    except ImportError:
        sys.modules['torch'] = types.SimpleNamespace(cuda=types.SimpleNamespace(is_available=lambda: False))
