// Type-checked in the consumer project (tsc --module nodenext): the ESM entry points carry types.
import { type Camera, generateClip, info, loadClip, overlapMatrix, synthesizeClip, visibleSets } from '@spatial/geom';
import { projectPoints } from '@spatial/geom/reference';
import { mergeShards } from '@spatial/geom/dataset';

const camera: Camera = { intrinsics: { fx: 1, fy: 1, cx: 0, cy: 0, width: 2, height: 2 }, pose: new Float64Array(16) };
const sets: Uint32Array[] = visibleSets(new Float32Array(3), [camera], [{ width: 2, height: 2, data: new Float32Array(4) }]);
const iou: Float32Array = overlapMatrix(sets);
const uv: Float32Array = projectPoints(new Float32Array(3), camera).uv;
const simd: string = info().simd;
export const used = [iou, uv, simd, generateClip, loadClip, synthesizeClip, mergeShards];
