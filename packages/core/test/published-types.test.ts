/**
 * The published types, as a consumer compiles them:
 * - core's bundled .d.ts (tsup: `pnpm build`'s own when current, else made
 *   here the same way) keeps the backend contract's per-op rules, and
 *   compiles under strict settings with only
 *   lib es2022 (no esnext.disposable, no DOM, no @types/node), in a browser
 *   project (es2022 + dom), and beside @types/node and esnext (whose
 *   Symbol.dispose must merge with ours);
 * - data() is typed by dtype, registry entries are constructed without
 *   casts and Module is typed by its forward — checked with exact type
 *   equalities and `@ts-expect-error` lines, so loose types fail the check.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const bin = (name: string) => join(root, 'node_modules', '.bin', name);
let dir: string;
let dts: string;

/** True when core's dist/index.d.ts exists and is newer than every source file (CI builds before it tests). */
function builtDtsIsCurrent(core: string): boolean {
  const built = join(core, 'dist', 'index.d.ts');
  if (!existsSync(built)) return false;
  const src = join(core, 'src');
  const newest = Math.max(
    statSync(join(core, 'package.json')).mtimeMs,
    ...readdirSync(src, { recursive: true }).map((f) => statSync(join(src, String(f))).mtimeMs),
  );
  return statSync(built).mtimeMs > newest;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tensile-published-types-'));
  const pkg = join(dir, 'node_modules', '@tensile', 'core');
  const core = join(root, 'packages', 'core');
  // The .d.ts `pnpm build` made, when it is current (its tsup config is these flags); else bundled here, 20 s.
  if (builtDtsIsCurrent(core)) {
    mkdirSync(pkg, { recursive: true });
    copyFileSync(join(core, 'dist', 'index.d.ts'), join(pkg, 'index.d.ts'));
  } else {
    execFileSync(bin('tsup'), ['src/index.ts', '--dts-only', '--format', 'esm', '--no-config', '--target', 'es2022', '--out-dir', pkg], {
      cwd: core,
      stdio: 'pipe',
    });
  }
  writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: '@tensile/core', type: 'module', types: './index.d.ts' }));
  dts = readFileSync(join(pkg, 'index.d.ts'), 'utf8');
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Parsed and bound files shared by the compiles below, as an editor shares them between projects
 * (a file is parsed and bound the same whatever the lib and types): the libs, @types/node and core's
 * .d.ts are read once instead of once per compile. Each compile still type-checks everything itself.
 */
const sourceFiles = new Map<string, ts.SourceFile | undefined>();

/** Type-checks `files` in a fresh project folder with these compiler options (as `tsc -p` would); returns the errors ('' when clean). */
function tsc(name: string, options: Record<string, unknown>, files: Record<string, string>): string {
  const project = join(dir, name);
  mkdirSync(project, { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(join(project, file), text);
  const compilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: false,
    target: 'es2022',
    module: 'esnext',
    moduleResolution: 'bundler',
    typeRoots: [join(root, 'node_modules', '@types')],
    ...options,
  };
  const config = { compilerOptions, files: Object.keys(files) };
  writeFileSync(join(project, 'tsconfig.json'), JSON.stringify(config)); // to rerun by hand: tsc -p <project>
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, project);
  const host = ts.createCompilerHost(parsed.options);
  const read = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    if (fileName.startsWith(project)) return read(fileName, languageVersion, onError, shouldCreate);
    const key = `${fileName} ${JSON.stringify(languageVersion)}`;
    if (!sourceFiles.has(key)) sourceFiles.set(key, read(fileName, languageVersion, onError, shouldCreate));
    return sourceFiles.get(key);
  };
  const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options, host });
  return ts.formatDiagnostics([...parsed.errors, ...ts.getPreEmitDiagnostics(program)], host);
}

/** What a consumer of core alone writes. `Is` fails to compile unless the two types are identical. */
const coreConsumer = `
import * as t from '@tensile/core';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function is<A, B>(_proof: Equal<A, B>): void {}

export async function main(backend: t.Backend): Promise<number> {
  await t.setBackend(backend);
  await t.setBackend('cpu');
  const factory: t.BackendFactory = t.registry.get('backend', 'cpu');
  void factory;
  const x = t.tensor([[1, 2], [3, 4]], { requiresGrad: true });
  const f: Float32Array = await x.data();
  const labels = t.tensor([1, 0], { dtype: 'int32' });
  const i: Int32Array = await labels.data();
  const mask: Uint8Array = await x.gt(2).data();
  const arg: Int32Array = await x.argmax(1).data();
  const d: Float64Array = await x.cast('float64').data();
  const z: Int32Array = await t.zeros([2], { dtype: 'int32' }).data();
  const inferred = { int: await labels.data(), bool: await x.eq(1).data(), arg: x.argmin().dataSync(), any: await x.add(1).data() };
  is<typeof inferred.int, Int32Array>(true);
  is<typeof inferred.bool, Uint8Array>(true);
  is<typeof inferred.arg, Int32Array>(true);
  is<typeof inferred.any, Float32Array>(true);
  const functional = { eq: await t.eq(x, 1).data(), arg: await t.argmax(x).data(), int: await t.randint(0, 5, [2]).data() };
  is<typeof functional, { eq: Uint8Array; arg: Int32Array; int: Int32Array }>(true);
  x[Symbol.dispose]();
  try {
    t.tensor([1]).reshape([2]);
  } catch (err) {
    if (err instanceof t.ShapeError) return err.message.length;
    if (err instanceof t.OutOfMemoryError) return err.requestedBytes;
  }
  return f.length + i.length + mask.length + arg.length + d.length + z.length;
}
`;

describe("core's published .d.ts", () => {
  it('keeps the per-op rules of the backend contract as JSDoc', () => {
    for (const rule of [
      'halves round to even',
      'int32: truncating\n *   division toward zero',
      'the result has the sign of the divisor',
      '`maximum`, `minimum`: NaN propagates',
      '`eq`, `ne`, `lt`, `le`, `gt`, `ge`: -> bool',
      'max/min propagate NaN',
    ]) {
      expect(dts).toContain(rule);
    }
  });

  it('compiles with lib es2022 only: no esnext.disposable, no DOM, no @types/node', () => {
    expect(tsc('es2022-only', { lib: ['es2022'], types: [] }, { 'main.ts': coreConsumer })).toBe('');
  });

  it('compiles in a browser project (es2022 + dom)', () => {
    expect(tsc('browser', { lib: ['es2022', 'dom'], types: [] }, { 'main.ts': coreConsumer })).toBe('');
  });

  it('compiles in a Node project with esnext, whose Symbol.dispose and that of @types/node merge with ours', () => {
    const using = 'export async function scoped() {\n  using x = (await import("@tensile/core")).zeros([1]);\n  return x.size;\n}\n';
    expect(tsc('node-esnext', { lib: ['esnext'], types: ['node'] }, { 'main.ts': coreConsumer + using })).toBe('');
  });
});

it('registry entries are constructed without casts, and Module is typed by forward (from the sources)', () => {
  const paths: Record<string, string[]> = {};
  for (const name of ['core', 'layers', 'losses', 'optim']) paths[`@tensile/${name}`] = [join(root, 'packages', name, 'src', 'index.ts')];
  const consumer = `
import * as t from '@tensile/core';
import { Linear, Module, Sequential, registerLayers } from '@tensile/layers';
import { registerLosses } from '@tensile/losses';
import { registerOptimizers } from '@tensile/optim';

registerLayers();
registerLosses();
registerOptimizers();
const model: Module<[t.Tensor], t.Tensor> = new Sequential(new Linear(4, 2));
const y: t.Tensor = model.call(t.zeros([1, 4]));
const optimizer = t.registry.create('optimizer', 'SGD', model.parameters(), { lr: 0.1, momentum: 0.9 });
const scheduler = t.registry.get('scheduler', 'StepLR').create(optimizer, { stepSize: 10 });
const loss = t.registry.create('loss', 'MSELoss', { reduction: 'sum' });
const layer = t.registry.get('layer', 'Linear').create({ inFeatures: 4, outFeatures: 2 });
loss.forward(y, y);
scheduler.step();
void layer;
// @ts-expect-error a tensor-to-tensor model takes a tensor
model.call('x');
// @ts-expect-error optimizers take tensors
t.registry.create('optimizer', 'SGD', [1, 2], { lr: 0.1 });
`;
  // The sources need what the repository's own settings give them (DOM and Node types).
  const out = tsc('registry', { lib: ['es2022', 'dom'], types: ['node'], paths, skipLibCheck: true }, { 'main.ts': consumer });
  expect(out).toBe('');
}, 60_000);
