/** Runs the command as users do (bin/tensile.js, the launcher, then dist/cli.js), for the end-to-end tests. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Needs `pnpm --filter @tensile/cli... build` first; TENSILE_CLI points the tests at another build of the command. */
export const CLI = process.env.TENSILE_CLI ?? fileURLToPath(new URL('../bin/tensile.js', import.meta.url));

/** Runs `tensile <args>` in `cwd` to completion. */
export function tensile(args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The tensors of a safetensors file (header without metadata, then the raw data): what "same weights" means. */
export function weights(path: string): Buffer {
  const bytes = readFileSync(path);
  const n = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + n).toString('utf8')) as Record<string, unknown>;
  delete header.__metadata__;
  return Buffer.concat([Buffer.from(JSON.stringify(header)), bytes.subarray(8 + n)]);
}
