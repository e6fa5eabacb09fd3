import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Backend, Conv2dGeometry, MatmulParams } from '@tensile/core';
import { describeBackend } from '@tensile/backend-conformance';
import { relaxedSimdSupported, wasm } from '@tensile/backend-wasm';
import { afterAll, describe, expect, test } from 'vitest';
import { down, expectClose, randoms, up } from './helpers.js';

// Node 20 has relaxed SIMD only behind a V8 flag. Run normally, this file
// checks the fallback and re-runs itself in a child vitest with the flag;
// there it checks the relaxed build against the plain one and runs the
// conformance suite on it.
const CHILD_ENV = 'TENSILE_WASM_RELAXED_CHILD';
const supported = relaxedSimdSupported();
const inChild = process.env[CHILD_ENV] === '1';

describe('relaxed SIMD selection', () => {
  test('the default follows feature detection; false forces the plain build', async () => {
    const auto = await wasm({ threads: 1 });
    const plain = await wasm({ threads: 1, relaxedSimd: false });
    expect(auto.relaxedSimd).toBe(supported);
    expect(plain.relaxedSimd).toBe(false);
    await auto.dispose?.();
    await plain.dispose?.();
  });

  test('a bad option value is rejected', async () => {
    await expect(wasm({ relaxedSimd: 'yes' as unknown as boolean })).rejects.toThrow(/option 'relaxedSimd' must be a boolean/);
  });

  test.skipIf(supported)('relaxedSimd: true throws where the engine lacks it', async () => {
    await expect(wasm({ relaxedSimd: true })).rejects.toThrow(/lacks relaxed SIMD.*--experimental-wasm-relaxed-simd/);
  });

  test.skipIf(supported || inChild)('the relaxed build passes in node --experimental-wasm-relaxed-simd', () => {
    const root = fileURLToPath(new URL('../../../', import.meta.url));
    const self = fileURLToPath(import.meta.url);
    const r = spawnSync(
      process.execPath,
      [`${root}node_modules/vitest/vitest.mjs`, 'run', '--execArgv=--experimental-wasm-relaxed-simd', '--reporter=json', self],
      { cwd: root, env: { ...process.env, [CHILD_ENV]: '1' }, encoding: 'utf8', timeout: 120_000, maxBuffer: 1 << 28 },
    );
    expect(r.status, `${r.stdout.slice(-2000)}\n${r.stderr.slice(-2000)}`).toBe(0);
    const report = JSON.parse(r.stdout.slice(r.stdout.indexOf('{'))) as {
      numFailedTests: number;
      testResults: { assertionResults: { fullName: string; status: string }[] }[];
    };
    expect(report.numFailedTests).toBe(0);
    // The child really ran the relaxed checks and the conformance suite on the relaxed build.
    const passed = report.testResults.flatMap((f) => f.assertionResults).filter((t) => t.status === 'passed');
    expect(passed.map((t) => t.fullName)).toContain('relaxed SIMD build fuses the multiply-add in sgemm: a*b + c with one rounding');
    expect(passed.filter((t) => t.fullName.startsWith('backend conformance: wasm relaxed SIMD (2 threads)')).length).toBeGreaterThan(100);
  });
});

test.runIf(inChild)('the child process has relaxed SIMD (the flag reached the test worker)', () => {
  expect(supported).toBe(true);
});

if (supported) {
  const backends: { relaxed: Backend; plain: Backend }[] = [];
  for (const threads of [1, 2]) {
    backends.push({
      relaxed: await wasm({ threads, relaxedSimd: true }),
      plain: await wasm({ threads, relaxedSimd: false }),
    });
  }
  afterAll(async () => {
    for (const b of backends) {
      await b.relaxed.dispose?.();
      await b.plain.dispose?.();
    }
  });

  describe('relaxed SIMD build', () => {
    test('is selected by default and reports it', async () => {
      const b = await wasm({ threads: 1 });
      expect(b.relaxedSimd).toBe(true);
      await b.dispose?.();
    });

    test('fuses the multiply-add in sgemm: a*b + c with one rounding', () => {
      // -(1+2^-11) + (1+2^-12)^2 = 2^-24 exactly; rounding the product first gives 0.
      const p: MatmulParams = { batch: 1, m: 1, k: 2, n: 1, transA: false, transB: false, aBatched: true, bBatched: true };
      const a = [-1, 1 + 2 ** -12];
      const bv = [1 + 2 ** -11, 1 + 2 ** -12];
      for (const { relaxed, plain } of backends) {
        expect(down(plain, plain.matmul(up(plain, a, 'float32'), up(plain, bv, 'float32'), 'float32', p), 'float32', 1)).toEqual([0]);
        expect(down(relaxed, relaxed.matmul(up(relaxed, a, 'float32'), up(relaxed, bv, 'float32'), 'float32', p), 'float32', 1)).toEqual([
          2 ** -24,
        ]);
      }
    });

    test('matmul equals the plain build within float32 rounding (shapes, transposes, batches)', () => {
      const cases = [
        [1, 1, 1, 1],
        [1, 4, 8, 8],
        [1, 5, 3, 9],
        [3, 17, 33, 15],
        [1, 130, 600, 70], // two K blocks
        [2, 257, 129, 63],
      ] as const;
      for (const { relaxed, plain } of backends) {
        for (const [batch, m, k, n] of cases) {
          for (const [transA, transB] of [
            [false, false],
            [true, false],
            [false, true],
            [true, true],
          ] as const) {
            const p: MatmulParams = { batch, m, k, n, transA, transB, aBatched: true, bBatched: batch === 1 };
            const a = randoms(batch * m * k, 11);
            const bv = randoms((batch === 1 ? batch : 1) * k * n, 12);
            const run = (b: Backend) =>
              down(b, b.matmul(up(b, a, 'float32'), up(b, bv, 'float32'), 'float32', p), 'float32', batch * m * n);
            // Sums of k products of magnitude < 1: rounding differs by ~k ulps of 1.
            expectClose(run(relaxed), run(plain), 1e-5, k * 2 ** -22);
          }
        }
      }
    });

    test('conv2d and both gradients equal the plain build within float32 rounding', () => {
      const g: Conv2dGeometry = {
        n: 3,
        c: 6,
        h: 12,
        w: 11,
        kh: 5,
        kw: 3,
        strideH: 1,
        strideW: 2,
        padTop: 2,
        padLeft: 1,
        dilationH: 1,
        dilationW: 1,
        outH: 12,
        outW: 6,
      };
      const O = 8;
      const x = randoms(g.n * g.c * g.h * g.w, 21);
      const wt = randoms(O * g.c * g.kh * g.kw, 22);
      const dy = randoms(g.n * O * g.outH * g.outW, 23);
      for (const { relaxed, plain } of backends) {
        for (const groups of [1, 2]) {
          const wg = wt.slice(0, (O * g.c * g.kh * g.kw) / groups);
          const run = (b: Backend) => [
            down(b, b.conv2d!(up(b, x, 'float32'), up(b, wg, 'float32'), 'float32', g, O, groups), 'float32', dy.length),
            down(b, b.conv2dBackwardInput!(up(b, dy, 'float32'), up(b, wg, 'float32'), 'float32', g, O, groups), 'float32', x.length),
            down(b, b.conv2dBackwardFilter!(up(b, x, 'float32'), up(b, dy, 'float32'), 'float32', g, O, groups), 'float32', wg.length),
          ];
          const [r, q] = [run(relaxed), run(plain)];
          for (let i = 0; i < 3; i++) expectClose(r[i]!, q[i]!, 1e-5, 1e-4);
        }
      }
    });
  });

  const relaxed1 = backends[0]!.relaxed;
  describeBackend('wasm relaxed SIMD (1 thread)', () => relaxed1);
  const relaxed2 = backends[1]!.relaxed;
  describeBackend('wasm relaxed SIMD (2 threads)', () => relaxed2);
}
