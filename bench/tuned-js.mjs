// Tuned plain-JS loops for projection and visibility: what a good JS engineer would write (flat
// Float32Array loops, constants hoisted, a reciprocal instead of two divisions, branch-free tests
// into a byte mask). Not the reference twin (that one is written to be obviously correct): this is
// the bar the native addon must clear.

function camFromWorld(pose) {
  const m = new Float64Array(12);
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) m[r * 4 + c] = pose[c * 4 + r];
    m[r * 4 + 3] = -(pose[r] * pose[3] + pose[4 + r] * pose[7] + pose[8 + r] * pose[11]);
  }
  return m;
}

export function projectTuned(pts, cams, uv, depth) {
  const n = pts.length / 3;
  for (let f = 0; f < cams.length; f++) {
    const m = camFromWorld(cams[f].pose);
    const m0 = m[0], m1 = m[1], m2 = m[2], m3 = m[3], m4 = m[4], m5 = m[5], m6 = m[6], m7 = m[7], m8 = m[8], m9 = m[9], m10 = m[10], m11 = m[11];
    const { fx, fy, cx, cy } = cams[f].intrinsics;
    const base = f * n;
    for (let i = 0, p = 0, o = 2 * base; i < n; i++, p += 3, o += 2) {
      const x = pts[p], y = pts[p + 1], z = pts[p + 2];
      const zc = m8 * x + m9 * y + m10 * z + m11;
      const iz = zc > 0 ? 1 / zc : NaN;
      uv[o] = fx * (m0 * x + m1 * y + m2 * z + m3) * iz + cx;
      uv[o + 1] = fy * (m4 * x + m5 * y + m6 * z + m7) * iz + cy;
      depth[base + i] = zc;
    }
  }
}

export function visibleTuned(pts, cams, depths, tolerance = 0.05, near = 1e-6) {
  const n = pts.length / 3;
  const mask = new Uint8Array(n);
  const sets = [];
  for (let f = 0; f < cams.length; f++) {
    const m = camFromWorld(cams[f].pose);
    const m0 = m[0], m1 = m[1], m2 = m[2], m3 = m[3], m4 = m[4], m5 = m[5], m6 = m[6], m7 = m[7], m8 = m[8], m9 = m[9], m10 = m[10], m11 = m[11];
    const { fx, fy, cx, cy, width: W, height: H } = cams[f].intrinsics;
    const d = depths[f].data;
    let count = 0;
    for (let i = 0, p = 0; i < n; i++, p += 3) {
      const x = pts[p], y = pts[p + 1], z = pts[p + 2];
      const zc = m8 * x + m9 * y + m10 * z + m11;
      const iz = 1 / zc;
      const j = Math.floor(fx * (m0 * x + m1 * y + m2 * z + m3) * iz + cx + 0.5);
      const r = Math.floor(fy * (m4 * x + m5 * y + m6 * z + m7) * iz + cy + 0.5);
      const inside = (zc > near) & (j >= 0) & (j < W) & (r >= 0) & (r < H);
      const dv = inside ? d[r * W + j] : 0;
      const vis = inside & (dv > 0) & (dv < Infinity) & (zc <= dv + tolerance);
      mask[i] = vis;
      count += vis;
    }
    const set = new Uint32Array(count);
    for (let i = 0, k = 0; i < n; i++) if (mask[i]) set[k++] = i;
    sets.push(set);
  }
  return sets;
}

/** popcount of a 32-bit word (SWAR). */
function popcount32(x) {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** All-pairs IoU of ascending index sets through 32-bit bitsets and SWAR popcounts. */
export function overlapTuned(sets) {
  const m = sets.length;
  let universe = 0;
  for (const s of sets) if (s.length) universe = Math.max(universe, s[s.length - 1] + 1);
  const words = (universe + 31) >>> 5;
  const bits = sets.map((s) => {
    const b = new Uint32Array(words);
    for (let k = 0; k < s.length; k++) b[s[k] >>> 5] |= 1 << (s[k] & 31);
    return b;
  });
  const out = new Float32Array(m * m);
  for (let i = 0; i < m; i++) {
    out[i * m + i] = sets[i].length ? 1 : 0;
    const a = bits[i];
    for (let j = i + 1; j < m; j++) {
      const b = bits[j];
      let inter = 0;
      for (let w = 0; w < words; w++) inter += popcount32(a[w] & b[w]);
      const union = sets[i].length + sets[j].length - inter;
      out[i * m + j] = out[j * m + i] = union ? inter / union : 0;
    }
  }
  return out;
}
