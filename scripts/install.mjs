#!/usr/bin/env node
// Install step of @spatial/geom: make Eigen 3.4 available, then build the native addon from source
// with cmake-js (flags for the machine it runs on). Run by `npm install`; also usable directly:
//   node scripts/install.mjs [--eigen-only] [--portable] [--debug]
// Environment: EIGEN3_INCLUDE_DIR (use this Eigen), SPATIAL_GEOM_PORTABLE=1 (x86-64-v2 build),
// SPATIAL_GEOM_CUDA=ON|OFF|AUTO (CUDA kernels; AUTO builds them when nvcc is found).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const vendorDir = join(root, 'native', 'vendor', 'eigen3');
const args = new Set(process.argv.slice(2));

function log(msg) {
  process.stderr.write(`[spatial-geom install] ${msg}\n`);
}

function eigenVersion(dir) {
  const macros = join(dir, 'Eigen', 'src', 'Core', 'util', 'Macros.h');
  if (!existsSync(macros)) return null;
  const text = readFileSync(macros, 'utf8');
  const world = Number(/#define EIGEN_WORLD_VERSION (\d+)/.exec(text)?.[1]);
  const major = Number(/#define EIGEN_MAJOR_VERSION (\d+)/.exec(text)?.[1]);
  return { world, major, ok: world > 3 || (world === 3 && major >= 4) };
}

function run(cmd, argv, opts = {}) {
  return spawnSync(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', ...opts });
}

// Vendors Debian's libeigen3-dev (headers only) into native/vendor/eigen3 without root:
// `apt-get download` + `dpkg -x`. If the package lists are empty and we are root, refresh them once.
function vendorEigenFromDebian() {
  const work = mkdtempSync(join(tmpdir(), 'spatial-geom-eigen-'));
  try {
    let r = run('apt-get', ['download', 'libeigen3-dev'], { cwd: work });
    if (r.status !== 0 && process.getuid?.() === 0) {
      log('apt-get download failed; refreshing package lists (apt-get update)');
      run('apt-get', ['update']);
      r = run('apt-get', ['download', 'libeigen3-dev'], { cwd: work });
    }
    if (r.status !== 0) return `apt-get download libeigen3-dev failed: ${(r.stderr || r.error?.message || '').trim()}`;
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

function ensureEigen() {
  const candidates = [process.env.EIGEN3_INCLUDE_DIR, vendorDir, '/usr/include/eigen3', '/usr/local/include/eigen3'];
  for (const dir of candidates) {
    if (dir && eigenVersion(dir)?.ok) {
      log(`Eigen ${eigenVersion(dir).world}.${eigenVersion(dir).major} at ${dir}`);
      return dir;
    }
  }
  log('Eigen >= 3.4 not found; vendoring Debian libeigen3-dev into native/vendor/eigen3');
  const err = vendorEigenFromDebian();
  if (err) {
    log(`ERROR: could not obtain Eigen 3.4 (${err}).`);
    log('Fix one of: (1) `sudo apt-get update && sudo apt-get install libeigen3-dev`;');
    log('            (2) set EIGEN3_INCLUDE_DIR to an Eigen >= 3.4 include directory and re-run npm install;');
    log('            (3) unpack Eigen 3.4 headers into native/vendor/eigen3 (so that native/vendor/eigen3/Eigen/Core exists).');
    process.exit(1);
  }
  log(`Eigen vendored at ${vendorDir}`);
  return vendorDir;
}

const eigenDir = ensureEigen();
if (args.has('--eigen-only')) process.exit(0);

const cmakeJs = join(root, 'node_modules', 'cmake-js', 'bin', 'cmake-js');
if (!existsSync(cmakeJs)) {
  log('ERROR: cmake-js is not installed (run `npm install` in the package root).');
  process.exit(1);
}
try {
  execFileSync('cmake', ['--version'], { stdio: 'ignore' });
} catch {
  log('ERROR: cmake is not on PATH. Install it (`sudo apt-get install cmake`) and re-run `npm install`.');
  process.exit(1);
}
const portable = args.has('--portable') || process.env.SPATIAL_GEOM_PORTABLE === '1';
const cuda = process.env.SPATIAL_GEOM_CUDA ?? 'AUTO';
const cmakeArgs = [
  cmakeJs,
  'compile',
  '--parallel',
  String(Math.max(1, Math.min(4, (await import('node:os')).availableParallelism()))),
  `--CDEIGEN3_INCLUDE_DIR=${eigenDir}`,
  `--CDSPATIAL_GEOM_PORTABLE=${portable ? 'ON' : 'OFF'}`,
  `--CDSPATIAL_GEOM_CUDA=${cuda}`,
];
if (args.has('--debug')) cmakeArgs.push('--debug');
// `cmake-js compile` configures only a fresh build folder: over an existing one it just builds, and
// the --CD options above are ignored (SPATIAL_GEOM_PORTABLE=1 after a native build silently stayed
// -march=native). When the cached options differ from the requested ones, rebuild from scratch.
const cache = join(root, 'build', 'CMakeCache.txt');
const cached = existsSync(cache) ? readFileSync(cache, 'utf8') : '';
if (cached && !(cached.includes(`SPATIAL_GEOM_PORTABLE:BOOL=${portable ? 'ON' : 'OFF'}`) && cached.includes(`SPATIAL_GEOM_CUDA:STRING=${cuda}`))) {
  log('build options changed since the last build: reconfiguring');
  cmakeArgs[1] = 'rebuild';
}
log(`building the addon (${portable ? 'portable x86-64-v2' : '-march=native'}, CUDA ${cuda})`);
const build = spawnSync(process.execPath, cmakeArgs, { cwd: root, stdio: 'inherit' });
if (build.status !== 0) {
  log('ERROR: the native build failed (see the compiler output above).');
  process.exit(build.status ?? 1);
}
log('addon built: build/Release/spatial_geom.node');
