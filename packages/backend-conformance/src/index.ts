export { describeBackend } from './describe.js';
export type { CaseGroup, ConformanceOptions, Skip, Tolerance } from './options.js';
export { gradCases } from './cases/gradcheck.js';
export { forwardCases } from './cases/forward.js';
export * from './torch/index.js';
export { requiredOnly } from './required-only.js';
