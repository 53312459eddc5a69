// Camera-augmentation bench: resizing a 1920x1440 RGB view (and its depth) to 640x480 and to a
// fractional 1000x750, native vs the pure-TS reference, a memcpy of the same bytes, and OpenCV's
// cv2.resize on the same bytes when /usr/bin/python3 has it (`npm run bench:setup`).
//   npm run build && node --expose-gc bench/augment.bench.mjs [--quick]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { hz } from './hz.mjs';
import * as native from '../dist/index.js';
import * as ref from '../dist/reference/index.js';

const quick = process.argv.includes('--quick');
const W = 1920, H = 1440;

const slow = { minSamples: 2, maxTime: quick ? 0.5 : 1.5 };

/** A smooth colour pattern with some texture (content does not change the kernels' cost). */
function makeView() {
  const image = new Uint8Array(W * H * 3);
  const depth = new Float32Array(W * H);
  for (let i = 0; i < H; i++)
    for (let j = 0; j < W; j++) {
      const p = (i * W + j) * 3;
      image[p] = (j * 255) / (W - 1);
      image[p + 1] = (i * 255) / (H - 1);
      image[p + 2] = 128 + 127 * Math.sin(i / 17) * Math.cos(j / 23);
      depth[i * W + j] = 1 + 0.5 * Math.sin(i / 50) + (j % 97 === 0 ? 0 : 0.001 * j);
    }
  return {
    intrinsics: { fx: 1400, fy: 1400, cx: (W - 1) / 2, cy: (H - 1) / 2, width: W, height: H },
    image: { width: W, height: H, channels: 3, data: image },
    depth: { width: W, height: H, data: depth },
  };
}

/** cv2.resize timings (ms, best of runs) and the output bytes of INTER_LINEAR, or undefined. */
function opencv(view, sizes) {
  const py = '/usr/bin/python3';
  if (spawnSync(py, ['-c', 'import cv2, numpy'], { stdio: 'ignore' }).status !== 0) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'spatial-augment-bench-'));
  try {
    writeFileSync(join(dir, 'image.bin'), view.image.data);
    writeFileSync(join(dir, 'depth.bin'), new Uint8Array(view.depth.data.buffer));
    const script = `
import cv2, numpy as np, json, sys, time
d = sys.argv[1]; W, H = ${W}, ${H}
img = np.fromfile(d + '/image.bin', dtype=np.uint8).reshape(H, W, 3)
dep = np.fromfile(d + '/depth.bin', dtype=np.float32).reshape(H, W)
def best(fn, n):
    t = []
    for _ in range(n):
        s = time.perf_counter(); fn(); t.append(time.perf_counter() - s)
    return 1000 * min(t)
out = {'threads': cv2.getNumThreads()}
for (w, h) in ${JSON.stringify(sizes)}:
    key = f'{w}x{h}'
    out[key] = {
        'linear': best(lambda: cv2.resize(img, (w, h), interpolation=cv2.INTER_LINEAR), 30),
        'nearest_depth': best(lambda: cv2.resize(dep, (w, h), interpolation=cv2.INTER_NEAREST), 30),
    }
    cv2.resize(img, (w, h), interpolation=cv2.INTER_LINEAR).tofile(d + f'/cv_{key}.bin')
print(json.dumps(out))
`;
    const r = spawnSync(py, ['-c', script, dir], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`cv2 runner failed: ${r.stderr}`);
    const t = JSON.parse(r.stdout);
    for (const [w, h] of sizes) t[`${w}x${h}`].bytes = new Uint8Array(readFileSync(join(dir, `cv_${w}x${h}.bin`)));
    return t;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const view = makeView();
const imageOnly = { intrinsics: view.intrinsics, image: view.image };
const depthOnly = { intrinsics: view.intrinsics, depth: view.depth };
const sizes = [[640, 480], [1000, 750]];
console.log(`augment bench: ${W}x${H} RGB + float depth, ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), native threads ${native.info().threads}\n`);
const cv = opencv(view, sizes);
if (!cv) console.log('OpenCV: not importable by /usr/bin/python3 (npm run bench:setup); cv2 columns left empty\n');

const rows = [];
for (const [w, h] of sizes) {
  const size = { width: w, height: h };
  const nImage = hz(`native resizeView RGB -> ${w}x${h}`, () => native.resizeView(imageOnly, size));
  const rImage = hz(`reference resizeView RGB -> ${w}x${h}`, () => ref.resizeView(imageOnly, size), slow);
  const nDepth = hz(`native resizeView depth -> ${w}x${h}`, () => native.resizeView(depthOnly, size));
  const rDepth = hz(`reference resizeView depth -> ${w}x${h}`, () => ref.resizeView(depthOnly, size), slow);
  const nBoth = hz(`native resizeView RGB+depth -> ${w}x${h}`, () => native.resizeView(view, size));
  // memcpy of the bytes a resize must touch at least: the output written + the source rows read.
  const outBytes = w * h * 3;
  const src = new Uint8Array(outBytes).fill(1), dst = new Uint8Array(outBytes);
  const memcpy = hz(`memcpy ${outBytes} B`, () => dst.set(src));
  const key = `${w}x${h}`;
  let cvDiff;
  if (cv) {
    const ours = native.resizeView(imageOnly, size).image.data;
    let maxDiff = 0, differing = 0;
    for (let i = 0; i < ours.length; i++) {
      const d = Math.abs(ours[i] - cv[key].bytes[i]);
      if (d) differing++;
      if (d > maxDiff) maxDiff = d;
    }
    cvDiff = { maxDiff, differingFraction: differing / ours.length };
  }
  const row = {
    case: `RGB ${W}x${H} -> ${key}`,
    nativeMs: 1000 / nImage, referenceMs: 1000 / rImage, xReference: nImage / rImage,
    depthNativeMs: 1000 / nDepth, depthReferenceMs: 1000 / rDepth, depthXReference: nDepth / rDepth,
    rgbPlusDepthNativeMs: 1000 / nBoth, memcpyOutputMs: 1000 / memcpy,
    opencvLinearMs: cv?.[key].linear, opencvNearestDepthMs: cv?.[key].nearest_depth, opencvThreads: cv?.threads, vsOpencv: cvDiff,
  };
  rows.push(row);
  const f = (x) => (x === undefined ? '-' : x.toFixed(2));
  console.log(`${row.case}: native ${f(row.nativeMs)} ms | reference ${f(row.referenceMs)} ms (x${row.xReference.toFixed(1)}) | cv2 ${f(row.opencvLinearMs)} ms | memcpy(out) ${f(row.memcpyOutputMs)} ms`);
  console.log(`  depth: native ${f(row.depthNativeMs)} ms | reference ${f(row.depthReferenceMs)} ms (x${row.depthXReference.toFixed(1)}) | cv2 nearest ${f(row.opencvNearestDepthMs)} ms; RGB+depth native ${f(row.rgbPlusDepthNativeMs)} ms`);
  if (cvDiff) console.log(`  vs cv2 INTER_LINEAR bytes: max |diff| ${cvDiff.maxDiff}, ${(100 * cvDiff.differingFraction).toFixed(3)} % differ`);
}
if (process.argv.includes('--json')) console.log(JSON.stringify(rows, null, 2));
