import type { DType } from '@tensile/core';
import { WebGPUBackendError } from '../errors.js';
import type { GpuRuntime } from '../runtime/runtime.js';
import { WORKGROUP } from '../runtime/runtime.js';
import type { ParamFields, ParamStruct, Params } from '../runtime/params.js';

/** The WGSL element type of each stored dtype: bool lives as u32 0/1. */
export function wgslType(dtype: DType, op: string): 'f32' | 'i32' | 'u32' {
  switch (dtype) {
    case 'float32':
      return 'f32';
    case 'int32':
      return 'i32';
    case 'bool':
      return 'u32';
    default:
      throw new WebGPUBackendError(`webgpu.${op}: dtype ${dtype} is not supported (WGSL has no float64)`);
  }
}

export interface Binding {
  name: string;
  type: string;
  /** true for the output (read_write); inputs are read-only. */
  write?: boolean;
}

/**
 * Storage declarations for `bindings` in order, then the parameter struct
 * `P` (fields named by `params`) at the next binding.
 */
export function declare(bindings: readonly Binding[], params: ParamStruct<ParamFields>): string {
  const lines = bindings.map(
    (b, i) => `@group(0) @binding(${i}) var<storage, ${b.write ? 'read_write' : 'read'}> ${b.name}: array<${b.type}>;`,
  );
  lines.push(params.wgsl, `@group(0) @binding(${bindings.length}) var<storage, read> P: Params;`);
  return lines.join('\n');
}

/**
 * Float helpers that do not rely on IEEE comparisons with NaN (WGSL lets an
 * implementation assume NaN never occurs), and infinities built at run time
 * (a constant expression may not evaluate to Inf/NaN in WGSL).
 */
export const FLOAT_HELPERS = /* wgsl */ `
fn is_nan(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }
fn is_inf(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) == 0x7f800000u; }
fn nan_f32() -> f32 { var bits = 0x7fc00000u; return bitcast<f32>(bits); }
fn inf_f32() -> f32 { var bits = 0x7f800000u; return bitcast<f32>(bits); }
`;

/**
 * A kernel with one thread per element: `body` runs with `gi`, the linear
 * element index, for gi < P.count. The workgroups form a 2-D grid so that more
 * than 65535 × 256 elements can be covered.
 */
export function kernel1D(body: string): string {
  return /* wgsl */ `
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let gi = (wid.y * nwg.x + wid.x) * ${WORKGROUP}u + lid;
  if (gi >= P.count) { return; }
${body}
}`;
}

/** Compiles (once) and dispatches a kernel1D over `count` elements; its params' `count` must be `count`. */
export function launch1D(
  rt: GpuRuntime,
  op: string,
  key: string,
  source: () => string,
  buffers: readonly GPUBuffer[],
  params: Params,
  count: number,
): void {
  if (count === 0) return;
  const pipeline = rt.pipeline(key, source);
  rt.dispatch(pipeline, buffers, params, rt.grid(op, Math.ceil(count / WORKGROUP)));
}

/** Number of elements of a shape. */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}
