import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
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
 * beside TensorFlow.js and PyTorch); the arguments, `--help` included, go to
 * the runner as they are. It is started with this Node and the bench's own
 * tsx, so no global pnpm is needed.
 */
export async function bench(args: readonly string[]): Promise<number> {
  const root = findRepository(process.cwd()) ?? findRepository(dirname(fileURLToPath(import.meta.url)));
  if (!root)
    throw new ConfigError(
      'bench: apps/bench was not found; run `tensile bench` inside a Tensile checkout (the benchmarks are not published)',
    );
  const dir = join(root, 'apps/bench');
  const tsx = join(dir, 'node_modules/tsx/dist/cli.mjs');
  if (!existsSync(tsx)) throw new ConfigError(`bench: ${tsx} is missing; run \`npx -y pnpm@10.34.9 install\` in ${root} first`);
  const child = spawn(process.execPath, [tsx, '--tsconfig', 'tsconfig.json', 'src/main.ts', ...args], { cwd: dir, stdio: 'inherit' });
  return new Promise((resolve, reject) => {
    child.on('error', (err) => reject(new ConfigError(`bench: could not start the runner: ${err.message}`)));
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 130 : 1)));
  });
}
