/**
 * The `tensile` command: train, eval, predict, generate, inspect, export, import, bench.
 * Every name in a config (layers, losses, optimizers, schedules, datasets,
 * backends) is resolved through @tensile/core's registry, into which plugins
 * (`plugins:` in the config) register their own.
 */
import { Command, InvalidArgumentError } from 'commander';
import * as t from '@tensile/core';
import { ConfigError } from './config.js';
import { installInterrupts } from './interrupts.js';
import { bench } from './commands/bench.js';
import { evalCommand } from './commands/eval.js';
import { generateCommand } from './commands/generate.js';
import { inspect } from './commands/inspect.js';
import { exportCommand } from './commands/onnx-export.js';
import { importCommand } from './commands/onnx-import.js';
import { predict } from './commands/predict.js';
import { train } from './commands/train.js';

const VERSION = '0.1.0';

function integer(min: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`expected an integer ≥ ${min}, got '${value}'`);
    return n;
  };
}

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!(n > 0) || !Number.isFinite(n)) throw new InvalidArgumentError(`expected a positive number, got '${value}'`);
  return n;
}

function nonNegativeNumber(value: string): number {
  const n = Number(value);
  if (!(n >= 0) || !Number.isFinite(n)) throw new InvalidArgumentError(`expected a number ≥ 0, got '${value}'`);
  return n;
}

/** Runs a command and turns its result (or a user-facing error) into the exit code. */
async function run(action: () => Promise<number>): Promise<void> {
  try {
    process.exitCode = await action();
  } catch (err) {
    const known =
      err instanceof ConfigError ||
      err instanceof t.TensileError ||
      (err instanceof Error && /Error$/.test(err.name) && err.name !== 'Error' && err.name !== 'TypeError');
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`tensile: ${message}\n`);
    if (!known || process.env.TENSILE_DEBUG) process.stderr.write(`${(err as Error)?.stack ?? ''}\n`);
    process.exitCode = 1;
  }
}

installInterrupts();
// Output piped into `head` and the like: a closed pipe ends the command quietly.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

const program = new Command('tensile')
  .description('Train, evaluate, run and inspect Tensile models')
  .version(VERSION)
  // A usage error is one line (commander's, with its "did you mean"), then where the options are listed.
  .configureOutput({
    outputError: (text, write) =>
      write(`tensile: ${text.replace(/^error: /, '').replace(/\n\(Did you mean (.*)\?\)/, ' (did you mean $1?)')}`),
  })
  .showHelpAfterError('(tensile --help lists the commands; tensile <command> --help their options)');

program
  .command('train')
  .description('train a model from a config file (JSON or YAML; default: an MLP on MNIST)')
  .argument('[config]', 'config file (.yaml, .yml or .json)')
  .option(
    '--backend <name>',
    'compute backend: auto (default: native, else wasm, else cpu), cpu, wasm, native, webgpu (or one a plugin registers)',
  )
  .option('--seed <n>', 'random seed (init, shuffling, dropout)', integer(0))
  .option('--epochs <n>', 'epochs to train to (with --resume: the total, counting earlier ones)', integer(1))
  .option('--batch-size <n>', 'samples per batch', integer(1))
  .option('--lr <rate>', "the optimizer's learning rate", positiveNumber)
  .option('--out <dir>', 'output folder: model, checkpoints, metrics.jsonl, history.svg')
  .option('--limit <n>', 'use only the first N training samples', integer(1))
  .option('--test-limit <n>', 'use only the first N test samples for the final test', integer(1))
  .option('--resume', 'continue from the newest checkpoint in the output folder')
  .option('--force', 'replace a run already in the output folder (without it, an existing run is refused)')
  .option('--detect-anomaly', 'check every op for NaN/Inf and name the first op and layer that made one (slower)')
  .option(
    '--grad-stats [everySteps]',
    'log per-layer gradient/weight norms and update ratios (measured every N steps, default 50) to metrics.jsonl and gradients.svg',
    integer(1),
  )
  .option('--log-every <n>', 'without a terminal: a progress line every N batches (0: epochs only)', integer(0))
  .option('-q, --quiet', 'print nothing but errors')
  .action((config: string | undefined, flags) => run(() => train(config, flags)));

program
  .command('eval')
  .description("evaluate a model file on its dataset's test split")
  .argument('<model>', 'model or checkpoint file written by tensile train')
  .option('--backend <name>', 'compute backend')
  .option('--batch-size <n>', "samples per batch (default: the run's evalBatchSize, else its batchSize)", integer(1))
  .option('--limit <n>', 'use only the first N test samples', integer(1))
  .option('--json', 'print the results as JSON')
  .action((model: string, flags) => run(() => evalCommand(model, flags)));

program
  .command('predict')
  .description('run a model file on inputs and print class probabilities')
  .argument('<model>', 'model or checkpoint file written by tensile train')
  .option(
    '--input <files...>',
    'PNG or JPEG images, IDX image files (e.g. t10k-images-idx3-ubyte), or JSON arrays of samples; preprocessed like the training data',
  )
  .option('--samples <n>', 'without --input: the first N test samples, shown with their labels', integer(1))
  .option('--backend <name>', 'compute backend')
  .option('--json', 'print the results as JSON')
  .option('--save <file>', "also write the inputs and the model's raw outputs to a safetensors file (input, output)")
  .action((model: string, flags) => run(() => predict(model, flags)));

program
  .command('generate')
  .description('sample text from a character-level model (such as configs/sotu-gpt.yaml): temperature and top-k')
  .argument('<model>', 'model or checkpoint file written by tensile train')
  .option('--prompt <text>', 'text to continue (default: the start of a new document)')
  .option('--length <n>', 'characters to generate (default 500)', integer(1))
  .option('--temperature <t>', 'divides the logits: lower is more conservative, 0 picks the most likely (default 0.8)', nonNegativeNumber)
  .option('--top-k <k>', 'sample only among the k most likely characters (default: all)', integer(1))
  .option('--samples <n>', 'independent samples (default 1)', integer(1))
  .option('--seed <n>', 'random seed of the draws (default 0)', integer(0))
  .option('--backend <name>', 'compute backend')
  .option('--json', 'print the samples as JSON')
  .action((model: string, flags) => run(() => generateCommand(model, flags)));

program
  .command('inspect')
  .description('list the tensors (name, dtype, shape, bytes) and metadata of a safetensors, model or checkpoint file')
  .argument('<file>', 'the file')
  .option('--json', 'print as JSON')
  .action((file: string, flags) => run(() => inspect(file, flags)));

program
  .command('export')
  .description('write a model file as ONNX (opset 17, dynamic batch) for ONNX Runtime and other runtimes')
  .argument('<model>', 'model file (.tensile)')
  .requiredOption('--onnx <file>', 'the ONNX file to write')
  .option('--input-shape <dims>', "one sample's shape without the batch, e.g. 1,28,28 (default: the model's dataset)")
  .action((model: string, flags) => run(() => exportCommand(model, flags)));

program
  .command('import')
  .description('read an ONNX file (e.g. from torch.onnx.export) into a trainable Tensile model file')
  .argument('<model>', 'ONNX file (.onnx)')
  .requiredOption('--out <file>', 'the model file to write (.tensile)')
  .action((model: string, flags) => run(() => importCommand(model, flags)));

program
  .command('bench')
  .description("run the repository's benchmarks (apps/bench); arguments, --help too, are passed on")
  .argument('[args...]', 'arguments for the benchmark runner')
  .helpOption(false)
  .allowUnknownOption()
  .action((args: string[]) => run(() => bench(args)));

for (const command of program.commands) command.showHelpAfterError(`(tensile ${command.name()} --help lists its options)`);

await program.parseAsync(process.argv);
// Release the backend (worker threads, GPU device), then end: a WebGPU
// instance (Dawn) would otherwise keep Node running after the work is done.
try {
  await t.getBackend().dispose?.();
} catch {
  // no backend was set (inspect, a usage error)
}
process.exit();
