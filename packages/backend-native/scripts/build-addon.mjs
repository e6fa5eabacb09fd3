#!/usr/bin/env node
/**
 * Builds the Node-API addon from csrc/ with the system C compiler, with no
 * download: Node-API headers come from the `node-api-headers` package or the
 * local Node installation. Links OpenBLAS (GEMM), OpenMP and, where
 * libdnnl-dev is installed, oneDNN (convolutions); output goes where
 * node-gyp-build looks: build/Release/tensile_native.node.
 *
 *   node scripts/build-addon.mjs            build, fail loudly
 *   node scripts/build-addon.mjs --install  the package's install script: never fails the
 *                                           install; a failure is written to build/build-error.log
 *                                           and `native()` reports it with what to install
 *   … --out DIR                             build into DIR instead of build/
 *
 * The build is portable: baseline x86-64 code with AVX2 clones of the hot
 * loops chosen at load time (GCC target_clones), never -march=native.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** `--out DIR` builds elsewhere than build/ (the tests' failing builds). */
const outArg = process.argv.indexOf('--out');
const BUILD = outArg > 0 ? process.argv[outArg + 1] : join(ROOT, 'build');
const OUT_DIR = join(BUILD, 'Release');
const OUT = join(OUT_DIR, 'tensile_native.node');
const ERROR_LOG = join(BUILD, 'build-error.log');
const installMode = process.argv.includes('--install');

/** Node-API headers: the npm package first, then the running Node's own include directory. */
function nodeApiIncludes() {
  const dirs = [];
  try {
    const require = createRequire(import.meta.url);
    dirs.push(require('node-api-headers').include_dir);
  } catch {
    // not installed (a bare checkout): fall back to the local headers
  }
  dirs.push(join(dirname(process.execPath), '..', 'include', 'node'), '/usr/include/node', '/usr/local/include/node');
  return dirs.filter((d) => existsSync(join(d, 'node_api.h')));
}

/** What a user must install, read from the compiler's complaint. */
function hint(err, log) {
  if (err.code === 'ENOENT') return 'a C compiler (Debian/Ubuntu: apt-get install build-essential)';
  if (/cblas\.h|-lopenblas/.test(log)) return 'OpenBLAS (Debian/Ubuntu: apt-get install libopenblas-dev)';
  if (/omp\.h|-lgomp|fopenmp/.test(log)) return 'OpenMP (GCC ships it: apt-get install build-essential)';
  if (/node_api\.h/.test(log)) return 'the Node-API headers (npm i node-api-headers)';
  return 'a C compiler and OpenBLAS (Debian/Ubuntu: apt-get install build-essential libopenblas-dev)';
}

/** Whether oneDNN (libdnnl-dev) is there: a two-line program that includes and links it. Optional: without it convolutions use im2col + GEMM. */
function hasOneDnn(compiler) {
  const dir = mkdtempSync(join(tmpdir(), 'tensile-dnnl-'));
  try {
    writeFileSync(join(dir, 'probe.c'), '#include <oneapi/dnnl/dnnl.h>\nint main(void) { return dnnl_version() == 0; }\n');
    execFileSync(compiler, [join(dir, 'probe.c'), '-o', join(dir, 'probe'), '-ldnnl'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * How to link OpenBLAS: its OpenMP build where installed (Debian: libopenblas0-openmp), so GEMMs run on the same
 * OpenMP threads as our loops and oneDNN instead of a second pool of OpenBLAS threads competing for the same
 * cores; else the default libopenblas (any threading).
 */
function openBlasLink(compiler) {
  let multiarch = '';
  try {
    multiarch = execFileSync(compiler, ['-print-multiarch'], { encoding: 'utf8' }).trim();
  } catch {
    // not GCC: the default library below
  }
  const dirs = [multiarch && `/usr/lib/${multiarch}/openblas-openmp`, '/usr/lib/openblas-openmp'].filter(Boolean);
  const dir = dirs.find((d) => existsSync(join(d, 'libopenblas.so.0')));
  return dir ? { flags: [`-L${dir}`, '-l:libopenblas.so.0', `-Wl,-rpath,${dir}`], openmp: true } : { flags: ['-lopenblas'], openmp: false };
}

/** Runs one compiler command; rejects with its stderr (the hint is read from it). */
function cc(compiler, args) {
  return new Promise((resolve, reject) => {
    execFile(compiler, args, { encoding: 'utf8', maxBuffer: 1 << 24 }, (err, _stdout, stderr) => {
      if (err) reject(Object.assign(err, { stderr }));
      else resolve();
    });
  });
}

/** Compiles each source on its own (in parallel, one per core), then links the addon. */
async function build() {
  const includes = nodeApiIncludes();
  if (includes.length === 0) throw new Error('node_api.h not found (install node-api-headers, or the Node.js headers)');
  const sources = readdirSync(join(ROOT, 'csrc'))
    .filter((f) => f.endsWith('.c'))
    .sort();
  const compiler = process.env.CC || 'cc';
  const oneDnn = hasOneDnn(compiler);
  const blas = openBlasLink(compiler);
  const flags = [
    '-std=gnu11',
    '-O3',
    // no contraction into FMA: results stay those of the written expressions on every machine
    '-ffp-contract=off',
    '-fPIC',
    '-fopenmp',
    '-fvisibility=hidden',
    '-Wall',
    '-Wextra',
    '-Wno-unused-parameter',
    '-DNODE_GYP_MODULE_NAME=tensile_native',
    `-I${includes[0]}`,
    ...(oneDnn ? ['-DTENSILE_DNNL'] : []),
  ];
  // Objects in a private folder and the addon renamed into place: two installs building at once
  // (a workspace's parallel lifecycle scripts) neither share objects nor leave a half-written addon.
  mkdirSync(OUT_DIR, { recursive: true });
  const objects = mkdtempSync(join(BUILD, 'obj-'));
  const linked = join(objects, 'tensile_native.node');
  const started = Date.now();
  const pending = sources.map((f) => ({ src: join(ROOT, 'csrc', f), obj: join(objects, f.replace(/\.c$/, '.o')) }));
  const workers = Array.from({ length: Math.max(1, Math.min(availableParallelism(), pending.length)) }, async () => {
    for (let job = pending.shift(); job; job = pending.shift()) await cc(compiler, [...flags, '-c', job.src, '-o', job.obj]);
  });
  await Promise.all(workers).catch((err) => {
    rmSync(objects, { recursive: true, force: true });
    throw err;
  });
  const link = ['-shared', '-fopenmp', '-o', linked, ...sources.map((f) => join(objects, f.replace(/\.c$/, '.o')))];
  if (process.platform === 'darwin') link.push('-undefined', 'dynamic_lookup');
  try {
    await cc(compiler, [...link, ...blas.flags, ...(oneDnn ? ['-ldnnl'] : []), '-lm']);
    renameSync(linked, OUT);
  } finally {
    rmSync(objects, { recursive: true, force: true });
  }
  return { ms: Date.now() - started, oneDnn, openmpBlas: blas.openmp };
}

/** A prebuilt binary for this platform (prebuilds/<platform>-<arch>/*.node) makes compiling unnecessary. */
const prebuilt = join(ROOT, 'prebuilds', `${process.platform}-${process.arch}`);
if (installMode && existsSync(prebuilt) && readdirSync(prebuilt).some((f) => f.endsWith('.node'))) process.exit(0);

/** An addon newer than every source and this script: a repeated install (CI installs twice) need not compile again. */
function upToDate() {
  if (!existsSync(OUT)) return false;
  const built = statSync(OUT).mtimeMs;
  const inputs = [fileURLToPath(import.meta.url), ...readdirSync(join(ROOT, 'csrc')).map((f) => join(ROOT, 'csrc', f))];
  return inputs.every((f) => statSync(f).mtimeMs < built);
}
if (installMode && upToDate()) process.exit(0);

try {
  const { ms, oneDnn, openmpBlas } = await build();
  rmSync(ERROR_LOG, { force: true });
  const conv = oneDnn ? 'with oneDNN' : 'without oneDNN (libdnnl-dev not found: convolutions use im2col + OpenBLAS)';
  const blas = openmpBlas
    ? "OpenBLAS's OpenMP build"
    : 'the default OpenBLAS (libopenblas0-openmp not found: its threads are a second pool)';
  console.log(`@tensile/backend-native: built ${OUT} ${conv}, on ${blas}, in ${(ms / 1000).toFixed(1)} s`);
} catch (err) {
  const log = `${err.message}\n${err.stderr ?? ''}`.trim();
  // the hint reads the compiler's complaint only: the command line itself names -fopenmp and -lopenblas
  const message = `could not build the addon: it needs ${hint(err, String(err.stderr ?? ''))}`;
  if (!installMode) {
    console.error(`@tensile/backend-native: ${message}\n${log}`);
    process.exit(1);
  }
  mkdirSync(dirname(ERROR_LOG), { recursive: true });
  writeFileSync(ERROR_LOG, `${message}\n\n${log}\n`);
  rmSync(OUT, { force: true });
  console.warn(`@tensile/backend-native: ${message}; the other backends are unaffected (details: ${ERROR_LOG})`);
}
