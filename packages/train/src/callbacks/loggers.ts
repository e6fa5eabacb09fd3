import * as t from '@tensile/core';
import type { Logs } from '../types.js';
import type { FitContext } from '../fit-context.js';
import type { Callback } from './callback.js';

/**
 * Node's modules, imported through a variable specifier (as @tensile/io and
 * @tensile/data do) so browser bundlers neither try to resolve `node:` imports
 * (esbuild fails on them for the browser) nor ship them.
 */
function importNode<T>(specifier: string): Promise<T> {
  return import(/* webpackIgnore: true */ /* @vite-ignore */ specifier) as Promise<T>;
}

/** Appends a line to a file, creating its folder. Node only: the loggers write files. */
async function appendLine(who: string, path: string, line: string, truncate: boolean): Promise<void> {
  let fs: typeof import('node:fs/promises');
  let dirname: typeof import('node:path')['dirname'];
  try {
    fs = await importNode<typeof import('node:fs/promises')>('node:fs/promises');
    ({ dirname } = await importNode<typeof import('node:path')>('node:path'));
  } catch (err) {
    throw new t.TensileError(`${who}: cannot write '${path}': it writes files with Node's fs, which this runtime lacks (${String(err)})`);
  }
  await fs.mkdir(dirname(path), { recursive: true });
  if (truncate) await fs.writeFile(path, line);
  else await fs.appendFile(path, line);
}

/** Writes one JSON object per epoch (and, optionally, per step) to a .jsonl file. */
export class JsonlLogger implements Callback {
  private first = true;
  constructor(
    private readonly path: string,
    private readonly options: { everySteps?: number; append?: boolean; extra?: (ctx: FitContext) => Logs | Promise<Logs> } = {},
  ) {}

  private async write(record: Record<string, unknown>): Promise<void> {
    await appendLine('JsonlLogger', this.path, `${JSON.stringify(record)}\n`, this.first && !this.options.append);
    this.first = false;
  }

  async onBatchEnd(ctx: FitContext, step: number, logs: Logs): Promise<void> {
    const every = this.options.everySteps ?? 0;
    if (every > 0 && step % every === 0) await this.write({ type: 'step', epoch: ctx.epoch, step, ...logs });
  }

  async onEpochEnd(ctx: FitContext, epoch: number, logs: Logs): Promise<void> {
    const extra = this.options.extra ? await this.options.extra(ctx) : {};
    await this.write({ type: 'epoch', step: ctx.step, ...logs, ...extra, epoch });
  }
}

/** Writes a CSV with a header row and one row per epoch. */
export class CsvLogger implements Callback {
  private columns: string[] | null = null;
  constructor(private readonly path: string) {}

  async onEpochEnd(_ctx: FitContext, _epoch: number, logs: Logs): Promise<void> {
    if (!this.columns) {
      this.columns = Object.keys(logs);
      await appendLine('CsvLogger', this.path, `${this.columns.join(',')}\n`, true);
    }
    await appendLine('CsvLogger', this.path, `${this.columns.map((c) => logs[c] ?? '').join(',')}\n`, false);
  }
}
