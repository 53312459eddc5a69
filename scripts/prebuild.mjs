#!/usr/bin/env node
// Puts the prebuilt addon for this platform into prebuilds/<platform>-<arch>/ (the prebuildify layout
// that node-gyp-build loads), so that `npm install @spatial/geom` needs no compiler. Run by `prepack`
// (so `npm pack` and `npm publish` ship it) or by hand: `npm run build:prebuilt`.
//
// The binary is the portable one: no CUDA, no -march (its SIMD kernels are picked at run time from
// CPUID), libstdc++/libgcc linked in. It still needs libgomp (OpenMP), which minimal images lack, so a
// copy of the build machine's libgomp.so.1 goes beside it; the addon's RPATH is $ORIGIN.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const built = join(root, 'build', 'Release', 'spatial_geom.node');
const log = (msg) => process.stderr.write(`[spatial-geom prebuild] ${msg}\n`);

function cached(key) {
  const cache = join(root, 'build', 'CMakeCache.txt');
  if (!existsSync(cache)) return undefined;
  return new RegExp(`^${key}:[A-Z]+=(.*)$`, 'm').exec(readFileSync(cache, 'utf8'))?.[1];
}

// The release configuration: reuse the existing build when it is one (only rebuilding what changed),
// else configure one (install.mjs reconfigures when the options differ).
const portable = existsSync(built) && cached('SPATIAL_GEOM_CUDA') === 'OFF' && cached('SPATIAL_GEOM_NATIVE_ARCH') === 'OFF';
if (portable) {
  log('updating the existing portable build (CUDA OFF, no -march)');
  execFileSync('cmake', ['--build', join(root, 'build'), '--parallel', '2'], { stdio: 'inherit' });
} else {
  log('building the portable release addon (CUDA OFF, no -march)');
  const env = { ...process.env, SPATIAL_GEOM_BUILD_FROM_SOURCE: '1', SPATIAL_GEOM_CUDA: 'OFF', SPATIAL_GEOM_NATIVE_ARCH: '0' };
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'install.mjs')], { stdio: 'inherit', env });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const libc = process.platform === 'linux' ? (process.report?.getReport().header.glibcVersionRuntime ? '.glibc' : '.musl') : '';
const target = `${process.platform}-${process.arch}`;
const dir = join(root, 'prebuilds', target);
rmSync(join(root, 'prebuilds'), { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
const out = join(dir, `spatial_geom.napi${libc}.node`);
copyFileSync(built, out);
if (process.platform === 'linux') {
  execFileSync('strip', ['--strip-unneeded', out]);
  const ldd = execFileSync('ldd', [out], { encoding: 'utf8' });
  const gomp = /libgomp\.so\.1 => (\S+)/.exec(ldd)?.[1];
  if (gomp) {
    copyFileSync(gomp, join(dir, 'libgomp.so.1'));
    execFileSync('strip', ['--strip-unneeded', join(dir, 'libgomp.so.1')]);
  }
  const glibc = [...execFileSync('objdump', ['-T', out], { encoding: 'utf8' }).matchAll(/GLIBC_(\d+)\.(\d+)/g)]
    .map((m) => [Number(m[1]), Number(m[2])])
    .sort((a, b) => a[0] - b[0] || a[1] - b[1])
    .pop();
  log(`needs glibc >= ${glibc?.join('.') ?? '?'}${gomp ? `; libgomp.so.1 shipped beside it` : ''}`);
}

// It must load from prebuilds/ alone (PREBUILDS_ONLY makes node-gyp-build skip build/Release).
const check = spawnSync(process.execPath, ['-e', `const b = require(require('node-gyp-build').resolve(process.cwd())); console.log(b.info().simd ?? 'loaded')`], {
  cwd: root,
  encoding: 'utf8',
  env: { ...process.env, PREBUILDS_ONLY: '1' },
});
if (check.status !== 0) {
  log(`ERROR: the prebuilt binary does not load: ${check.stderr.trim()}`);
  process.exit(1);
}
log(`${out.slice(root.length + 1)}: ${(statSync(out).size / 1024).toFixed(0)} KiB, loads (SIMD level ${check.stdout.trim()})`);
