#!/usr/bin/env node
// Install step of @spatial/geom (`npm install`, `npm rebuild @spatial/geom`).
//
// 1. A prebuilt binary that loads here (prebuilds/<platform>-<arch>/, shipped in the package) or an
//    earlier source build (build/Release): nothing to do. No compiler is needed.
// 2. Otherwise, or when SPATIAL_GEOM_BUILD_FROM_SOURCE=1: build the addon from source with cmake-js.
//
// Source builds need g++ (or clang++), cmake >= 3.21, Eigen >= 3.4 and the npm packages cmake-js and
// node-addon-api. Those two are resolved with Node's module resolution from this package, so a copy
// hoisted into the consumer's node_modules is found. Environment:
//   SPATIAL_GEOM_BUILD_FROM_SOURCE=1  build even when a prebuilt binary fits
//   EIGEN3_INCLUDE_DIR=<dir>          use this Eigen (else $CONDA_PREFIX/include/eigen3, the system's
//                                     include paths, then Debian's libeigen3-dev via `apt-get download`)
//   SPATIAL_GEOM_APT_UPDATE=1         allow `apt-get update` when that download finds no package list
//                                     (implied for `npm ci` as root in this repository's own checkout)
//   SPATIAL_GEOM_CUDA=ON|OFF          CUDA kernels; unset: only when nvcc is on PATH AND a GPU is present
//   SPATIAL_GEOM_NATIVE_ARCH=1        tune the whole addon for this machine's CPU (not portable)
// Flags: --eigen-only (fetch Eigen and stop), --debug.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const vendorDir = join(root, 'native', 'vendor', 'eigen3');
const args = new Set(process.argv.slice(2));
const requireHere = createRequire(join(root, 'package.json'));
const REBUILD = 'SPATIAL_GEOM_BUILD_FROM_SOURCE=1 npm rebuild @spatial/geom';

function log(msg) {
  process.stderr.write(`[spatial-geom install] ${msg}\n`);
}

function fail(lines) {
  for (const l of lines) log(l);
  process.exit(1);
}

function run(cmd, argv, opts = {}) {
  return spawnSync(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', ...opts });
}

// ---- 1. Is there a binary that loads? ---------------------------------------------------------------
// Checked in a child process: a binary for another CPU or libc must fail there, not here.
function binaryThatLoads() {
  const probe = `const b = require(require('node-gyp-build').resolve(${JSON.stringify(root)})); const i = b.info();` +
    `console.log(JSON.stringify({ path: require('node-gyp-build').resolve(${JSON.stringify(root)}), simd: i.simd }))`;
  const r = run(process.execPath, ['-e', probe], { cwd: root });
  if (r.status !== 0) return { error: (r.stderr || r.error?.message || '').trim().split('\n').find((l) => /Error|error/.test(l)) ?? 'did not load' };
  try {
    return JSON.parse(r.stdout.trim().split('\n').pop());
  } catch {
    return { error: 'did not load' };
  }
}

const fromSource = process.env.SPATIAL_GEOM_BUILD_FROM_SOURCE === '1' || args.has('--from-source');
if (!fromSource && !args.has('--eigen-only')) {
  const found = binaryThatLoads();
  if (found.path) {
    log(`using ${found.path.startsWith(join(root, 'prebuilds')) ? 'the prebuilt binary' : 'the existing build'} ` +
      `${found.path.slice(root.length + 1)}${found.simd ? ` (SIMD level ${found.simd})` : ''}; set SPATIAL_GEOM_BUILD_FROM_SOURCE=1 to build from source`);
    process.exit(0);
  }
  const hasPrebuilds = existsSync(join(root, 'prebuilds'));
  log(hasPrebuilds
    ? `no prebuilt binary loads on ${process.platform}-${process.arch} (${found.error}): building from source`
    : 'no prebuilt binary in this checkout: building from source');
}

// ---- 2. Source build ---------------------------------------------------------------------------------
function eigenVersion(dir) {
  const macros = join(dir, 'Eigen', 'src', 'Core', 'util', 'Macros.h');
  if (!existsSync(macros)) return null;
  const text = readFileSync(macros, 'utf8');
  const world = Number(/#define EIGEN_WORLD_VERSION (\d+)/.exec(text)?.[1]);
  const major = Number(/#define EIGEN_MAJOR_VERSION (\d+)/.exec(text)?.[1]);
  return { world, major, ok: world > 3 || (world === 3 && major >= 4) };
}

// Debian's libeigen3-dev (headers only) unpacked into native/vendor/eigen3 without root:
// `apt-get download` + `dpkg -x`. `apt-get update` (root) only when the user allows it.
function vendorEigenFromDebian() {
  if (run('apt-get', ['--version']).status !== 0) return 'apt-get is not available on this system';
  const work = mkdtempSync(join(tmpdir(), 'spatial-geom-eigen-'));
  try {
    let r = run('apt-get', ['download', 'libeigen3-dev'], { cwd: work });
    // A consumer's install never refreshes the system's package lists unless asked; a developer's
    // `npm ci` in this repository (run from its root, as root) may, as the quick start promises.
    const developer = process.env.INIT_CWD && resolve(process.env.INIT_CWD) === root && process.getuid?.() === 0;
    if (r.status !== 0 && (process.env.SPATIAL_GEOM_APT_UPDATE === '1' || developer)) {
      log('apt-get download failed; refreshing package lists (apt-get update)');
      run('apt-get', ['update']);
      r = run('apt-get', ['download', 'libeigen3-dev'], { cwd: work });
    }
    if (r.status !== 0) return `apt-get download libeigen3-dev failed: ${(r.stderr || r.error?.message || '').trim().split('\n')[0]}`;
    const deb = readdirSync(work).find((f) => f.endsWith('.deb'));
    if (!deb) return 'apt-get download produced no .deb';
    const x = run('dpkg', ['-x', join(work, deb), join(work, 'root')]);
    if (x.status !== 0) return `dpkg -x failed: ${x.stderr.trim()}`;
    const inc = join(work, 'root', 'usr', 'include', 'eigen3');
    if (!eigenVersion(inc)?.ok) return 'the downloaded libeigen3-dev is older than 3.4';
    mkdirSync(dirname(vendorDir), { recursive: true });
    rmSync(vendorDir, { recursive: true, force: true });
    renameSync(inc, vendorDir);
    return null;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function findEigen() {
  const conda = process.env.CONDA_PREFIX && join(process.env.CONDA_PREFIX, 'include', 'eigen3');
  const candidates = [process.env.EIGEN3_INCLUDE_DIR, conda, vendorDir, '/usr/include/eigen3', '/usr/local/include/eigen3', '/opt/homebrew/include/eigen3'];
  for (const dir of candidates) {
    const v = dir && eigenVersion(dir);
    if (v?.ok) {
      log(`Eigen ${v.world}.${v.major} at ${dir}`);
      return dir;
    }
  }
  log('Eigen >= 3.4 not found in EIGEN3_INCLUDE_DIR, $CONDA_PREFIX/include/eigen3 or the system include paths; trying Debian libeigen3-dev');
  const err = vendorEigenFromDebian();
  if (err)
    fail([
      `ERROR: could not obtain Eigen 3.4 (${err}). Fix one of:`,
      '  (1) install it: `apt-get install libeigen3-dev`, `dnf install eigen3-devel`, `conda install -c conda-forge eigen`;',
      `  (2) point EIGEN3_INCLUDE_DIR at an Eigen >= 3.4 include directory (the one holding Eigen/Core);`,
      `then run \`${REBUILD}\`.`,
    ]);
  log(`Eigen vendored at ${vendorDir}`);
  return vendorDir;
}

function resolvePackage(name, file) {
  try {
    return requireHere.resolve(`${name}/${file}`);
  } catch {
    return null;
  }
}

function cudaMode() {
  const asked = process.env.SPATIAL_GEOM_CUDA?.toUpperCase();
  if (asked === 'ON' || asked === 'OFF') return asked;
  if (asked && asked !== 'AUTO') fail([`ERROR: SPATIAL_GEOM_CUDA must be ON or OFF (got '${process.env.SPATIAL_GEOM_CUDA}')`]);
  // Unset or AUTO: CUDA kernels only when they can run here (nvcc alone, without a GPU, would add
  // minutes of compile time and a larger binary for kernels that never run).
  const gpu = run('nvidia-smi', ['-L']).status === 0;
  const nvcc = run('nvcc', ['--version']).status === 0;
  if (gpu && nvcc) return 'ON';
  if (gpu) log('a GPU is present but nvcc is not on PATH: building without CUDA');
  return 'OFF';
}

if (args.has('--eigen-only')) {
  findEigen();
  process.exit(0);
}

const cmakeJs = resolvePackage('cmake-js', 'bin/cmake-js');
const addonApi = resolvePackage('node-addon-api', 'package.json');
if (!cmakeJs || !addonApi)
  fail([
    `ERROR: building from source needs the npm packages cmake-js and node-addon-api (missing: ${[!cmakeJs && 'cmake-js', !addonApi && 'node-addon-api'].filter(Boolean).join(', ')}).`,
    `Add them to your project (\`npm install --save-dev cmake-js@8 node-addon-api@8\`), then run \`${REBUILD}\`.`,
  ]);
if (run('cmake', ['--version']).status !== 0)
  fail(['ERROR: building from source needs cmake >= 3.21 on PATH (`apt-get install cmake`, `dnf install cmake`, `pip install cmake`),', `then run \`${REBUILD}\`.`]);

const eigenDir = findEigen();
const cuda = cudaMode();
const nativeArch = process.env.SPATIAL_GEOM_NATIVE_ARCH === '1';
const defines = {
  EIGEN3_INCLUDE_DIR: eigenDir,
  NODE_ADDON_API_DIR: dirname(addonApi),
  SPATIAL_GEOM_CUDA: cuda,
  SPATIAL_GEOM_NATIVE_ARCH: nativeArch ? 'ON' : 'OFF',
};
const cmakeArgs = [cmakeJs, 'compile', '--parallel', String(Math.max(1, Math.min(4, availableParallelism())))];
for (const [k, v] of Object.entries(defines)) cmakeArgs.push(`--CD${k}=${v}`);
if (args.has('--debug')) cmakeArgs.push('--debug');
// `cmake-js compile` configures only a fresh build folder: over an existing one it just builds and
// ignores the --CD options. When the cached options differ from the requested ones, start afresh.
const cache = join(root, 'build', 'CMakeCache.txt');
const cached = existsSync(cache) ? readFileSync(cache, 'utf8') : '';
const cachedValue = (k) => new RegExp(`^${k}:[A-Z]+=(.*)$`, 'm').exec(cached)?.[1];
if (cached && Object.entries(defines).some(([k, v]) => cachedValue(k) !== v)) {
  log('build options changed since the last build: reconfiguring');
  cmakeArgs[1] = 'rebuild';
}
log(`building the addon from source (CUDA ${cuda}${nativeArch ? ', tuned for this CPU only' : ', SIMD kernels chosen at run time'})`);
const build = spawnSync(process.execPath, cmakeArgs, { cwd: root, stdio: 'inherit' });
if (build.status !== 0) fail([`ERROR: the native build failed (see the compiler output above). Fix the cause, then run \`${REBUILD}\`.`]);
log('addon built: build/Release/spatial_geom.node');
