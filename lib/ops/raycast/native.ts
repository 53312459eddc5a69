/**
 * Exact depth, instance-id and colour images of scenes made of axis-aligned boxes, by native ray
 * casting (one ray per pixel centre, slab test per box). The renderer of the synthetic scene.
 * @module
 */
import { native } from '../../native.js';
import { packRaycastScene, raycastOutputs, type RaycastOptions, type RaycastResult, type RaycastScene } from './shared.js';
import type { Camera } from '../../types.js';
import { checkCamera, packCameras } from '../../validate.js';

export type {
  PackedRaycastScene, RaycastBox, RaycastOptions, RaycastOut, RaycastResult, RaycastRoom, RaycastScene,
} from './shared.js';

/**
 * Renders one camera's view of a box scene.
 *
 * Pixel (j, i) casts the ray `R ((j - cx) / fx, (i - cy) / fy, 1)` from the camera centre (pose =
 * `worldFromCam` = `[R | t]`). Solid boxes are hit on entry, in front of the camera (`t > 0`); the
 * room box, when given, is hit from inside on exit; the nearest hit wins (exact ties: room first,
 * then the box listed first). Because the camera-frame ray has z = 1, the hit parameter is the
 * camera-space **depth z** (not the distance along the ray).
 *
 * Colour (RGB) = `palette[id] * lambert * texture`, rounded: Lambert from two fixed lights (key
 * `(0.35, 0.15, 0.9)` weight 0.45, fill `(-0.25, -0.7, 0.1)` weight 0.2, ambient 0.5) on the face normal, texture = two
 * scales of hashed cells (25 cm, +-10 %; 5 cm, +-6 %) on the face's world coordinates.
 *
 * @param scene - boxes (and room) in world metres, ids 0..65535, optional RGB palette per id.
 * @param camera - intrinsics and rigid pose; the output has its image size W x H.
 * @param opts - `color` (default: when `scene.palette` is set), `out` buffers to reuse.
 * @returns `depth` (W*H Float32, metres, 0 = nothing hit), `instanceIds` (W*H Uint16, 0 = none) and
 *   `color` (3*W*H Uint8 RGB, black where nothing was hit) when requested.
 * @example
 * const room = { min: [0, 0, 0], max: [4, 3, 2.5], faceIds: [3, 4, 5, 6, 1, 2] };
 * const { depth } = raycastBoxes({ boxes: [], room }, camera);
 */
export function raycastBoxes(scene: RaycastScene, camera: Camera, opts?: RaycastOptions): RaycastResult {
  const cam = checkCamera(camera, 'camera');
  const { width, height } = cam.intrinsics;
  const o = raycastOutputs(scene, opts, width * height);
  const s = packRaycastScene(scene, o.color);
  native().raycastBoxes(s.boxes, s.ids, s.room, s.roomIds, s.palette, packCameras([cam]), o.depth, o.instanceIds, o.rgb);
  return {
    depth: { width, height, data: o.depth },
    instanceIds: o.instanceIds,
    ...(o.rgb ? { color: { width, height, channels: 3 as const, data: o.rgb } } : {}),
  };
}
