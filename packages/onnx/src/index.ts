export { OnnxFormatError, OnnxUnsupportedError } from './errors.js';
export { DEFAULT_LIMITS, type OnnxLimits } from './limits.js';
export type { GraphIR, HostValue, NodeIR, ValueIR } from './ir.js';
export { readOnnx, type ReadModel } from './read.js';
export { importOnnx, checkImportable, supportedImportOps } from './import/import.js';
export { OnnxGraph, registerOnnxGraph } from './import/graph-module.js';
export { exportOnnx, OPSET, type ExportOnnxOptions } from './export/export.js';
export { registerOnnxExporter, exportableLayers, type LayerExporter } from './export/registry.js';
export { ExportContext, f as floatAttr, type ExportValue, type Flow, type NameFlow, type Rearrange } from './export/context.js';
