/**
 * The environment as the bench started, before our native backend set its thread-wait defaults
 * (OMP_WAIT_POLICY, OPENBLAS_THREAD_TIMEOUT) in process.env: peers run with their own defaults, at their best.
 */
export const STARTING_ENV: NodeJS.ProcessEnv = { ...process.env };
