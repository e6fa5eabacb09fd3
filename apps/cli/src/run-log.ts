import { appendFile, rename, writeFile } from 'node:fs/promises';
import type { Callback, FitContext, Logs } from '@tensile/train';

/**
 * metrics.jsonl: one line per finished epoch (epochs counted from 1, as on
 * screen and in the plots), and a `test` line after training.
 *
 * The checkpoint is the record: every epoch's logs are saved inside
 * checkpoint-last, and the line is appended only after that checkpoint is
 * written. On --resume the file is rewritten from the checkpoint's history,
 * so whatever moment the process died at (before, between or after the
 * checkpoint and the append, or in the middle of a line), the file ends up
 * holding exactly the epochs the checkpoint holds, each once.
 */
export class MetricsLog implements Callback {
  constructor(
    private readonly path: string,
    private readonly after: (point: string) => void = () => {},
  ) {}

  /** Replaces the file by these epochs' lines, atomically (a temporary file, then a rename). */
  async rewrite(history: readonly Logs[]): Promise<void> {
    const temporary = `${this.path}.tmp-${process.pid}`;
    await writeFile(temporary, history.map(epochLine).join(''));
    await rename(temporary, this.path);
  }

  async onEpochEnd(_ctx: FitContext, _epoch: number, logs: Logs): Promise<void> {
    await appendFile(this.path, epochLine(logs));
    this.after('after-metrics');
  }

  /** The final evaluation on the test split. */
  async test(logs: Logs): Promise<void> {
    await appendFile(this.path, `${JSON.stringify({ type: 'test', ...logs })}\n`);
  }
}

/** One epoch's line: fit counts epochs from 0, people (and the file) from 1. */
export function epochLine(logs: Logs): string {
  return `${JSON.stringify({ type: 'epoch', ...logs, epoch: logs.epoch + 1 })}\n`;
}
