import type { Logs } from '../types.js';
import type { FitContext } from '../fit-context.js';
import type { Callback } from './callback.js';

/** Appends a line to a file, creating its folder (Node only; imported lazily to keep browsers free of fs). */
async function appendLine(path: string, line: string, truncate: boolean): Promise<void> {
  const fs = await import('node:fs/promises');
  const { dirname } = await import('node:path');
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
    await appendLine(this.path, `${JSON.stringify(record)}\n`, this.first && !this.options.append);
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
      await appendLine(this.path, `${this.columns.join(',')}\n`, true);
    }
    await appendLine(this.path, `${this.columns.map((c) => logs[c] ?? '').join(',')}\n`, false);
  }
}
