export { OnnxFormatError, OnnxUnsupportedError } from './errors.js';
export { DEFAULT_LIMITS, type OnnxLimits } from './limits.js';
export type { GraphIR, HostValue, NodeIR, ValueIR } from './ir.js';
export { readOnnx, type ReadModel } from './read.js';
export { importOnnx, checkImportable, supportedImportOps } from './import/import.js';
export { OnnxGraph, registerOnnxGraph } from './import/graph-module.js';
