/**
 * For the crash tests only: `TENSILE_TEST_DIE_AT=<point>:<n>` kills the
 * process (SIGKILL, no clean-up) the n-th time it reaches the named point,
 * so a test can prove that checkpoints and metrics.jsonl agree whatever
 * moment the process dies. Points: epoch-end (logs computed, nothing written),
 * after-best, after-last, after-step-checkpoint, after-metrics, after-plot;
 * `hang-after-batch:<n>` blocks the event loop forever instead (a stuck run).
 */
const spec = process.env.TENSILE_TEST_DIE_AT ?? '';
const seen = new Map<string, number>();

export function reached(point: string): void {
  if (!spec) return;
  const count = (seen.get(point) ?? 0) + 1;
  seen.set(point, count);
  if (spec === `${point}:${count}`) process.kill(process.pid, 'SIGKILL');
  if (spec === `hang-${point}:${count}`) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0); // blocks forever, like a deadlocked pool
}
