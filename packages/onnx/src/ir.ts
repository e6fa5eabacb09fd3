/**
 * The graph as plain JSON (what an imported model stores as its config) and
 * the host values that shape arithmetic runs on. Float initializers of rank
 * ≥ 1 become parameters; everything else constant is a HostValue.
 */
export type HostDType = 'float32' | 'float64' | 'int64' | 'int32' | 'bool';

/** A constant held in JS numbers: shapes, indices, scalars. */
export interface HostValue {
  readonly kind: 'host';
  readonly dtype: HostDType;
  readonly shape: readonly number[];
  readonly data: readonly number[];
}

export type AttrValue = number | readonly number[] | string | readonly string[] | HostValue;

export interface NodeIR {
  op: string;
  name: string;
  inputs: string[];
  outputs: string[];
  attrs: Record<string, AttrValue>;
  /** The attributes ONNX types as float (JSON cannot tell 1 from 1.0), so that export writes them back as floats. */
  floatAttrs?: string[];
}

export interface ValueIR {
  name: string;
  dtype: HostDType;
  /** A number for a fixed dimension, a name (or '?') for a dynamic one. */
  shape: (number | string)[];
}

export interface GraphIR {
  inputs: ValueIR[];
  outputs: string[];
  /** Trainable parameters by initializer name (their data travels separately). */
  parameters: Record<string, { shape: number[]; dtype: 'float32' | 'float64' }>;
  constants: Record<string, HostValue>;
  nodes: NodeIR[];
}

export const host = (dtype: HostDType, shape: readonly number[], data: readonly number[]): HostValue => ({
  kind: 'host',
  dtype,
  shape,
  data,
});

export const isHost = (v: unknown): v is HostValue => typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'host';
