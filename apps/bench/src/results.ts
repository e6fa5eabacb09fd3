/** One measured figure in the results table. */
export interface Row {
  case: 'sgemm' | 'mlp' | 'lenet';
  /** The size within the case: 'n=512', 'batch 128'. */
  size: string;
  /** Which framework family the figure counts for in the ratios. */
  group: 'ours' | 'tfjs-cpu' | 'tfjs-wasm' | 'torch';
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
export const SGEMM_SIZES = [256, 512, 1024];
export const MLP_BATCH = 128;
export const LENET_BATCH = 64;
export const LR = 0.1;

/** FLOPs of an n×n×n matmul (one multiply and one add per term). */
export const sgemmFlops = (n: number): number => 2 * n * n * n;
