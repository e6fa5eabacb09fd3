import * as ort from 'onnxruntime-node';
import type * as t from '@tensile/core';

/** Runs ONNX bytes in ONNX Runtime (CPU) on the given inputs; returns every output by name. */
export async function runOrt(
  bytes: Uint8Array,
  inputs: Record<string, t.Tensor>,
): Promise<Record<string, { dims: readonly number[]; data: Float32Array }>> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const feeds: Record<string, ort.Tensor> = {};
    for (const [name, x] of Object.entries(inputs)) {
      const data = await x.data();
      const type = x.dtype === 'int32' ? 'int32' : x.dtype === 'float64' ? 'float64' : 'float32';
      feeds[name] = new ort.Tensor(type, data as Float32Array, [...x.shape]);
    }
    const out = await session.run(feeds);
    return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, { dims: v.dims, data: v.data as Float32Array }]));
  } finally {
    await session.release();
  }
}
