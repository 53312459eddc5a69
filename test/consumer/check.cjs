// The consumer smoke: what a user's first script does with the installed package. Runs the core ops
// on one seeded scene through the native addon and through the pure-TS reference and checks they
// agree. Shared by smoke.mjs (ESM import) and smoke.cjs (require), and run under qemu for old CPUs.
//
// The scene keeps every decision away from its boundary (points at least 0.1 m in front of or 0.2 m
// behind a constant depth plane, well inside or well outside the image), so visibility must agree
// exactly; projections are compared to 1e-3 px, since native float32 arithmetic and the reference's
// float64 differ by a few float32 ulps (about 1e-4 px at u < 1000).
'use strict';


function scene(createRng, points = 50_000, frames = 6) {
  const rng = createRng(7);
  const r = () => rng.next();
  const k = { fx: 500, fy: 500, cx: 319.5, cy: 239.5, width: 640, height: 480 };
  const cameras = [];
  const depths = [];
  for (let f = 0; f < frames; f++) {
    // Camera f looks along +z from x = 0.2 f; its depth map is a plane at 4 m.
    const pose = Float64Array.of(1, 0, 0, 0.2 * f, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1);
    cameras.push({ intrinsics: k, pose });
    depths.push({ width: 640, height: 480, data: new Float32Array(640 * 480).fill(4) });
  }
  const xyz = new Float32Array(3 * points);
  for (let i = 0; i < points; i++) {
    const z = r() < 0.5 ? 1 + 2.8 * r() : 4.3 + 2 * r(); // in front of the plane, or behind it
    xyz[3 * i] = (r() - 0.5) * 1.2 * z;
    xyz[3 * i + 1] = (r() - 0.5) * 0.8 * z;
    xyz[3 * i + 2] = z;
  }
  // Nothing near the image border of any camera: move such points well outside.
  for (let i = 0; i < points; i++)
    for (const c of cameras) {
      const u = (500 * (xyz[3 * i] - c.pose[3])) / xyz[3 * i + 2] + 319.5;
      const v = (500 * xyz[3 * i + 1]) / xyz[3 * i + 2] + 239.5;
      if (Math.abs(u + 0.5) < 2 || Math.abs(u - 639.5) < 2 || Math.abs(v + 0.5) < 2 || Math.abs(v - 479.5) < 2) xyz[3 * i + 2] = -1;
    }
  return { k, cameras, depths, xyz };
}

function assert(cond, what) {
  if (!cond) throw new Error(`consumer check failed: ${what}`);
}

function sameSets(a, b) {
  return a.length === b.length && a.every((s, f) => s.length === b[f].length && s.every((v, i) => v === b[f][i]));
}

/** Runs every check; returns a one-line summary. Throws on the first disagreement. */
async function run(geom, reference) {
  const { k, cameras, depths, xyz } = scene(geom.createRng);
  const info = geom.info();
  const expected = process.env.SPATIAL_GEOM_EXPECT_SIMD;
  assert(!expected || info.simd === expected, `info().simd is ${info.simd}, expected ${expected} on this CPU`);
  const results = [];

  const pn = geom.projectPoints(xyz, cameras);
  const pr = reference.projectPoints(xyz, cameras);
  let worst = 0;
  for (let i = 0; i < pn.uv.length; i++) if (Number.isFinite(pr.uv[i])) worst = Math.max(worst, Math.abs(pn.uv[i] - pr.uv[i]));
  assert(worst < 1e-3, `projectPoints: native and reference differ by ${worst} px`);
  results.push('projectPoints');

  const vn = geom.visibleSets(xyz, cameras, depths, { tolerance: 0.05 });
  const vr = reference.visibleSets(xyz, cameras, depths, { tolerance: 0.05 });
  assert(sameSets(vn, vr), 'visibleSets: native and reference sets differ');
  assert(vn.every((s) => s.length > 1000), 'visibleSets: the scene should see thousands of points per frame');
  const va = await geom.visibleSetsAsync(xyz, cameras, depths, { tolerance: 0.05 });
  assert(sameSets(va, vr), 'visibleSetsAsync: differs from the reference');
  results.push('visibleSets');

  const on = geom.overlapMatrix(vn);
  const or = reference.overlapMatrix(vr);
  assert(on.every((v, i) => v === or[i]), 'overlapMatrix: native and reference differ');
  results.push('overlapMatrix');

  const en = geom.rayEmbedding(k, { patchSize: 16, frequencies: 4, includeFocal: true });
  const er = reference.rayEmbedding(k, { patchSize: 16, frequencies: 4, includeFocal: true });
  assert(en.length === er.length && en.every((v, i) => Math.abs(v - er[i]) <= 1e-6), 'rayEmbedding: differs by more than 1e-6');
  results.push('rayEmbedding');

  const bn = geom.backprojectDepth(depths[1], cameras[1], { stride: 8 });
  const br = reference.backprojectDepth(depths[1], cameras[1], { stride: 8 });
  assert(bn.length === br.length && bn.every((v, i) => Math.abs(v - br[i]) <= 1e-5), 'backprojectDepth: differs by more than 1e-5 m');
  results.push('backprojectDepth');

  const maps = cameras.map((c, f) => geom.backprojectDepth(depths[f], c, { stride: 4 }));
  const sn = geom.voxelCoverageSelect(maps, 3, { voxelSize: 0.1 });
  const sr = reference.voxelCoverageSelect(maps, 3, { voxelSize: 0.1 });
  assert(JSON.stringify(sn) === JSON.stringify(sr), `voxelCoverageSelect: native ${sn} vs reference ${sr}`);
  results.push('voxelCoverageSelect');

  let coded = false;
  try {
    geom.projectPoints(new Float32Array(10), cameras);
  } catch (e) {
    coded = e.code === 'ERR_SPATIAL_SHAPE';
  }
  assert(coded, 'a malformed call must throw a coded error');

  return `simd=${info.simd ?? 'n/a'} version=${info.version} equal to the reference: ${results.join(', ')}`;
}

module.exports = { run, scene };
