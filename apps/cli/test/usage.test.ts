import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, tensile } from './run.js';

// Careless input gets one line that names the flag or setting; nothing is trained, written or overwritten.
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const TINY = ['--limit', '200', '--test-limit', '50', '--epochs', '1', '--quiet'];

/** The whole of stderr is one `tensile:` line (and optionally a hint line). */
function oneLine(stderr: string, hint = false): string {
  const lines = stderr.trimEnd().split('\n');
  expect(lines, stderr).toHaveLength(hint ? 2 : 1);
  expect(lines[0]).toMatch(/^tensile: /);
  return lines[0];
}

let dir: string;
beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing`);
  dir = mkdtempSync(join(tmpdir(), 'tensile-cli-usage-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('tensile: usage errors', () => {
  it('a bad flag prints one line and where the options are listed, not the whole help', () => {
    const r = tensile(['train', '--epoch', '3'], dir);
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr, true)).toBe("tensile: unknown option '--epoch' (did you mean --epochs?)");
    expect(r.stderr).toContain('(tensile train --help lists its options)');
    expect(oneLine(tensile(['train', '--epochs', 'three'], dir).stderr, true)).toContain("--epochs <n>' argument 'three' is invalid");
  });

  it('epochs: 0 is refused, not reported as written', () => {
    expect(oneLine(tensile(['train', '--epochs', '0', '--out', 'zero'], dir).stderr, true)).toMatch(/expected an integer ≥ 1, got '0'/);
    writeFileSync(join(dir, 'zero.yaml'), 'epochs: 0\ndata: moons\nmodel: [{ Linear: { inFeatures: 2, outFeatures: 2 } }]\n');
    expect(oneLine(tensile(['train', 'zero.yaml', '--out', 'zero'], dir).stderr)).toMatch(
      /zero\.yaml: epochs: must be an integer ≥ 1, got 0/,
    );
    expect(existsSync(join(dir, 'zero'))).toBe(false);
  });

  it('unknown keys inside optimizer, loss and data are refused by name', () => {
    const base = ['data: { name: moons, train: { n: 100 }, test: { n: 20 } }', 'model: [{ Linear: { inFeatures: 2, outFeatures: 2 } }]'];
    const cases: [string, RegExp][] = [
      [
        'optimizer: { name: SGD, lr: 0.1, momentun: 0.9 }',
        /optimizer: SGD has no option 'momentun' \(known: dampening, lr, maximize, momentum, nesterov, weightDecay\)/,
      ],
      [
        'loss: { CrossEntropyLoss: { labelSmothing: 0.1 } }',
        /loss: CrossEntropyLoss has no option 'labelSmothing' \(known: ignoreIndex, labelSmoothing, reduction, weight\)/,
      ],
      ['data: { name: moons, train: { n: 100, nosie: 0.2 } }', /dataset 'moons': unknown config key 'nosie'/],
      ['data: { name: moons, validaton: 0.2 }', /data\.validaton: unknown setting/],
    ];
    for (const [line, message] of cases) {
      const lines = line.startsWith('data:') ? [line, base[1]] : [...base, line];
      writeFileSync(join(dir, 'typo.yaml'), `${lines.join('\n')}\n`);
      const r = tensile(['train', 'typo.yaml', '--out', 'typo', '--force'], dir);
      expect(r.code, line).toBe(1);
      expect(oneLine(r.stderr), line).toMatch(message);
    }
  });

  it('--out is checked before anything runs, in one line naming --out', () => {
    writeFileSync(join(dir, 'a-file'), '');
    const cases: [string, RegExp][] = [
      ['/proc/x', /^tensile: --out \/proc\/x: \/proc is not a place for files/],
      ['/sys/x', /^tensile: --out \/sys\/x: \/sys is not a place for files/],
      [join(dir, 'a-file'), /^tensile: --out .*a-file: is a file, not a folder/],
      [join(dir, 'a-file', 'run'), /^tensile: --out .*a-file\/run: cannot write there: a part of the path is a file/],
    ];
    for (const [out, message] of cases) {
      const started = Date.now();
      const r = tensile(['train', ...TINY, '--out', out], dir);
      expect(r.code, out).toBe(1);
      expect(oneLine(r.stderr), out).toMatch(message);
      expect(Date.now() - started, out).toBeLessThan(15_000); // refused up front (it used to hang for minutes on /proc)
    }
  });

  // A read-only mount, made in a private mount namespace (root only; skipped where unshare is not allowed).
  const canMount = spawnSync('unshare', ['-m', 'sh', '-c', `mount -t tmpfs -o ro tmpfs ${tmpdir()}`], { encoding: 'utf8' }).status === 0;
  it.skipIf(!canMount)('--out on a read-only file system is named as such', () => {
    const ro = join(dir, 'ro');
    mkdirSync(ro);
    const r = spawnSync(
      'unshare',
      [
        '-m',
        'sh',
        '-c',
        `mount -t tmpfs -o ro tmpfs ${ro} && exec "$0" "$@"`,
        process.execPath,
        CLI,
        'train',
        ...TINY,
        '--out',
        join(ro, 'run'),
      ],
      { cwd: dir, encoding: 'utf8' },
    );
    expect(r.status).toBe(1);
    expect(oneLine(r.stderr)).toMatch(/^tensile: --out .*ro\/run: cannot write there: the file system is read-only$/);
  });

  it('refuses to overwrite an existing run unless --resume or --force; --force leaves no file of the old run', () => {
    const first = tensile(['train', ...TINY, '--grad-stats', '--out', 'run'], dir);
    expect(first.code).toBe(0);
    expect(existsSync(join(dir, 'run', 'gradients.svg'))).toBe(true);
    const again = tensile(['train', ...TINY, '--backend', 'cpu', '--out', 'run'], dir);
    expect(again.code).toBe(1);
    expect(oneLine(again.stderr)).toMatch(
      /--out run already holds a run \(.*config\.json\): add --resume to continue it, --force to replace it, or choose another --out/,
    );
    const forced = tensile(['train', ...TINY.filter((a) => a !== '--quiet'), '--backend', 'cpu', '--force', '--out', 'run'], dir);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toMatch(/^training on cpu: 180 samples \+ 20 held out for validation, 3 batches\/epoch, 1 epoch, /m); // "1 epoch", singular
    expect(existsSync(join(dir, 'run', 'gradients.svg'))).toBe(false); // the old run's plot went with it
    expect(JSON.parse(readFileSync(join(dir, 'run', 'config.json'), 'utf8')).backend).toBe('cpu');
  });

  it('--resume of a finished run says there is nothing to train and leaves metrics.jsonl alone', () => {
    const before = readFileSync(join(dir, 'run', 'metrics.jsonl'), 'utf8');
    const r = tensile(['train', '--resume', '--out', 'run'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/run has finished 1 epoch already: nothing to train \(pass --epochs 2 or more/);
    expect(readFileSync(join(dir, 'run', 'metrics.jsonl'), 'utf8')).toBe(before);
  });
});

describe('tensile: the command from a clone', () => {
  it("`npx tensile` runs the checkout's command (the root package.json bin)", () => {
    const r = spawnSync('npx', ['--offline', 'tensile', '--version'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.stdout.trim()).toBe('0.1.0');
    expect(r.status).toBe(0);
  });

  it('bench runs without a global pnpm and passes --help to the benchmark runner', () => {
    const env = { ...process.env, PATH: '/nonexistent' }; // no pnpm, no npx: only this Node
    const r = tensile(['bench', '--help'], ROOT, env);
    expect(r.stdout + r.stderr).toMatch(/--cases/); // the runner's own usage, not the wrapper's
    expect(r.stdout + r.stderr).not.toMatch(/ENOENT|spawn pnpm/);
  });
});

describe('pnpm install of a fresh clone prints no warnings', () => {
  it('every bin of a workspace package is a committed file (pnpm links it before any build)', () => {
    const listed = spawnSync('git', ['ls-files', '*package.json'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim().split('\n');
    const tracked = new Set(spawnSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim().split('\n'));
    const bins = listed.flatMap((manifest) => {
      const bin = JSON.parse(readFileSync(join(ROOT, manifest), 'utf8')).bin ?? {};
      const base = manifest.slice(0, -'package.json'.length);
      return Object.values(typeof bin === 'string' ? { bin } : bin).map((b) => join(base, b as string).replace(/^\.\//, ''));
    });
    expect(bins).toContain('apps/cli/bin/tensile.js');
    for (const b of bins) expect(tracked.has(b), b).toBe(true);
  });

  it('every installed dependency with an install script is allowed or ignored by name', () => {
    const pnpmConfig = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).pnpm ?? {};
    const decided = new Set([...(pnpmConfig.onlyBuiltDependencies ?? []), ...(pnpmConfig.ignoredBuiltDependencies ?? [])]);
    const store = join(ROOT, 'node_modules/.pnpm');
    const withScripts: string[] = [];
    for (const entry of readdirSync(store)) {
      const modules = join(store, entry, 'node_modules');
      if (!existsSync(modules)) continue;
      for (const scope of readdirSync(modules)) {
        const names = scope.startsWith('@') ? readdirSync(join(modules, scope)).map((n) => `${scope}/${n}`) : [scope];
        for (const name of names) {
          const manifest = join(modules, name, 'package.json');
          if (!existsSync(manifest) || !entry.startsWith(name.replace('/', '+'))) continue;
          const scripts = JSON.parse(readFileSync(manifest, 'utf8')).scripts ?? {};
          if (scripts.preinstall || scripts.install || scripts.postinstall) withScripts.push(name);
        }
      }
    }
    expect(withScripts).toContain('webgpu');
    for (const name of withScripts)
      expect(decided.has(name), `${name} has an install script; list it in pnpm.onlyBuiltDependencies or ignoredBuiltDependencies`).toBe(
        true,
      );
  });
});
