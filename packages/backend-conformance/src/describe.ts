import * as t from '@tensile/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { edgeCases } from './cases/edge.js';
import { errorCases } from './cases/errors.js';
import { forwardCases } from './cases/forward.js';
import { gradCases } from './cases/gradcheck.js';
import { gradgradCases, higherOrderFixtures, nestedGradCases, runHigherOrderFixture } from './cases/gradgradcheck.js';
import { memoryCases } from './cases/memory.js';
import { type CaseGroup, type ConformanceOptions, skipReason } from './options.js';
import { checkTorchCase, torchFixtureCases } from './torch/index.js';

/**
 * Registers the conformance suite for a backend as vitest suites. Every
 * backend, ours or a third party's, passes the same cases: each kernel's
 * forward against a float64 reference, edge cases, a gradcheck of every
 * differentiable op, async reads, memory accounting and error messages.
 *
 * @example
 * // my-backend.test.ts
 * import { describeBackend } from '@tensile/backend-conformance';
 * describeBackend('mine', () => myBackend());
 */
export function describeBackend(name: string, factory: t.BackendFactory, options: ConformanceOptions = {}): void {
  let backend: t.Backend;
  let previous: t.Backend | null = null;
  const float32 = options.float32 ?? { rtol: 1e-5, atol: 1e-6 };

  describe(`backend conformance: ${name}`, () => {
    beforeAll(async () => {
      backend = await factory();
      try {
        previous = t.getBackend();
      } catch {
        previous = null;
      }
      await t.setBackend(backend);
    });
    afterAll(async () => {
      if (previous) await t.setBackend(previous);
      await options.teardown?.(backend);
    });

    /** A test that runs the case inside tidy-free async code on this backend, or a counted, named skip. */
    const test = (group: CaseGroup, caseName: string, run: () => Promise<void>, timeout?: number) => {
      const reason = skipReason(options, group, caseName);
      if (reason) it.skip(`${caseName} — skipped: ${reason}`, () => {});
      else
        it(
          caseName,
          async () => {
            await t.setBackend(backend);
            await run();
          },
          timeout,
        );
    };

    describe('forward against a float64 reference', () => {
      for (const c of forwardCases(['float32', 'float64', 'int32', 'bool'])) {
        const dtype = c.name.includes('float64') ? 'float64' : 'float32';
        test('forward', c.name, async () => {
          if (!backend.dtypes.includes(dtype)) {
            // Not a skip: the backend must refuse the dtype with a clear error.
            expect(() => t.zeros([1], { dtype })).toThrow(/does not support dtype/);
            return;
          }
          await c.run(dtype === 'float64' ? { rtol: 1e-12, atol: 1e-12 } : float32);
        });
      }
    });

    describe('edge cases', () => {
      for (const c of edgeCases) test('edge', c.name, c.run);
    });

    describe('gradcheck of every differentiable op', () => {
      for (const c of gradCases) {
        test(
          'gradcheck',
          c.name,
          async () => {
            const inputs = c.inputs.map((r) => t.tensor(Float64Array.from(r.data), { shape: r.shape, dtype: 'float32' }));
            const tol = backend.dtypes.includes('float64') ? {} : (options.gradcheckFloat32 ?? { atol: 2e-2, rtol: 2e-2 });
            const result = await t.gradcheck(c.fn, inputs, tol);
            t.dispose(inputs);
            if (!result.ok) throw new Error(`gradcheck ${c.name} (${result.dtype}) failed: ${result.worst}, error ${result.maxError}`);
          },
          30_000,
        );
      }
    });

    describe('gradients of gradients (createGraph, nested grad, hvp)', () => {
      // Without float64, entry-by-entry float32 differences of a gradient are noisy and slow (a software
      // GPU runs seconds per case): one random directional derivative (PyTorch's fast_mode) instead.
      const tolerance = () =>
        backend.dtypes.includes('float64') ? {} : { ...(options.gradcheckFloat32 ?? { atol: 2e-2, rtol: 2e-2 }), fast: true };
      const check = (name: string, c: (typeof gradgradCases)[number], run: typeof t.gradcheck) =>
        test(
          'gradgradcheck',
          name,
          async () => {
            const inputs = c.inputs.map((r) => t.tensor(Float64Array.from(r.data), { shape: r.shape, dtype: 'float32' }));
            const result = await run(c.fn, inputs, tolerance());
            t.dispose(inputs);
            if (!result.ok) throw new Error(`${name} (${result.dtype}) failed: ${result.worst}, error ${result.maxError}`);
          },
          60_000,
        );
      for (const c of gradgradCases) check(`gradgradcheck ${c.name}`, c, t.gradgradcheck);
      for (const c of nestedGradCases) check(`gradcheck of ${c.name}`, c, t.gradcheck);
      for (const c of higherOrderFixtures) {
        test('gradgradcheck', `PyTorch: ${c.name}`, async () => {
          const dtype = backend.dtypes.includes('float64') ? 'float64' : 'float32';
          const [rtol, atol] = dtype === 'float64' ? [1e-10, 1e-12] : [1e-4, 1e-5];
          const got = t.tidy(() => runHigherOrderFixture(c, dtype));
          for (const [key, want] of Object.entries(c.expected)) {
            const values = await got[key].data();
            expect([...got[key].shape], key).toEqual(want.shape);
            want.data.forEach((w, i) => {
              if (!(Math.abs(values[i] - w) <= atol + rtol * Math.abs(w))) {
                throw new Error(`PyTorch ${c.name}: ${key}[${i}] is ${values[i]}, PyTorch ${w} (${dtype}, rtol ${rtol}, atol ${atol})`);
              }
            });
          }
          t.dispose(got);
        });
      }
    });

    describe('values and gradients match PyTorch (committed fixtures)', () => {
      for (const c of torchFixtureCases()) {
        test('torch', c.name, () =>
          checkTorchCase(t, c, backend.dtypes.includes('float64') ? {} : { rtol: float32.rtol * 10, atol: float32.atol * 10 }),
        );
      }
    });

    describe('async reads', () => {
      test('async', 'data() resolves after queued work, reads run concurrently', async () => {
        let x = t.ones([64, 64]);
        for (let i = 0; i < 20; i++) {
          const next = x.add(1);
          x.dispose();
          x = next;
        }
        const [a, b] = await Promise.all([x.data(), x.sum().data()]);
        expect(a[0]).toBe(21);
        expect(b[0]).toBe(21 * 64 * 64);
        expect(
          await t
            .tensor([
              [1, 2],
              [3, 4],
            ])
            .toArray(),
        ).toEqual([
          [1, 2],
          [3, 4],
        ]);
        expect(await t.tensor([7]).item()).toBe(7);
        if (!backend.readSync) expect(() => x.dataSync()).toThrow(/reads asynchronously/);
        x.dispose();
      });
    });

    describe('memory accounting', () => {
      for (const c of memoryCases) test('memory', c.name, c.run);
    });

    describe('error messages', () => {
      for (const c of errorCases) test('errors', c.name, c.run);
    });
  });
}
