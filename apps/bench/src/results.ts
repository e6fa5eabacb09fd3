/** One measured figure in the results table. */
export interface Row {
  case: 'sgemm' | 'mlp' | 'lenet';
  /** The size within the case: 'n=512', 'batch 128'. */
  size: string;
  /** Which framework family the figure counts for in the ratios. */
  group: 'ours' | 'tfjs-cpu' | 'tfjs-wasm' | 'torch' | 'openblas';
  /** Threads it ran on, where it says (ratios pair rows of the same count). */
  threads?: number;
  /** The implementation in words: 'tfjs-wasm model.fit', 'tensile wasm 2 threads'. */
  impl: string;
  /** GFLOP/s for sgemm, samples/s for training; null when it could not run. */
  value: number | null;
  unit: 'GFLOP/s' | 'samples/s';
  /** How it was measured (or why it did not run). */
  how: string;
}

export type CaseName = Row['case'];
export const ALL_CASES: CaseName[] = ['sgemm', 'mlp', 'lenet'];
export const SGEMM_SIZES = [256, 512, 1024, 2048];
export const MLP_BATCH = 128;
export const LENET_BATCH = 64;
export const LR = 0.1;

/** FLOPs of an n×n×n matmul (one multiply and one add per term). */
export const sgemmFlops = (n: number): number => 2 * n * n * n;

/** One thing to measure: a case at one size (n for sgemm, the batch size for training). */
export interface Job {
  case: CaseName;
  n: number;
  size: string;
  unit: Row['unit'];
}

export function jobsFor(cases: CaseName[], sgemmSizes: number[]): Job[] {
  const jobs: Job[] = [];
  if (cases.includes('sgemm')) {
    for (const n of sgemmSizes) jobs.push({ case: 'sgemm', n, size: `n=${n}`, unit: 'GFLOP/s' });
  }
  if (cases.includes('mlp')) jobs.push({ case: 'mlp', n: MLP_BATCH, size: `batch ${MLP_BATCH}`, unit: 'samples/s' });
  if (cases.includes('lenet')) jobs.push({ case: 'lenet', n: LENET_BATCH, size: `batch ${LENET_BATCH}`, unit: 'samples/s' });
  return jobs;
}

/**
 * A framework (or one of our backends) that takes part. The bench runs every
 * contender on one job before moving to the next, so a change in machine load
 * hits all sides of a ratio alike.
 */
export interface Contender {
  group: Row['group'];
  /** The name of its row when it fails as a whole. */
  label: string;
  /** Loads and initialises it; returns a note for the header ('' when none). */
  start(): Promise<string>;
  run(job: Job): Promise<Row[]>;
  stop(): Promise<void>;
}
