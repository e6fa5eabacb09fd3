import type { DType, Shape } from '@tensile/core';
import type { GpuHandle } from '../runtime/handle.js';
import { paramStruct } from '../runtime/params.js';
import type { GpuRuntime } from '../runtime/runtime.js';
import { MAX_RANK, indexCode, iterationLayout, layoutFields, layoutValues } from './strided-index.js';
import { valueBits } from './elementwise.js';
import { FLOAT_HELPERS, declare, kernel1D, launch1D, sizeOf, wgslType } from './wgsl.js';
import { WebGPUBackendError } from '../errors.js';

// Movement kernels copy 32-bit words, so one pipeline serves every dtype.
const WORDS = [
  { name: 'X', type: 'u32' },
  { name: 'out', type: 'u32', write: true },
];

export function strided(rt: GpuRuntime, x: GpuHandle, dtype: DType, outShape: Shape, strides: Shape, offset: number): GpuHandle {
  wgslType(dtype, 'strided');
  const size = sizeOf(outShape);
  const out = rt.allocate('strided', size);
  const c = iterationLayout('strided', outShape, [strides]);
  const rank = c.shape.length;
  const struct = paramStruct({ count: 'u32', offset: 'i32', ...layoutFields(rank, 1) });
  const params = struct.write({ count: size, offset, ...layoutValues(c) });
  const source = () => `
${declare(WORDS, struct)}
${FLOAT_HELPERS}
${kernel1D(`${indexCode(rank, 1, ['P.offset'])}
  out[gi] = X[u32(idx0)];`)}`;
  launch1D(rt, 'strided', `strided:r${rank}`, source, [x.buffer, out.buffer], params, size);
  return out;
}

/** One input of a concat: `width` of each of the output's rows of `total`, starting at `column`. */
const CONCAT = paramStruct({ count: 'u32', width: 'u32', total: 'u32', column: 'u32' });

export function concat(rt: GpuRuntime, xs: readonly GpuHandle[], dtype: DType, outer: number, widths: readonly number[]): GpuHandle {
  wgslType(dtype, 'concat');
  const total = widths.reduce((s, w) => s + w, 0);
  const out = rt.allocate('concat', outer * total);
  const source = () => `
${declare(WORDS, CONCAT)}
${kernel1D(`  let w = P.width;
  out[(gi / w) * P.total + P.column + gi % w] = X[gi];`)}`;
  let column = 0;
  xs.forEach((x, i) => {
    const count = outer * widths[i];
    const params = CONCAT.write({ count, width: widths[i], total, column });
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
  const struct = paramStruct({
    count: 'u32',
    value: 'u32',
    outShape: ['u32', rank],
    inShape: ['u32', rank],
    before: ['i32', rank],
  });
  const params = struct.write({
    count: size,
    value: valueBits(value, dtype).words[0]!,
    outShape: mergedOut,
    inShape: m.shape,
    before: m.before,
  });
  const lines: string[] = ['  var rem = gi;', '  var src = 0u;', '  var stride = 1u;', '  var inside = true;'];
  for (let axis = rank - 1; axis >= 0; axis--) {
    lines.push(`  {
    let c = i32(rem % P.outShape[${axis}]);
    rem = rem / P.outShape[${axis}];
    let ic = c - P.before[${axis}];
    let dim = P.inShape[${axis}];
    inside = inside && ic >= 0 && ic < i32(dim);
    src = src + u32(ic) * stride;
    stride = stride * dim;
  }`);
  }
  lines.push('  if (inside) { out[gi] = X[src]; } else { out[gi] = P.value; }');
  const source = () => `${declare(WORDS, struct)}\n${kernel1D(lines.join('\n'))}`;
  launch1D(rt, 'pad', `pad:r${rank}`, source, [x.buffer, out.buffer], params, size);
  return out;
}
