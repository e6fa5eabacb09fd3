import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ConfigError } from '../config.js';

/** The Tensile checkout above `from` whose apps/bench exists, or null. */
function findRepository(from: string): string | null {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml')) && existsSync(join(dir, 'apps/bench/package.json'))) return dir;
    if (dirname(dir) === dir) return null;
  }
}

/**
 * `tensile bench [args…]`: runs the repository's benchmarks (apps/bench,
 * beside TensorFlow.js and PyTorch) with pnpm; the arguments go to it as they are.
 */
export async function bench(args: readonly string[]): Promise<number> {
  const root = findRepository(process.cwd()) ?? findRepository(dirname(new URL(import.meta.url).pathname));
  if (!root) throw new ConfigError('bench: apps/bench was not found; run `tensile bench` inside a Tensile checkout (the benchmarks are not published)');
  const child = spawn('pnpm', ['--filter', '@tensile/bench', 'bench', ...args], { cwd: root, stdio: 'inherit' });
  return new Promise((resolve, reject) => {
    child.on('error', (err) => reject(new ConfigError(`bench: could not run pnpm: ${err.message}`)));
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 130 : 1)));
  });
}
