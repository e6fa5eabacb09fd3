#!/usr/bin/env node
/**
 * The `tensile` command's launcher. It runs the command (dist/cli.js) in a
 * child process and stays responsive itself, so Ctrl-C and SIGTERM always
 * work, even while the child is stuck in a kernel or a long batch:
 *
 * - the first SIGINT/SIGTERM/SIGHUP reaches the child once (a terminal's
 *   Ctrl-C reaches the whole process group; a `kill` of this process is
 *   passed on): it stops after the batch in progress, saves and exits
 *   130/143/129;
 * - a second one, or a child that has not acknowledged the first within
 *   TENSILE_STOP_GRACE_MS (default 10 s: it is stuck), ends it at once, as
 *   does one that acknowledged but has not finished within 6 times that;
 * - when the process that started us dies (pnpm killed by SIGTERM leaves us
 *   orphaned), the run is stopped the same way as by SIGTERM.
 *
 * Plain JavaScript, committed: it exists before any build, so package
 * managers can link the bin, and inside a checkout it builds the CLI first
 * when dist/ is missing (a fresh clone's `npx tensile`), with the quick build.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const built = join(here, '..', 'dist', 'cli.js');
// In a checkout, `pnpm train`/`pnpm tensile` (root scripts) make .quick/cli.js from the sources first (scripts/quick-build.mjs).
const quick = join(here, '..', '.quick', 'cli.js');
const ownScript = ['tensile', 'train'].includes(process.env.npm_lifecycle_event) && process.cwd() === join(here, '..', '..', '..');
const SIGNAL_CODES = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };
const grace = Number(process.env.TENSILE_STOP_GRACE_MS ?? 10_000);
/** A run that answered the signal has this many graces (60 s by default) to finish its batch and save. */
const SAVE_GRACE = 6;

/** In a checkout without a build: the quick build (scripts/quick-build.mjs, a second or two) makes .quick/cli.js from the sources. */
function buildInCheckout() {
  const script = join(here, '..', 'scripts', 'quick-build.mjs');
  if (!existsSync(script) || !existsSync(join(here, '..', 'src', 'cli.ts'))) {
    process.stderr.write(`tensile: ${built} is missing (the package was not built)\n`);
    process.exit(1);
  }
  const r = spawnSync(process.execPath, [script], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

// The root scripts run what they just built from the sources; otherwise the real build, or a quick one where there is none.
if (!ownScript && !existsSync(built) && !existsSync(quick)) buildInCheckout();
const cli = ownScript || !existsSync(built) ? quick : built;

const debug = Boolean(process.env.TENSILE_DEBUG);
// Run by `pnpm tensile …`/`pnpm train` (a root script, started in the repository root): paths on the
// command line are the user's, relative to where pnpm was started.
const cwd = ownScript && process.env.INIT_CWD ? process.env.INIT_CWD : process.cwd();
const child = spawn(process.execPath, [...process.execArgv, cli, ...process.argv.slice(2)], {
  cwd,
  stdio: ['inherit', 'inherit', debug ? 'inherit' : 'pipe', 'ipc'],
});
if (!debug) filterStderr(child.stderr);

/**
 * Passes the child's stderr on without the warnings Dawn (the webgpu
 * package) prints from native code when it finds no GPU driver
 * ("Warning: vkCreateInstance…" and a C++ source location from its build
 * machine): our own one-line message says what to do. TENSILE_DEBUG=1 keeps them.
 */
function filterStderr(stream) {
  let pending = '';
  let dropping = false;
  const pass = (line) => {
    const dawn = /^Warning: /.test(line) || /^\s+at \S+ \(.*dawn.*:\d+\)$/.test(line);
    if (dawn || (dropping && line === '')) {
      dropping = true;
      return;
    }
    dropping = false;
    process.stderr.write(`${line}\n`);
  };
  stream.setEncoding('utf8');
  stream.on('data', (chunk) => {
    const lines = (pending + chunk).split('\n');
    pending = lines.pop();
    for (const line of lines) pass(line);
  });
  stream.on('end', () => {
    if (pending) process.stderr.write(pending);
  });
}

let signals = 0;
let acknowledged = false;
let exitCode = null;
let killTimer = null;

/** Ends the child now (SIGKILL) and exits with the signal's code. */
function killNow(signal, why) {
  if (why) process.stderr.write(`\ntensile: ${why}; stopped it without saving\n`);
  child.kill('SIGKILL');
  process.exit(128 + SIGNAL_CODES[signal]);
}

/** The same signal twice within this time is one request: pnpm passes on the SIGTERM that also reached us through the process group. */
const DUPLICATE_MS = 300;
let last = { signal: '', at: 0 };

function onSignal(signal) {
  if (signal === last.signal && Date.now() - last.at < DUPLICATE_MS) return;
  last = { signal, at: Date.now() };
  signals++;
  if (signals > 1) killNow(signal);
  exitCode = 128 + SIGNAL_CODES[signal];
  // IPC, not a signal: the child may already have the terminal's own SIGINT, and must count it once.
  if (child.connected) child.send({ type: 'stop', signal });
  if (grace > 0) {
    killTimer = setTimeout(() => {
      if (!acknowledged) killNow(signal, `the run did not respond to ${signal} within ${grace / 1000} s`);
      // It answered: the batch in progress and the checkpoint get longer, but not for ever.
      killTimer = setTimeout(
        () => killNow(signal, `the run did not finish saving within ${(SAVE_GRACE * grace) / 1000} s of ${signal}`),
        (SAVE_GRACE - 1) * grace,
      );
    }, grace);
  }
}

for (const signal of Object.keys(SIGNAL_CODES)) process.on(signal, () => onSignal(signal));

child.on('message', (message) => {
  if (message && message.type === 'stopping') acknowledged = true;
});

// Orphaned (the launcher, e.g. pnpm, was killed and the signal never reached us): stop like SIGTERM.
const parent = process.ppid;
const orphanCheck = setInterval(() => {
  if (process.ppid !== parent && signals === 0) onSignal('SIGTERM');
}, 1000);
orphanCheck.unref();

// 'close', not 'exit': stderr has been passed on in full by then.
child.on('close', (code, signal) => {
  clearTimeout(killTimer);
  if (code !== null) process.exit(code);
  process.exit(exitCode ?? 128 + (SIGNAL_CODES[signal] ?? 9));
});
