/** Bounds every size read from a file is checked against before anything is allocated. */
export interface OnnxLimits {
  /** The largest file accepted, in bytes (default 1 GiB). */
  maxBytes: number;
  /** The most nodes a graph may have (default 100 000). */
  maxNodes: number;
  /** The most elements one tensor may hold (default 2^28). */
  maxElements: number;
  /** The highest rank of a tensor or shape (default 8). */
  maxRank: number;
}

export const DEFAULT_LIMITS: OnnxLimits = { maxBytes: 2 ** 30, maxNodes: 100_000, maxElements: 2 ** 28, maxRank: 8 };
