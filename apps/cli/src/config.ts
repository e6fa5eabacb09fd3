import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';

/** A JSON value, as config files hold. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** A registry name with its config: `SGD`, `{ name: SGD, lr: 0.1 }` or `{ SGD: { lr: 0.1 } }` in a file. */
export interface Named {
  name: string;
  config: JsonObject;
}

/** One training run, as read from a config file and the command line. */
export interface TrainConfig {
  /** Packages imported (from the working directory) before anything is resolved; each exports register(). */
  plugins: string[];
  backend: string;
  seed: number;
  epochs: number;
  batchSize: number;
  /** Samples per batch of validation and of the test evaluation (null: batchSize); memory grows with it, not with the split. */
  evalBatchSize: number | null;
  out: string;
  data: DataConfig;
  /** A list of layers run in order (a Sequential), or one full module spec. */
  model: Json;
  loss: Named;
  optimizer: Named;
  /** LR schedule, stepped per epoch (or per step when `interval: step`). */
  schedule: (Named & { interval: 'epoch' | 'step' }) | null;
  metrics: string[];
  /** Save a checkpoint every N optimizer steps too (0: only at epoch ends). */
  checkpointEverySteps: number;
  /** Per-layer gradient/weight norms and update ratios, measured every N steps (null: off). */
  gradStats: { everySteps: number } | null;
  /** Clip the global gradient norm to this before each optimizer step (null: no clipping). */
  clipGradNorm: number | null;
}

export interface DataConfig {
  /** Registry name of the dataset ('mnist', 'moons', 'sine', or a plugin's). */
  name: string;
  /** Config shared by both splits. */
  config: JsonObject;
  /** Overrides for the training split. */
  train: JsonObject;
  /** Overrides for the test split (evaluated once after training, and by `tensile eval`); null: none. */
  test: JsonObject | null;
  /** Use only the first N training samples (null: all). */
  limit: number | null;
  /** Use only the first N test samples (null: all). */
  testLimit: number | null;
  /**
   * Held out from the (limited) training split for validation each epoch:
   * a fraction (0.1: its last tenth) or a count of samples; 0 for none. The
   * test split is used once, after training.
   */
  validation: number;
  /** 'float': targets become float32 [N, 1] (binary cross-entropy, regression on one output). */
  target: 'as-is' | 'float';
  /** Random transforms of each training batch's x (never validation's or test's), e.g. `[{ randomCrop: { size: 28, padding: 2 } }]`. */
  augment: Named[];
}

/** Where the default config lives: the MNIST MLP shipped with the CLI. */
export const DEFAULT_CONFIG = new URL('../configs/mnist-mlp.yaml', import.meta.url);

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads a .json, .yaml or .yml config file and checks it. */
export async function readConfig(path: string | URL): Promise<TrainConfig> {
  const text = await readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new ConfigError(`cannot read config ${String(path)}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`);
  });
  const where = String(path);
  let raw: unknown;
  try {
    raw = extname(where) === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new ConfigError(`${where}: not valid ${extname(where) === '.json' ? 'JSON' : 'YAML'}: ${(err as Error).message}`);
  }
  return parseConfig(raw, where);
}

const KNOWN_KEYS = [
  'plugins',
  'backend',
  'seed',
  'epochs',
  'batchSize',
  'evalBatchSize',
  'out',
  'data',
  'model',
  'loss',
  'optimizer',
  'schedule',
  'metrics',
  'checkpointEverySteps',
  'gradStats',
  'clipGradNorm',
];

/** The part of the training split held out for validation by default (as Keras's validation_split, from the end). */
export const DEFAULT_VALIDATION = 0.1;

/** How often GradientStats measures when `gradStats: true` or a bare `--grad-stats`: often enough for a curve, rare enough to cost little. */
export const GRAD_STATS_EVERY = 50;

/** Checks a parsed config and fills in defaults; errors name the file and the key. */
export function parseConfig(raw: unknown, where: string): TrainConfig {
  const fail = (key: string, problem: string): never => {
    throw new ConfigError(`${where}: ${key}: ${problem}`);
  };
  if (!isObject(raw)) throw new ConfigError(`${where}: expected a mapping of settings, got ${JSON.stringify(raw)}`);
  for (const key of Object.keys(raw)) {
    if (!KNOWN_KEYS.includes(key)) fail(key, `unknown setting (known: ${KNOWN_KEYS.join(', ')})`);
  }
  const int = (key: string, value: unknown, fallback: number, min = 0): number => {
    const v = value ?? fallback;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) fail(key, `must be an integer ≥ ${min}, got ${JSON.stringify(v)}`);
    return v as number;
  };
  const str = (key: string, value: unknown, fallback?: string): string => {
    const v = value ?? fallback;
    if (typeof v !== 'string' || v === '') fail(key, `must be a non-empty string, got ${JSON.stringify(v)}`);
    return v as string;
  };
  const plugins = raw.plugins ?? [];
  if (!Array.isArray(plugins) || plugins.some((p) => typeof p !== 'string')) fail('plugins', 'must be a list of package names');
  const metrics = raw.metrics ?? ['accuracy'];
  if (!Array.isArray(metrics) || metrics.some((m) => typeof m !== 'string')) fail('metrics', 'must be a list of metric names');
  if (raw.model === undefined) fail('model', 'missing (a list of layers, e.g. [{ Linear: { inFeatures: 784, outFeatures: 10 } }])');

  let schedule: TrainConfig['schedule'] = null;
  if (raw.schedule !== undefined && raw.schedule !== null) {
    const named = parseNamed(raw.schedule, `${where}: schedule`);
    const interval = named.config.interval ?? 'epoch';
    if (interval !== 'epoch' && interval !== 'step')
      fail('schedule.interval', `must be 'epoch' or 'step', got ${JSON.stringify(interval)}`);
    delete named.config.interval;
    schedule = { ...named, interval: interval as 'epoch' | 'step' };
  }
  return {
    plugins: plugins as string[],
    backend: str('backend', raw.backend, 'auto'),
    seed: int('seed', raw.seed, 0),
    epochs: int('epochs', raw.epochs, 1, 1),
    batchSize: int('batchSize', raw.batchSize, 64, 1),
    evalBatchSize: raw.evalBatchSize === undefined || raw.evalBatchSize === null ? null : int('evalBatchSize', raw.evalBatchSize, 1, 1),
    out: str('out', raw.out, 'runs/latest'),
    data: parseData(raw.data, where),
    model: raw.model as Json,
    loss: parseNamed(raw.loss ?? 'CrossEntropyLoss', `${where}: loss`),
    optimizer: parseNamed(raw.optimizer ?? { name: 'SGD', lr: 0.01 }, `${where}: optimizer`),
    schedule,
    metrics: metrics as string[],
    checkpointEverySteps: int('checkpointEverySteps', raw.checkpointEverySteps, 0),
    gradStats: parseGradStats(raw.gradStats, fail),
    clipGradNorm: parseClip(raw.clipGradNorm, fail),
  };
}

/** `clipGradNorm`: a positive maximum norm, or absent/null for none. */
function parseClip(raw: unknown, fail: (key: string, problem: string) => never): number | null {
  if (raw === undefined || raw === null) return null;
  if (typeof raw !== 'number' || !(raw > 0) || !Number.isFinite(raw))
    fail('clipGradNorm', `must be a positive number, got ${JSON.stringify(raw)}`);
  return raw as number;
}

/** `gradStats`: off (absent, null, false), on (true), every N steps (N), or `{ everySteps: N }`. */
function parseGradStats(raw: unknown, fail: (key: string, problem: string) => never): TrainConfig['gradStats'] {
  if (raw === undefined || raw === null || raw === false) return null;
  if (raw === true) return { everySteps: GRAD_STATS_EVERY };
  const every = isObject(raw) ? (raw.everySteps ?? GRAD_STATS_EVERY) : raw;
  if (isObject(raw))
    for (const key of Object.keys(raw)) if (key !== 'everySteps') fail(`gradStats.${key}`, 'unknown setting (known: everySteps)');
  if (typeof every !== 'number' || !Number.isInteger(every) || every < 1) {
    fail('gradStats', `must be true, a step interval ≥ 1 or { everySteps: N ≥ 1 }, got ${JSON.stringify(raw)}`);
  }
  return { everySteps: every as number };
}

function parseData(raw: unknown, where: string): DataConfig {
  const fail = (key: string, problem: string): never => {
    throw new ConfigError(`${where}: data.${key}: ${problem}`);
  };
  if (typeof raw === 'string') raw = { name: raw };
  if (!isObject(raw))
    throw new ConfigError(`${where}: data: expected { name, config?, train?, test?, limit?, target? }, got ${JSON.stringify(raw)}`);
  const known = ['name', 'config', 'train', 'test', 'limit', 'testLimit', 'validation', 'target', 'augment'];
  for (const key of Object.keys(raw)) if (!known.includes(key)) fail(key, `unknown setting (known: ${known.join(', ')})`);
  if (typeof raw.name !== 'string') fail('name', `must be a dataset name, got ${JSON.stringify(raw.name)}`);
  const obj = (key: string, v: unknown): JsonObject => {
    if (v === undefined) return {};
    if (!isObject(v)) fail(key, `must be a mapping, got ${JSON.stringify(v)}`);
    return v as JsonObject;
  };
  const limit = (key: string, v: unknown): number | null => {
    if (v === undefined || v === null) return null;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) fail(key, `must be a positive integer, got ${JSON.stringify(v)}`);
    return v as number;
  };
  const validation = raw.validation ?? DEFAULT_VALIDATION;
  if (typeof validation !== 'number' || !(validation >= 0) || (validation >= 1 && !Number.isInteger(validation))) {
    fail('validation', `must be a fraction in [0, 1) or a whole number of samples, got ${JSON.stringify(validation)}`);
  }
  const augment = raw.augment ?? [];
  if (!Array.isArray(augment))
    fail('augment', `must be a list of transforms, e.g. [{ randomCrop: { size: 28, padding: 2 } }], got ${JSON.stringify(augment)}`);
  const target = raw.target ?? 'as-is';
  if (target !== 'as-is' && target !== 'float') fail('target', `must be 'as-is' or 'float', got ${JSON.stringify(target)}`);
  return {
    name: raw.name as string,
    config: obj('config', raw.config),
    train: obj('train', raw.train),
    test: raw.test === null || raw.test === false ? null : obj('test', raw.test),
    limit: limit('limit', raw.limit),
    testLimit: limit('testLimit', raw.testLimit),
    validation: validation as number,
    target: target as DataConfig['target'],
    augment: (augment as unknown[]).map((a, i) => parseNamed(a, `${where}: data.augment[${i}]`)),
  };
}

/** `'SGD'`, `{ name: 'SGD', lr: 0.1 }` or `{ SGD: { lr: 0.1 } }` → { name, config }. */
export function parseNamed(raw: unknown, where: string): Named {
  if (typeof raw === 'string' && raw !== '') return { name: raw, config: {} };
  if (isObject(raw)) {
    if (typeof raw.name === 'string' && isObject(raw.config) && Object.keys(raw).every((k) => ['name', 'config', 'interval'].includes(k))) {
      // The resolved form that config.json and model files store.
      const config = { ...(raw.config as JsonObject) };
      if (raw.interval !== undefined) config.interval = raw.interval as Json;
      return { name: raw.name, config };
    }
    if (typeof raw.name === 'string') {
      const { name, ...config } = raw;
      return { name, config: config as JsonObject };
    }
    const keys = Object.keys(raw);
    if (keys.length === 1 && (raw[keys[0]] === null || isObject(raw[keys[0]]))) {
      return { name: keys[0], config: (raw[keys[0]] ?? {}) as JsonObject };
    }
  }
  throw new ConfigError(`${where}: expected a name, { name, ...config } or { Name: config }, got ${JSON.stringify(raw)}`);
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
