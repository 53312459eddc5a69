/**
 * Multi-view geometry (native, with pure-TS twins in `@spatial/geom/reference`): projection,
 * back-projection, visibility and overlap, camera rays and their embeddings, ray casting, voxel
 * downsampling, MultiSPA-compatible visibility, oriented 3D box IoU and rigid-motion segmentation.
 *
 * Everything here is imported from `@spatial/geom`.
 * @module geometry
 */
export * from '../../lib/ops/geometry/native.js';
export * from '../../lib/ops/rays/native.js';
export * from '../../lib/ops/raycast/native.js';
export { voxelDownsample, type Downsampled } from '../../lib/ops/pointcloud/native.js';
export { visibleSetsMultiSpa, type MultiSpaVisibilityOptions } from '../../lib/ops/compat/native.js';
export * from '../../lib/ops/box-iou/native.js';
export * from '../../lib/ops/motion/native.js';
