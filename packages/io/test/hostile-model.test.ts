import * as t from '@tensile/core';
import { cpu } from '@tensile/backend-cpu';
import { wasm } from '@tensile/backend-wasm';
import { Linear } from '@tensile/layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeModel, loadModel, StateDictError } from '@tensile/io';
import { rewrite } from './rewrite.js';

/**
 * A model file is an architecture plus tensors: the architecture's declared
 * state is checked against the file's own tensor headers before any layer is
 * built, so a tiny file claiming a huge layer allocates nothing.
 */
const hostile: [string, object][] = [
  ['Linear(20000, 20000)', { type: 'Linear', config: { inFeatures: 20000, outFeatures: 20000, bias: true } }],
  [
    'Linear(30000, 30000) in a Sequential',
    { type: 'Sequential', config: {}, children: { 0: { type: 'Linear', config: { inFeatures: 30000, outFeatures: 30000, bias: true } } } },
  ],
  ['Embedding(1e9, 1)', { type: 'Embedding', config: { numEmbeddings: 1e9, embeddingDim: 1 } }],
  ['Linear(1e15, 1e15)', { type: 'Linear', config: { inFeatures: 1e15, outFeatures: 1e15 } }],
  ['LSTM with 1e12 layers', { type: 'LSTM', config: { inputSize: 4, hiddenSize: 2, numLayers: 1e12 } }],
  ['Conv2d(4096, 4096, 64)', { type: 'Conv2d', config: { inChannels: 4096, outChannels: 4096, kernelSize: 64 } }],
];

for (const [backendName, make] of [
  ['cpu', () => cpu()],
  ['wasm', () => wasm()],
] as const) {
  describe(`hostile model files on ${backendName}: refused before anything is allocated`, () => {
    let small: Uint8Array;
    beforeAll(async () => {
      await t.setBackend(make());
      const model = new Linear(3, 2);
      small = await encodeModel(model, { type: 'Linear', config: { inFeatures: 3, outFeatures: 2, bias: true } });
      model.dispose();
    });

    it.each(hostile)('%s', async (_name, architecture) => {
      // With a valid checksum, and as a version-1 file from before checksums.
      for (const seal of [true, false]) {
        const bytes = rewrite(
          small,
          (metadata) => {
            metadata.architecture = JSON.stringify(architecture);
            if (!seal) metadata.version = '1';
          },
          { seal },
        );
        expect(bytes.length).toBeLessThan(1024);
        const before = t.memory();
        const started = performance.now();
        const err = await loadModel(bytes, { fileName: 'hostile.tensile' }).catch((e: unknown) => e);
        const elapsed = performance.now() - started;
        expect(err).toBeInstanceOf(StateDictError);
        expect((err as Error).message).toMatch(/^loadModel: hostile.tensile: weights do not fit the model: /);
        const after = t.memory();
        expect(after.tensors).toBe(before.tensors);
        expect(after.backend).toEqual(before.backend);
        // Building the claimed layer took 11.7 s for Linear(20000, 20000); the check takes milliseconds.
        expect(elapsed).toBeLessThan(2000);
      }
    });

    it('a file that does hold the claimed tensors still loads', async () => {
      const model = await loadModel(small, { fileName: 'small.tensile' });
      expect(model.stateDict().weight.shape).toEqual([2, 3]);
      (model as Linear).dispose();
    });
  });
}
