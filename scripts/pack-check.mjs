#!/usr/bin/env node
/**
 * The packaging check (CI runs it after the build): every published package
 * is packed with `pnpm pack` as it would be published; the tarballs' manifests
 * are checked (no workspace: ranges, caret ranges between our packages, LICENSE
 * and README inside, no file shipped twice); a subset is installed with npm
 * into a fresh project in the OS temp dir, outside the workspace, where a
 * small training script runs from ESM (import) and CommonJS (require) and must
 * make the loss fall, with one copy of @tensile/core installed; after a user
 * installs a core of another minor version, npm nests a second copy under our
 * packages and training still works across the two copies. Prints the
 * tarball, install and bundle sizes. Exit code 1 on any failure.
 *
 *   node scripts/pack-check.mjs [--keep]     (after `pnpm build`)
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Installed into the fresh project: what a user training a small model picks. */
const SUBSET = ['core', 'backend-cpu', 'backend-wasm', 'layers', 'losses', 'optim'];
const keep = process.argv.includes('--keep');
const failures = [];
const check = (ok, message) => {
  if (!ok) failures.push(message);
};
const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

function dirBytes(path) {
  const s = statSync(path);
  if (!s.isDirectory()) return s.size;
  return readdirSync(path).reduce((sum, name) => sum + dirBytes(join(path, name)), 0);
}

/** The published libraries, and the `tensile` command (packed and checked, not installed). */
const packages = [
  ...readdirSync(join(ROOT, 'packages')).map((dir) => ({ dir, path: join(ROOT, 'packages', dir) })),
  { dir: 'cli', path: join(ROOT, 'apps', 'cli') },
]
  .filter((p) => existsSync(join(p.path, 'package.json')))
  .map((p) => ({ ...p, manifest: JSON.parse(readFileSync(join(p.path, 'package.json'), 'utf8')) }))
  .filter((p) => !p.manifest.private);
/** What each package must ship besides package.json: its entry points (or its command). */
const entryFiles = (manifest) =>
  manifest.bin ? Object.values(manifest.bin).map((f) => f.replace(/^\.\//, '')) : ['dist/index.js', 'dist/index.d.ts'];
const missing = packages.filter((p) => !existsSync(join(p.path, entryFiles(p.manifest)[0])));
if (missing.length > 0) {
  console.error(`pack-check: not built: ${missing.map((p) => p.manifest.name).join(', ')} (run \`pnpm build\` first)`);
  process.exit(1);
}

const work = mkdtempSync(join(tmpdir(), 'tensile-pack-'));
const tarballs = join(work, 'tarballs');
mkdirSync(tarballs);
const started = Date.now();

// 1. Pack, as `pnpm publish` would, and look inside each tarball.
const packed = {};
for (const p of packages) {
  const before = new Set(readdirSync(tarballs));
  run('pnpm', ['pack', '--pack-destination', tarballs], p.path);
  const file = readdirSync(tarballs).find((f) => !before.has(f));
  packed[p.dir] = join(tarballs, file);
  const listing = run('tar', ['-tzf', packed[p.dir]], work).split('\n').filter(Boolean);
  const manifest = JSON.parse(run('tar', ['-xzOf', packed[p.dir], 'package/package.json'], work));
  const name = manifest.name;
  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
    for (const [dep, range] of Object.entries(manifest[field] ?? {})) {
      check(!range.startsWith('workspace:'), `${name}: ${field}.${dep} ships "${range}"`);
      if (dep.startsWith('@tensile/')) check(/^\^\d/.test(range), `${name}: ${field}.${dep} is "${range}", not a caret range`);
    }
  }
  for (const f of ['LICENSE', 'README.md', ...entryFiles(manifest)]) {
    check(listing.includes(`package/${f}`), `${name}: the tarball has no ${f}`);
  }
  check(!listing.some((f) => f.startsWith('package/fixtures/')), `${name}: ships fixtures/ (already inlined in dist)`);
  check(!listing.some((f) => /^package\/(src|test)\//.test(f)), `${name}: ships src/ or test/`);
  check(manifest.engines?.node === '>=20.19', `${name}: engines.node is ${manifest.engines?.node}`);
  if (manifest.exports)
    check(manifest.exports['.']?.default !== undefined, `${name}: exports has no "default" condition (require() fails)`);
  // The native addon is compiled at install from what the tarball ships (installing it here is left out:
  // compiling takes a minute or two and its own tests install-build it); check that all of it is there.
  if (manifest.scripts?.install) {
    const sources = readdirSync(join(p.path, 'csrc')).map((f) => `package/csrc/${f}`);
    for (const f of [
      ...sources,
      ...manifest.scripts.install
        .split(' ')
        .filter((w) => w.endsWith('.mjs'))
        .map((w) => `package/${w}`),
    ]) {
      check(listing.includes(f), `${name}: the tarball has no ${f.slice('package/'.length)}, which its install script builds from`);
    }
  }
  p.tarballBytes = statSync(packed[p.dir]).size;
}

// 2. A fresh npm project outside the workspace; third-party packages come from the registry.
const app = join(work, 'app');
mkdirSync(app);
writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'fresh-app', private: true, type: 'module' }, null, 2));
run('npm', ['install', '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund', ...SUBSET.map((d) => packed[d])], app);

/** Every installed copy of @tensile/core (node_modules/@tensile/core at any depth). */
function findCores(dir = join(app, 'node_modules'), found = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const path = join(dir, entry.name);
    if (entry.name === 'core' && dir.endsWith(join('node_modules', '@tensile'))) found.push(path);
    findCores(path, found);
  }
  return found;
}
const cores = findCores();
check(cores.length === 1, `expected one @tensile/core in node_modules, found ${cores.length}: ${cores.join(', ')}`);

// 3. Train from ESM and from CommonJS.
const body = (imports) => `${imports}
  await t.setBackend(cpu());
  t.manualSeed(0);
  const x = t.randn([64, 4]);
  const y = x.matmul(t.tensor([[1], [-2], [0.5], [3]])).add(0.1);
  const model = new Sequential(new Linear(4, 16), new ReLU(), new Linear(16, 1));
  const optimizer = new SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
  const lossFn = new MSELoss();
  const losses = [];
  for (let step = 0; step < 60; step++) {
    const loss = lossFn.forward(model.call(x), y);
    optimizer.zeroGrad();
    loss.backward();
    optimizer.step();
    losses.push(await loss.item());
    loss.dispose();
  }
  console.log(JSON.stringify({ first: losses[0], last: losses.at(-1) }));
`;
writeFileSync(
  join(app, 'train.mjs'),
  body(`import * as t from '@tensile/core';
import { cpu } from '@tensile/backend-cpu';
import { Sequential, Linear, ReLU } from '@tensile/layers';
import { MSELoss } from '@tensile/losses';
import { SGD } from '@tensile/optim';
`),
);
writeFileSync(
  join(app, 'train.cjs'),
  `(async () => {\n${body(`const t = require('@tensile/core');
const { cpu } = require('@tensile/backend-cpu');
const { Sequential, Linear, ReLU } = require('@tensile/layers');
const { MSELoss } = require('@tensile/losses');
const { SGD } = require('@tensile/optim');
`)}})().catch((err) => { console.error(err); process.exit(1); });\n`,
);
// The wasm backend loads its .wasm files from the installed package (threads: workers too).
writeFileSync(
  join(app, 'train-wasm.mjs'),
  readFileSync(join(app, 'train.mjs'), 'utf8')
    .replace("import { cpu } from '@tensile/backend-cpu';", "import { wasm } from '@tensile/backend-wasm';")
    .replace('await t.setBackend(cpu());', 'await t.setBackend(await wasm({ threads: 2 }));'),
);
const trained = {};
for (const script of ['train.mjs', 'train.cjs', 'train-wasm.mjs']) {
  try {
    const out = JSON.parse(run(process.execPath, [script], app).trim().split('\n').at(-1));
    trained[script] = out;
    check(Number.isFinite(out.last) && out.last < out.first / 10, `${script}: loss ${out.first} -> ${out.last} did not fall tenfold`);
  } catch (err) {
    check(
      false,
      `${script} failed: ${String(err.stderr || err.message)
        .trim()
        .split('\n')
        .slice(0, 6)
        .join('\n')}`,
    );
  }
}

// 4. A version skew (a user's `npm install @tensile/core@0.2` beside our packages' ^0.1.0)
// makes npm nest a second copy of core under them. Lay out that tree by hand (the registry has
// no @tensile packages to resolve from here): every package but core gets its own nested copy.
// Tensors, errors and the engine are recognised across copies (a global brand), so the training
// script must still train.
for (const d of SUBSET.filter((d) => d !== 'core')) {
  const nested = join(app, 'node_modules', '@tensile', d, 'node_modules', '@tensile');
  mkdirSync(nested, { recursive: true });
  cpSync(join(app, 'node_modules', '@tensile', 'core'), join(nested, 'core'), { recursive: true });
}
const skewedCores = findCores();
check(
  skewedCores.length === SUBSET.length,
  `with a skewed core, expected nested copies of @tensile/core, found ${skewedCores.length}: ${skewedCores.join(', ')}`,
);
try {
  const out = JSON.parse(run(process.execPath, ['train.mjs'], app).trim().split('\n').at(-1));
  trained['train.mjs (two copies of core)'] = out;
  check(
    Number.isFinite(out.last) && out.last < out.first / 10,
    `two copies of core: loss ${out.first} -> ${out.last} did not fall tenfold`,
  );
} catch (err) {
  check(
    false,
    `train.mjs with two copies of core failed: ${String(err.stderr || err.message)
      .trim()
      .split('\n')
      .slice(0, 6)
      .join('\n')}`,
  );
}

// 5. Sizes: per package (dist as built, tarball, installed) and a typical training script bundled for browsers.
let bundleBytes;
try {
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [join(app, 'train.mjs')],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
  });
  bundleBytes = result.outputFiles[0].contents.byteLength;
} catch (err) {
  check(false, `esbuild could not bundle train.mjs for the browser: ${err.message.split('\n')[0]}`);
}

console.log('package                      entry (.js)    dist (all)   tarball  installed');
for (const p of packages) {
  const installed = join(app, 'node_modules', p.manifest.name);
  console.log(
    [
      p.manifest.name.padEnd(28),
      kb(statSync(join(p.path, entryFiles(p.manifest)[0])).size).padStart(13),
      kb(dirBytes(join(p.path, 'dist'))).padStart(11),
      kb(p.tarballBytes).padStart(9),
      (existsSync(installed) ? kb(dirBytes(installed)) : '-').padStart(10),
    ].join(' '),
  );
}
const installedTensile = SUBSET.reduce((sum, d) => sum + dirBytes(join(app, 'node_modules', '@tensile', d)), 0);
console.log(
  `installed ${SUBSET.join(' + ')}: node_modules/@tensile ${kb(installedTensile)}, node_modules ${kb(dirBytes(join(app, 'node_modules')))}`,
);
if (bundleBytes !== undefined) console.log(`training script (train.mjs) bundled by esbuild, minified, for browsers: ${kb(bundleBytes)}`);
for (const [script, out] of Object.entries(trained)) console.log(`${script}: loss ${out.first.toFixed(4)} -> ${out.last.toFixed(6)}`);
console.log(
  `copies of @tensile/core installed: ${cores.length}; with nested copies (a skew): ${skewedCores.length}; took ${((Date.now() - started) / 1000).toFixed(1)} s`,
);

if (keep) console.log(`kept ${work}`);
else rmSync(work, { recursive: true, force: true });
if (failures.length > 0) {
  console.error(`\npack-check: ${failures.length} problem(s):\n- ${failures.join('\n- ')}`);
  process.exit(1);
}
console.log('pack-check: ok');
