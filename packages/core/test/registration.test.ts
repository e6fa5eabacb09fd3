/**
 * Registering the built-ins twice (two plugins, a CLI and a library, a second
 * copy of a package) must not throw; a different entry under a taken name
 * still does, unless it asks to override. (Lives in core's tests because it
 * spans the packages that register into core's registry.)
 */
import { registerCpu } from '@tensile/backend-cpu';
import * as t from '@tensile/core';
import { registerData } from '@tensile/data';
import { registerLayers } from '@tensile/layers';
import { MSELoss, registerLosses } from '@tensile/losses';
import { SGD, registerOptimizers } from '@tensile/optim';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { expect, it } from 'vitest';

it('register functions are idempotent', () => {
  for (let i = 0; i < 2; i++) {
    registerLosses();
    registerOptimizers();
    registerLayers();
    registerData();
    registerCpu();
  }
  expect(t.registry.get('loss', 'MSELoss')).toBe(MSELoss);
  expect(t.registry.get('optimizer', 'SGD')).toBe(SGD);
  expect(t.registry.list('layer')).toContain('Linear');
  expect(t.registry.list('dataset')).toContain('moons');
  expect(t.registry.list('backend')).toContain('cpu');
});

it('registering the same entry again is a no-op; a different one under a taken name throws', () => {
  registerLosses();
  expect(() => t.registry.register('loss', 'MSELoss', MSELoss)).not.toThrow();
  class OtherMSELoss extends MSELoss {}
  expect(() => t.registry.register('loss', 'MSELoss', OtherMSELoss)).toThrow(
    /^registry: loss 'MSELoss' is already registered \(pass \{ override: true \} to replace it\)$/,
  );
  expect(t.registry.get('loss', 'MSELoss')).toBe(MSELoss);
});

it('a register function leaves an override registered first in place (a plugin, or a second copy of the package)', () => {
  class MyMSELoss extends MSELoss {}
  t.registry.register('loss', 'MSELoss', MyMSELoss, { override: true });
  expect(() => registerLosses()).not.toThrow();
  expect(t.registry.get('loss', 'MSELoss')).toBe(MyMSELoss);
  t.registry.register('loss', 'MSELoss', MSELoss, { override: true });
});

it("a second copy of @tensile/losses registers without throwing, and the first copy's classes stay", async () => {
  // A real second copy: losses bundled on its own (as published), loading core's build as its own copy.
  const root = fileURLToPath(new URL('../../../', import.meta.url));
  const dir = mkdtempSync(join(tmpdir(), 'tensile-second-losses-'));
  try {
    const pkg = join(dir, 'node_modules', '@tensile', 'losses');
    execFileSync(
      join(root, 'node_modules', '.bin', 'tsup'),
      ['src/index.ts', '--format', 'esm', '--no-config', '--target', 'es2022', '--external', '@tensile/core', '--out-dir', pkg],
      {
        cwd: join(root, 'packages', 'losses'),
        stdio: 'pipe',
      },
    );
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
    writeFileSync(join(pkg, 'package.json'), '{ "type": "module" }\n');
    symlinkSync(join(root, 'packages', 'core'), join(dir, 'node_modules', '@tensile', 'core'), 'dir');
    const second = (await import(/* @vite-ignore */ pathToFileURL(join(pkg, 'index.js')).href)) as typeof import('@tensile/losses');
    expect(second.MSELoss).not.toBe(MSELoss);
    registerLosses();
    expect(() => second.registerLosses()).not.toThrow();
    expect(t.registry.get('loss', 'MSELoss')).toBe(MSELoss);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);
