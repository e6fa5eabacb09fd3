import type { Backend, BackendFactory } from '@tensile/core';

/** The groups of cases the suite runs; a skip names one of these. */
export type CaseGroup = 'forward' | 'edge' | 'gradcheck' | 'gradgradcheck' | 'async' | 'memory' | 'errors' | 'torch' | 'training';

/**
 * A skip is typed, names its reason, and counts: it shows up in the test
 * report as a skipped test whose title carries the reason. Tensile's own
 * backends skip nothing.
 */
export interface Skip {
  group: CaseGroup;
  /** A case name within the group, or '*' for the whole group. */
  name: string;
  reason: string;
}

export interface Tolerance {
  rtol: number;
  atol: number;
}

export interface ConformanceOptions {
  /** Forward tolerance in float32 (default rtol 1e-5, atol 1e-6). */
  float32?: Tolerance;
  /** Tolerance of gradchecks run in float32 on backends without float64. */
  gradcheckFloat32?: Tolerance;
  skips?: readonly Skip[];
  /** Called after all cases, to release the backend (workers, devices). */
  teardown?: (backend: Backend) => void | Promise<void>;
}

export interface SuiteContext {
  backend: () => Backend;
  options: ConformanceOptions;
  factory: BackendFactory;
}

export function skipReason(options: ConformanceOptions, group: CaseGroup, name: string): string | null {
  const s = options.skips?.find((k) => k.group === group && (k.name === '*' || k.name === name));
  return s ? s.reason : null;
}
