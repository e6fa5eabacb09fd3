import { checkTorchCase, type TorchCheckOptions } from './check.js';
import type { CoreApi } from './ops.js';
import type { TorchCase } from './types.js';

export interface TorchRunResult {
  passed: string[];
  failed: { name: string; message: string }[];
}

/**
 * Runs every case on the current backend and collects the results rather
 * than stopping at the first failure (for reports; tests call checkTorchCase
 * per case so each failure is its own test).
 */
export async function runTorchFixtures(t: CoreApi, cases: readonly TorchCase[], options: TorchCheckOptions = {}): Promise<TorchRunResult> {
  const result: TorchRunResult = { passed: [], failed: [] };
  for (const c of cases) {
    try {
      await checkTorchCase(t, c, options);
      result.passed.push(c.name);
    } catch (err) {
      result.failed.push({ name: c.name, message: err instanceof Error ? err.message : String(err) });
    }
  }
  return result;
}
