import * as t from '@tensile/core';

/**
 * A file that is not a well-formed ONNX model Tensile can read: truncated or
 * corrupted bytes, sizes past the limits, dangling names, a graph out of order.
 * Thrown before any tensor is allocated.
 */
export class OnnxFormatError extends t.TensileError {}

/**
 * An ONNX model that is well formed but uses something Tensile cannot map:
 * an operator (named, with the nodes that use it) on import, or a layer with
 * no registered exporter on export.
 */
export class OnnxUnsupportedError extends t.TensileError {}
