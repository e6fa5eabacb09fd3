import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-layers'; // registers tfjs-core's gradients
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { registerWasmConv2DBackpropFilter } from '../src/peers/tfjs-wasm-conv-filter.js';

// The kernel the bench adds to tfjs-wasm must give tfjs-cpu's filter gradient.
describe('tfjs-wasm Conv2DBackpropFilter built from wasm kernels', () => {
  const require = createRequire(import.meta.url);
  setWasmPaths(`${join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist')}/`);
  tf.enableProdMode(); // no banner
  registerWasmConv2DBackpropFilter();
  const xs = Array.from({ length: 2 * 9 * 11 * 3 }, (_, i) => Math.sin(i));
  const ws = Array.from({ length: 3 * 4 * 3 * 5 }, (_, i) => Math.cos(i));
  const cases: [number, 'valid' | 'same' | number][] = [
    [1, 'valid'],
    [2, 'same'],
    [2, 'valid'],
    [1, 'same'],
    [3, 1],
  ];

  it.each(cases)('stride %s pad %s matches tfjs-cpu', async (stride, pad) => {
    const grads: Float32Array[] = [];
    for (const be of ['cpu', 'wasm']) {
      await tf.setBackend(be);
      const x = tf.tensor4d(xs, [2, 9, 11, 3]);
      const w = tf.tensor4d(ws, [3, 4, 3, 5]);
      const g = tf.grad((v) => tf.sum(tf.square(tf.conv2d(x, v as tf.Tensor4D, stride, pad))))(w);
      grads.push((await g.data()) as Float32Array);
      tf.dispose([x, w, g]);
    }
    const [want, got] = grads as [Float32Array, Float32Array];
    expect(got.length).toBe(3 * 4 * 3 * 5);
    for (let i = 0; i < want.length; i++) expect(got[i]).toBeCloseTo(want[i]!, 2);
  });
});
