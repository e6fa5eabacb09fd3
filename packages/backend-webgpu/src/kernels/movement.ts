import type { DType, Shape } from '@tensile/core';
import type { GpuHandle } from '../runtime/handle.js';
import { Params } from '../runtime/params.js';
import type { GpuRuntime } from '../runtime/runtime.js';
import { MAX_RANK, collapse, indexCode } from './broadcast.js';
import { valueBits } from './elementwise.js';
import { FLOAT_HELPERS, declare, kernel1D, launch1D, sizeOf, wgslType } from './wgsl.js';
import { WebGPUBackendError } from '../errors.js';

// Movement kernels copy 32-bit words, so one pipeline serves every dtype.
const WORDS = [{ name: 'X', type: 'u32' }, { name: 'out', type: 'u32', write: true }];

export function strided(rt: GpuRuntime, x: GpuHandle, dtype: DType, outShape: Shape, strides: Shape, offset: number): GpuHandle {
  wgslType(dtype, 'strided');
  const size = sizeOf(outShape);
  const out = rt.allocate('strided', size);
  const c = collapse('strided', outShape, [strides]);
  const rank = c.shape.length;
  const params = new Params().u32(size).i32(offset).list(c.shape).list(c.strides[0]);
  const source = () => `
${declare(WORDS)}
${FLOAT_HELPERS}
${kernel1D(`${indexCode(rank, 1, 2, ['pi(1u)'])}
  out[gi] = X[u32(idx0)];`)}`;
  launch1D(rt, 'strided', `strided:r${rank}`, source, [x.buffer, out.buffer], params, size);
  return out;
}

export function concat(rt: GpuRuntime, xs: readonly GpuHandle[], dtype: DType, outer: number, widths: readonly number[]): GpuHandle {
  wgslType(dtype, 'concat');
  const total = widths.reduce((s, w) => s + w, 0);
  const out = rt.allocate('concat', outer * total);
  const source = () => `
${declare(WORDS)}
${kernel1D(`  let w = P[1];
  out[(gi / w) * P[2] + P[3] + gi % w] = X[gi];`)}`;
  let column = 0;
  xs.forEach((x, i) => {
    const count = outer * widths[i];
    const params = new Params().u32(count).u32(widths[i]).u32(total).u32(column);
    launch1D(rt, 'concat', 'concat', source, [x.buffer, out.buffer], params, count);
    column += widths[i];
  });
  return out;
}

/**
 * Merges every unpadded axis into the axis before it (their coordinates
 * combine linearly and the bounds test on the merged axis stays exact).
 */
function mergePadAxes(shape: Shape, before: Shape, after: Shape): { shape: number[]; before: number[]; after: number[] } {
  const s: number[] = [];
  const b: number[] = [];
  const a: number[] = [];
  for (let axis = 0; axis < shape.length; axis++) {
    const last = s.length - 1;
    if (last >= 0 && before[axis] === 0 && after[axis] === 0) {
      s[last] *= shape[axis];
      b[last] *= shape[axis];
      a[last] *= shape[axis];
    } else {
      s.push(shape[axis]);
      b.push(before[axis]);
      a.push(after[axis]);
    }
  }
  if (s.length === 0) return { shape: [1], before: [0], after: [0] };
  return { shape: s, before: b, after: a };
}

export function pad(rt: GpuRuntime, x: GpuHandle, dtype: DType, shape: Shape, before: Shape, after: Shape, value: number): GpuHandle {
  wgslType(dtype, 'pad');
  const outShape = shape.map((d, i) => before[i] + d + after[i]);
  const size = sizeOf(outShape);
  const out = rt.allocate('pad', size);
  const m = mergePadAxes(shape, before, after);
  const rank = m.shape.length;
  if (rank > MAX_RANK) {
    throw new WebGPUBackendError(`webgpu.pad: padding ${rank} separate axes of [${shape.join(', ')}]; at most ${MAX_RANK} are supported`);
  }
  const mergedOut = m.shape.map((d, i) => m.before[i] + d + m.after[i]);
  const params = new Params().u32(size).u32(valueBits(value, dtype).words[0]).list(mergedOut).list(m.shape).list(m.before);
  const lines: string[] = ['  var rem = gi;', '  var src = 0u;', '  var stride = 1u;', '  var inside = true;'];
  for (let axis = rank - 1; axis >= 0; axis--) {
    lines.push(`  {
    let c = i32(rem % P[${2 + axis}u]);
    rem = rem / P[${2 + axis}u];
    let ic = c - i32(P[${2 + 2 * rank + axis}u]);
    let dim = P[${2 + rank + axis}u];
    inside = inside && ic >= 0 && ic < i32(dim);
    src = src + u32(ic) * stride;
    stride = stride * dim;
  }`);
  }
  lines.push('  if (inside) { out[gi] = X[src]; } else { out[gi] = P[1]; }');
  const source = () => `${declare(WORDS)}\n${kernel1D(lines.join('\n'))}`;
  launch1D(rt, 'pad', `pad:r${rank}`, source, [x.buffer, out.buffer], params, size);
  return out;
}
