/**
 * Two copies of @tensile/core in one process (a nested dependency after a
 * version skew, two bundles on one page) must work as one: tensors and errors
 * are recognised across copies, the RNG is shared, and nothing that is not a
 * tensor or a number turns into NaN.
 *
 * The copies are real: core is bundled once with tsup into a temporary folder
 * and the bundle is copied to a second folder, so the two load as separate
 * modules with their own classes. The third copy is the source the other
 * tests use (through vitest's alias), with the cpu backend.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { cpu } from '@tensile/backend-cpu';
import * as t from '@tensile/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

type Core = typeof t;
let a: Core;
let b: Core;
let dir: string;

const coreRoot = fileURLToPath(new URL('..', import.meta.url));
const tsup = fileURLToPath(new URL('../../../node_modules/.bin/tsup', import.meta.url));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tensile-two-copies-'));
  const first = join(dir, 'a', 'node_modules', '@tensile', 'core');
  const second = join(dir, 'b', 'node_modules', '@tensile', 'core');
  execFileSync(tsup, ['src/index.ts', '--format', 'esm', '--no-config', '--target', 'es2022', '--out-dir', first], {
    cwd: coreRoot,
    stdio: 'pipe',
  });
  mkdirSync(second, { recursive: true });
  copyFileSync(join(first, 'index.js'), join(second, 'index.js'));
  a = (await import(/* @vite-ignore */ pathToFileURL(join(first, 'index.js')).href)) as Core;
  b = (await import(/* @vite-ignore */ pathToFileURL(join(second, 'index.js')).href)) as Core;
  await t.setBackend(cpu());
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('two copies of @tensile/core', () => {
  it('are really separate copies that share one engine', () => {
    expect(a.Tensor).not.toBe(b.Tensor);
    expect(a.Tensor).not.toBe(t.Tensor);
    // The backend set through the source copy is the one both bundles use.
    expect(a.getBackend()).toBe(b.getBackend());
  });

  it('recognise each other’s tensors (instanceof and isTensor)', () => {
    const x = a.tensor([1, 2, 3]);
    expect(x instanceof b.Tensor).toBe(true);
    expect(x instanceof t.Tensor).toBe(true);
    expect(b.isTensor(x)).toBe(true);
    expect({ shape: [3] } instanceof b.Tensor).toBe(false);
    expect(b.isTensor(null)).toBe(false);
  });

  it('compute with each other’s tensors instead of NaN', async () => {
    const foreign = a.tensor([1, 2, 3]);
    expect(Array.from(await b.add(foreign, 1).data())).toEqual([2, 3, 4]);
    expect(Array.from(await b.add(1, foreign).data())).toEqual([2, 3, 4]);
    expect(Array.from(await b.tensor([1, 1, 1]).add(foreign).data())).toEqual([2, 3, 4]);
    expect(Array.from(await t.mul(foreign, b.tensor([2, 2, 2])).data())).toEqual([2, 4, 6]);
    expect(Array.from(await b.where(a.tensor([1, 0, 1]).gt(0), foreign, 0).data())).toEqual([1, 0, 3]);
  });

  it('recognise each other’s errors by class', () => {
    let caught: unknown;
    try {
      a.tensor([1, 2, 3]).reshape([2, 2]);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(a.ShapeError);
    expect(caught instanceof b.ShapeError).toBe(true);
    expect(caught instanceof b.TensileError).toBe(true);
    expect(caught instanceof t.TensileError).toBe(true);
    expect(caught instanceof Error).toBe(true);
    expect(caught instanceof b.ArgumentError).toBe(false);
    expect(caught instanceof b.DTypeError).toBe(false);
    expect(new Error('plain') instanceof b.TensileError).toBe(false);
  });

  it('share one random generator: manualSeed in either copy seeds both', async () => {
    a.manualSeed(7);
    const fromB = Array.from(await b.rand([4]).data());
    b.manualSeed(7);
    const fromA = Array.from(await a.rand([4]).data());
    t.manualSeed(7);
    const fromSource = Array.from(await t.rand([4]).data());
    expect(fromA).toEqual(fromB);
    expect(fromSource).toEqual(fromB);
    a.manualSeed(8);
    expect(Array.from(await b.rand([4]).data())).not.toEqual(fromB);
  });

  it('share one registry', () => {
    const factory = () => cpu();
    a.registry.register('backend', 'two-copies-test', factory);
    expect(b.registry.get('backend', 'two-copies-test')).toBe(factory);
    a.registry.unregister('backend', 'two-copies-test');
  });
});
