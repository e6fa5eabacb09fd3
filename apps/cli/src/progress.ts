import cliProgress from 'cli-progress';
import type { Callback, FitContext, Logs, Metric } from '@tensile/train';

export interface ProgressOptions {
  epochs: number;
  /** Batches per epoch. */
  batches: number;
  /** Shows a live bar when true; otherwise plain lines (logs, pipes, CI). */
  tty: boolean;
  /** Prints nothing at all. */
  quiet: boolean;
  /** Plain mode: a line every this many batches (0: epoch lines only). */
  logEvery: number;
  /** A metric instance fit also updates, read now and then to show the running accuracy. */
  accuracy?: Metric;
  write?: (line: string) => void;
}

/** Reads the running accuracy every this many batches: each read waits for the device. */
const ACCURACY_EVERY = 10;

/**
 * A fit callback that shows training as it goes: a progress bar with loss,
 * accuracy, samples/s and ETA on a terminal, or one plain line every N
 * batches when stdout is not one, and a summary line per epoch either way.
 */
export class Progress implements Callback {
  private bar: cliProgress.SingleBar | null = null;
  private batch = 0;
  private accuracy = NaN;
  private interrupted = false;
  private readonly write: (line: string) => void;

  constructor(private readonly options: ProgressOptions) {
    this.write = options.write ?? ((line) => process.stdout.write(`${line}\n`));
  }

  onEpochBegin(ctx: FitContext, epoch: number): void {
    // A resumed epoch starts where the loader stopped.
    const position = (ctx.train as { stateDict?: () => { position: number; epoch: number } }).stateDict?.();
    this.batch = position && position.epoch === epoch && position.position < this.options.batches ? position.position : 0;
    this.accuracy = NaN;
    if (this.options.quiet || !this.options.tty || this.interrupted) return;
    this.bar = new cliProgress.SingleBar(
      {
        format: `epoch ${epoch + 1}/${this.options.epochs} [{bar}] {percentage}% | loss {loss} | acc {acc} | {sps} samples/s | ETA {eta_formatted}`,
        barCompleteChar: '█',
        barIncompleteChar: '░',
        hideCursor: true,
        etaBuffer: 50,
        clearOnComplete: true,
        // On stdout, with the lines around it (cli-progress defaults to stderr, which the launcher filters through a pipe).
        stream: process.stdout,
      },
      cliProgress.Presets.shades_classic,
    );
    this.bar.start(this.options.batches, this.batch, { loss: '-', acc: '-', sps: '-' });
  }

  async onBatchEnd(ctx: FitContext, _step: number, logs: Logs): Promise<void> {
    this.batch++;
    if (this.options.quiet || this.interrupted) return;
    const plainLine = !this.options.tty && this.options.logEvery > 0 && this.batch % this.options.logEvery === 0;
    if (this.options.accuracy && (this.batch % ACCURACY_EVERY === 0 || plainLine)) this.accuracy = await this.options.accuracy.result();
    const acc = Number.isNaN(this.accuracy) ? '-' : percent(this.accuracy);
    if (this.bar) {
      this.bar.update(this.batch, { loss: logs.loss.toFixed(4), acc, sps: Math.round(logs.samplesPerSecond) });
    } else if (plainLine) {
      this.write(
        `epoch ${ctx.epoch + 1}/${this.options.epochs} batch ${this.batch}/${this.options.batches}: loss ${logs.loss.toFixed(4)} acc ${acc} ${Math.round(logs.samplesPerSecond)} samples/s`,
      );
    }
  }

  onEpochEnd(_ctx: FitContext, epoch: number, logs: Logs): void {
    this.stopBar();
    if (!this.options.quiet) this.write(summaryLine(epoch, this.options.epochs, logs));
  }

  /** Removes the bar (clearing its line, so no fragment stays on the terminal). */
  stopBar(): void {
    this.bar?.stop();
    this.bar = null;
  }

  /** Ctrl-C: removes the bar now and draws no more (the batch in progress still ends, and the run saves). */
  interrupt(): void {
    this.interrupted = true;
    this.stopBar();
  }
}

/** `epoch 1/4: loss 0.2871 accuracy 91.72% | val_loss 0.1402 val_accuracy 95.81% | lr 0.05 | 12.3 s` */
export function summaryLine(epoch: number, epochs: number, logs: Logs): string {
  const parts: string[] = [];
  const skip = new Set(['epoch', 'seconds', 'lr', 'step']);
  const train = Object.keys(logs).filter((k) => !skip.has(k) && !k.startsWith('val_'));
  const val = Object.keys(logs).filter((k) => k.startsWith('val_'));
  parts.push(train.map((k) => `${k} ${format(k, logs[k])}`).join(' '));
  if (val.length > 0) parts.push(val.map((k) => `${k} ${format(k, logs[k])}`).join(' '));
  if (logs.lr !== undefined) parts.push(`lr ${Number(logs.lr.toPrecision(4))}`);
  if (logs.seconds !== undefined) parts.push(`${logs.seconds.toFixed(1)} s`);
  return `epoch ${epoch + 1}/${epochs}: ${parts.join(' | ')}`;
}

function format(name: string, value: number): string {
  return /acc|top\d/.test(name) ? percent(value) : value.toFixed(4);
}

function percent(v: number): string {
  return `${(v * 100).toFixed(2)}%`;
}
