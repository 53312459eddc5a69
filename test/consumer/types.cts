// Type-checked in the consumer project (tsc --module nodenext): require() gets the CommonJS types.
import geom = require('@spatial/geom');
import reference = require('@spatial/geom/reference');

const k: geom.Intrinsics = { fx: 1, fy: 1, cx: 0, cy: 0, width: 2, height: 2 };
const rays: Float32Array = geom.rayEmbedding(k, { patchSize: 1, frequencies: 2 });
const same: Float32Array = reference.rayEmbedding(k, { patchSize: 1, frequencies: 2 });
const simd: string = geom.info().simd;
export = [rays, same, simd, geom.generateClip];
