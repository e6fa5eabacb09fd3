import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BackendError } from '@tensile/core';
import type { DataArray, Handle } from '@tensile/core';

/** The functions csrc/*.c export (each file's *_EXPORTS table). Dtypes are codes (dtypes.ts). */
export interface Addon {
  upload(data: DataArray, dtype: number): Handle;
  fill(size: number, value: number, dtype: number): Handle;
  read(x: Handle, dtype: number, size: number): DataArray;
  free(x: Handle): void;
  /** [live handles, live bytes, handles the GC finalizer freed, freed bytes kept for reuse]. */
  memory(): [number, number, number, number];
  setThreads(n: number): void;
  cores(): number;
  opNames(): { unary: string[]; binary: string[] };
  unary(code: number, x: Handle, dtype: number, outDtype: number, size: number): Handle;
  clamp(x: Handle, dtype: number, size: number, lo: number, hi: number): Handle;
  addScaled(a: Handle, b: Handle, alpha: number, dtype: number, size: number): Handle;
  binary(
    code: number,
    a: Handle,
    aOffset: number,
    b: Handle,
    bOffset: number,
    dtype: number,
    outDtype: number,
    shape: number[],
    aStrides: number[],
    bStrides: number[],
  ): Handle;
  where(
    cond: Handle,
    condOffset: number,
    a: Handle,
    aOffset: number,
    b: Handle,
    bOffset: number,
    dtype: number,
    shape: number[],
    ...strides: number[][]
  ): Handle;
  cast(x: Handle, from: number, to: number, size: number): Handle;
  reduce(op: number, x: Handle, dtype: number, outer: number, size: number, inner: number): Handle;
  scan(op: number, x: Handle, dtype: number, outer: number, size: number, inner: number): Handle;
  sort(x: Handle, dtype: number, outer: number, size: number, inner: number, descending: boolean): [Handle, Handle];
  softmax(x: Handle, dtype: number, rows: number, cols: number): Handle;
  logSoftmax(x: Handle, dtype: number, rows: number, cols: number): Handle;
  strided(x: Handle, dtype: number, shape: number[], strides: number[], offset: number): Handle;
  concat(xs: readonly Handle[], dtype: number, outer: number, widths: readonly number[]): Handle;
  pad(x: Handle, dtype: number, shape: readonly number[], before: readonly number[], after: readonly number[], value: number): Handle;
  gather(x: Handle, dtype: number, outer: number, n: number, inner: number, indices: Handle, m: number): Handle;
  scatterAdd(src: Handle, dtype: number, outer: number, m: number, inner: number, indices: Handle, n: number): Handle;
  scatterReduce(
    op: number,
    x: Handle,
    src: Handle,
    index: Handle,
    dtype: number,
    outer: number,
    n: number,
    m: number,
    inner: number,
    includeSelf: boolean,
  ): Handle;
  im2col(x: Handle, dtype: number, geometry: number[], padValue: number): Handle;
  col2im(cols: Handle, dtype: number, geometry: number[]): Handle;
  matmul(a: Handle, b: Handle, dtype: number, ...p: [number, number, number, number, boolean, boolean, boolean, boolean]): Handle;
  matmulBias(
    a: Handle,
    b: Handle,
    bias: Handle,
    dtype: number,
    ...p: [number, number, number, number, boolean, boolean, boolean, boolean, boolean]
  ): Handle;
  /** Switches float32 convolutions to 'onednn' or 'im2col' when given; returns the one in force. */
  convWith(name?: 'onednn' | 'im2col'): string;
  conv2d(x: Handle, w: Handle, dtype: number, geometry: number[], outChannels: number, groups: number): Handle;
  conv2dBackwardInput(dy: Handle, w: Handle, dtype: number, geometry: number[], outChannels: number, groups: number): Handle;
  conv2dBackwardFilter(x: Handle, dy: Handle, dtype: number, geometry: number[], outChannels: number, groups: number): Handle;
  maxPool2d(x: Handle, dtype: number, geometry: number[]): [Handle, Handle];
  /** [y, mean, biased var] in training (mean, var null), [y] in evaluation; null where oneDNN declines (batch_norm.c). */
  batchNormForward(
    x: Handle,
    weight: Handle | null,
    bias: Handle | null,
    mean: Handle | null,
    variance: Handle | null,
    ...p: [dtype: number, n: number, c: number, inner: number, eps: number]
  ): [Handle] | [Handle, Handle, Handle] | null;
  /** [dx, dweight, dbias] (weight null: a scale of ones), or null where oneDNN declines. */
  batchNormBackward(
    dy: Handle,
    x: Handle,
    mean: Handle,
    variance: Handle,
    weight: Handle | null,
    ...p: [dtype: number, n: number, c: number, inner: number, eps: number]
  ): [Handle, Handle, Handle] | null;
}

/** The package root: src/.. in the repository, dist/.. once installed. */
const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** What to install, for the error of a missing or unloadable addon. */
const INSTALL =
  'The native backend needs a C compiler, OpenBLAS and OpenMP when the package is installed ' +
  '(Debian/Ubuntu: `apt-get install build-essential libopenblas-dev`), then `npm rebuild @tensile/backend-native` ' +
  '(or `pnpm rebuild @tensile/backend-native`). The cpu and wasm backends need none of this.';

let cached: Addon | undefined;

/**
 * Loads the compiled addon the way native packages do (node-gyp-build:
 * prebuilds/<platform>-<arch>/ first, then build/Release/), once. Throws a
 * BackendError that says what to install when there is none, with the
 * install-time build's own complaint.
 */
export function loadAddon(): Addon {
  if (cached) return cached;
  let reason: string;
  // Read by libgomp and OpenBLAS when the addon loads them: idle threads sleep instead of spinning, so the
  // OpenMP and OpenBLAS pools do not steal each other's cores (or the caller's, on a busy machine). A user's own
  // settings win.
  process.env.OMP_WAIT_POLICY ??= 'PASSIVE';
  process.env.OPENBLAS_THREAD_TIMEOUT ??= '4';
  try {
    const require = createRequire(import.meta.url);
    const nodeGypBuild = require('node-gyp-build') as (dir: string) => Addon;
    cached = nodeGypBuild(ROOT);
    return cached;
  } catch (err) {
    reason = (err as Error).message.split('\n')[0];
  }
  const log = join(ROOT, 'build', 'build-error.log');
  throw addonLoadError(reason, existsSync(log) ? readFileSync(log, 'utf8') : null);
}

/** The error of a missing addon: why it did not load, what the install-time build said, what to install. */
export function addonLoadError(reason: string, buildLog: string | null): BackendError {
  const built = buildLog ? ` The build at install said: ${buildLog.split('\n')[0]}.` : '';
  return new BackendError(`native backend: the addon could not be loaded (${reason}).${built} ${INSTALL}`);
}
