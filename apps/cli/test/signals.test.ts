import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI } from './run.js';

// Ctrl-C and SIGTERM as a terminal or a process manager sends them: to the whole process group.
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const TRAIN = ['train', '--epochs', '50', '--limit', '3000', '--test-limit', '100', '--log-every', '1', '--batch-size', '16'];

let dir: string;
beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing`);
  dir = mkdtempSync(join(tmpdir(), 'tensile-cli-signals-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  child: ChildProcess;
  output: () => string;
  /** Resolves when the output matches. */
  waitFor: (pattern: RegExp) => Promise<void>;
  exit: Promise<number | null>;
}

/** Starts a command in a process group of its own (as a shell starts a job), so a test can signal the group. */
function start(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Run {
  const child = spawn(command, args, { cwd: dir, detached: true, env: { ...process.env, ...env } });
  let out = '';
  const waiters: { pattern: RegExp; resolve: () => void }[] = [];
  const onData = (chunk: Buffer) => {
    out += chunk.toString();
    for (const w of waiters) if (w.pattern.test(out)) w.resolve();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    output: () => out,
    waitFor: (pattern) => new Promise((resolve) => (pattern.test(out) ? resolve() : waiters.push({ pattern, resolve }))),
    exit,
  };
}

/** Whether any process of the group is still alive (zombies of an exited group count as gone). */
function groupAlive(pgid: number): boolean {
  const ps = spawnSync('ps', ['-o', 'stat=', '-g', String(pgid)], { encoding: 'utf8' });
  return ps.stdout.split('\n').some((stat) => stat.trim() !== '' && !stat.trim().startsWith('Z'));
}

async function groupGone(pgid: number, ms = 20_000): Promise<boolean> {
  for (const until = Date.now() + ms; Date.now() < until; await new Promise((r) => setTimeout(r, 100))) {
    if (!groupAlive(pgid)) return true;
  }
  return false;
}

describe('signals', () => {
  for (const [signal, code] of [
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const) {
    it(`${signal} to the process group stops after the batch, saves and exits ${code}; nothing is left behind`, async () => {
      const run = start(process.execPath, [CLI, ...TRAIN, '--out', signal]);
      await run.waitFor(/batch \d+\/\d+/);
      process.kill(-run.child.pid!, signal);
      expect(await run.exit).toBe(code);
      expect(run.output()).toContain('interrupted: saved');
      expect(existsSync(join(dir, signal, 'checkpoint-last.safetensors'))).toBe(true);
      expect(await groupGone(run.child.pid!)).toBe(true);
    });
  }

  it('a stuck run still stops on SIGTERM (the launcher ends it when it does not answer), and a second Ctrl-C quits at once', async () => {
    // The child blocks its event loop for good after the second batch, as a deadlocked thread pool did.
    const stuck = { TENSILE_TEST_DIE_AT: 'hang-after-batch:2', TENSILE_STOP_GRACE_MS: '1500' };
    const run = start(process.execPath, [CLI, ...TRAIN, '--out', 'stuck'], stuck);
    await run.waitFor(/batch 1\/\d+/);
    await new Promise((r) => setTimeout(r, 300));
    process.kill(-run.child.pid!, 'SIGTERM');
    expect(await run.exit).toBe(143);
    expect(run.output()).toMatch(/did not respond to SIGTERM within 1\.5 s; stopped it without saving/);
    expect(await groupGone(run.child.pid!)).toBe(true);

    const again = start(process.execPath, [CLI, ...TRAIN, '--out', 'stuck2'], { ...stuck, TENSILE_STOP_GRACE_MS: '600000' });
    await again.waitFor(/batch 1\/\d+/);
    await new Promise((r) => setTimeout(r, 300));
    process.kill(-again.child.pid!, 'SIGINT');
    await new Promise((r) => setTimeout(r, 500)); // two presses (one signal passed on twice, within 300 ms, counts once)
    process.kill(-again.child.pid!, 'SIGINT');
    expect(await again.exit).toBe(130);
    expect(await groupGone(again.child.pid!)).toBe(true);
  });

  const pnpm = spawnSync('pnpm', ['--version'], { encoding: 'utf8' }).status === 0;
  it.skipIf(!pnpm)(
    'through `pnpm tensile`: SIGTERM to pnpm alone (or the group) still stops and saves the run, leaving no orphan',
    async () => {
      for (const target of ['pnpm', 'group'] as const) {
        const out = join(dir, `pnpm-${target}`);
        const run = start('pnpm', ['--dir', ROOT, '--silent', 'tensile', ...TRAIN, '--out', out]);
        await run.waitFor(/batch \d+\/\d+/);
        process.kill(target === 'pnpm' ? run.child.pid! : -run.child.pid!, 'SIGTERM');
        await run.exit;
        // pnpm itself exits at once; the training process must notice (signal, or its parent gone), save and end.
        expect(await groupGone(run.child.pid!), target).toBe(true);
        expect(existsSync(join(out, 'checkpoint-last.safetensors')), target).toBe(true);
      }
    },
  );
});

/** What a terminal shows after this output: carriage returns, line clears and cursor moves applied. */
function screen(output: string): string[] {
  const lines: string[][] = [[]];
  let col = 0;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ESC (\x1b) starts the terminal sequences this parses
  const tokens = output.match(/\x1b\[[0-9;?]*[A-Za-z]|\x1b[78]|\r|\n|[^\x1b\r\n]/gu) ?? [];
  let saved = 0;
  for (const token of tokens) {
    const line = lines[lines.length - 1];
    if (token === '\x1b7') saved = col;
    else if (token === '\x1b8') col = saved;
    else if (token === '\r') col = 0;
    else if (token === '\n') {
      lines.push([]);
      col = 0;
    } else if (token.startsWith('\x1b[')) {
      // biome-ignore lint/suspicious/noControlCharactersInRegex: ESC (\x1b) starts the terminal sequences this parses
      const [, arg, op] = /^\x1b\[([0-9;?]*)([A-Za-z])$/.exec(token)!;
      if (op === 'K') line.splice(arg === '2' ? 0 : col);
      if (op === 'K' && arg === '2') line.length = 0;
      if (op === 'G') col = Math.max(0, Number(arg || 1) - 1);
    } else {
      line[col++] = token;
    }
  }
  return lines.map((l) => Array.from(l, (c) => c ?? ' ').join(''));
}

const hasScript = spawnSync('script', ['--version']).status === 0;
describe.skipIf(!hasScript)('on a terminal', () => {
  it('Ctrl-C mid-epoch leaves no progress-bar fragments, only our lines', async () => {
    // `script` runs the command on a pseudo-terminal; writing ^C to it is what pressing Ctrl-C does.
    const command = `exec ${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} train --limit 20000 --epochs 3 --test-limit 100 --out tty`;
    const run = start('script', ['-qfec', command, '/dev/null']);
    await run.waitFor(/░.*\d+%/);
    run.child.stdin!.write('\x03');
    expect(await run.exit).toBe(130);
    const shown = screen(run.output()).filter((l) => l.trim() !== '');
    expect(
      shown.some((l) => /[█░]/.test(l)),
      shown.join('\n'),
    ).toBe(false);
    expect(shown.at(-2)).toMatch(/^(\^C)?Ctrl-C: stopping after this batch/); // ^C: the terminal's own echo
    expect(shown.at(-1)).toMatch(/^interrupted: saved tty\/checkpoint-last\.safetensors \(in epoch \d, after batch \d+, step \d+\)/);
  });
});
