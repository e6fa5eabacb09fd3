/**
 * Cross-checks against PyTorch: committed fixtures (fixtures/core/*.json,
 * made by scripts/gen_torch_fixtures.py) and the runner that replays them on
 * any backend through the public core API.
 */
export { torchFixtureCases, TORCH_FIXTURE_FAMILIES } from './fixtures.js';
export type { TorchFixtureFamily } from './fixtures.js';
export { checkTorchCase, resolveTorchCheckOptions, TorchMismatchError } from './check.js';
export type { TorchCheckOptions, ResolvedTorchCheckOptions } from './check.js';
export { runTorchFixtures } from './run.js';
export type { TorchRunResult } from './run.js';
export { TORCH_OPS } from './ops.js';
export type { CoreApi } from './ops.js';
export type { TorchCase, TorchFixtureFile, FixtureTensor, FixtureInput, FixtureOutput, FixtureDType } from './types.js';
