import { join } from 'node:path';

/** The files a training run writes into its output folder. */
export function runFiles(out: string) {
  return {
    model: join(out, 'model.tensile'),
    /** Written at every epoch end, every N steps and on Ctrl-C: always the newest state; `--resume` reads it. */
    last: join(out, 'checkpoint-last.safetensors'),
    /** Written when the monitored value (val_accuracy, else val_loss, else loss) improves. */
    best: join(out, 'checkpoint-best.safetensors'),
    metrics: join(out, 'metrics.jsonl'),
    plot: join(out, 'history.svg'),
    /** With --grad-stats: per-layer gradient norm and update ratio per epoch. */
    gradients: join(out, 'gradients.svg'),
    config: join(out, 'config.json'),
  };
}
