/**
 * ExportContext: what a layer exporter writes through. It names values,
 * appends nodes, and collects initializers (a parameter under its PyTorch
 * name, optionally rearranged on the host) whose data is read once the walk
 * is done, since reading a tensor is asynchronous on every backend.
 */
import type * as t from '@tensile/core';
import type { HostValue } from '../ir.js';
import { onnx, DataType, type OnnxNodeProto, type OnnxTensorProto, type OnnxAttributeProto } from '../proto.js';

/** A value in the graph being written, with the example tensor it holds for the example input. */
export interface ExportValue {
  readonly name: string;
  readonly example: t.Tensor;
}

/** What a module's forward returns, mirrored: values, or (nested) tuples of them. */
export type Flow = ExportValue | readonly Flow[];

/** What an exporter returns: the names of its outputs, shaped like its forward's result. */
export type NameFlow = string | readonly NameFlow[];

/** Host-side rearrangement of an initializer's data (GRU gate order, a transpose). */
export type Rearrange = (data: Float32Array, shape: number[]) => { data: Float32Array; shape: number[] };

export type AttrInput =
  | number
  | string
  | readonly number[]
  | readonly string[]
  | { floats: readonly number[] }
  | { float: number }
  | { tensor: OnnxTensorProto };

/** Host-side combination of several tensors' data into one initializer (an RNN's directions stacked). */
export type Combine = (data: Float32Array[], shapes: number[][]) => { data: Float32Array; shape: number[] };

interface PendingInitializer {
  name: string;
  tensors: t.Tensor[];
  combine: Combine;
}

export class ExportContext {
  readonly nodes: OnnxNodeProto[] = [];
  readonly constants: OnnxTensorProto[] = [];
  private readonly pending: PendingInitializer[] = [];
  private readonly used = new Set<string>();
  private counter = 0;
  /** The dotted path of the module being exported ('features.0'), prefixing its parameter names. */
  prefix = '';

  /** A fresh value name, readable in a viewer (`/features.0/Conv_3`). */
  fresh(op: string): string {
    let name: string;
    do name = `${this.prefix ? `/${this.prefix}` : ''}/${op}_${this.counter++}`;
    while (this.used.has(name));
    this.used.add(name);
    return name;
  }

  /** The full name of this module's parameter `local` ('weight' → 'features.0.weight'). */
  paramName(local: string): string {
    return this.prefix ? `${this.prefix}.${local}` : local;
  }

  /**
   * Adds a float32 initializer holding `tensor` (rearranged if asked) and
   * returns its name: this module's `local` name, or `local` as given when it
   * has a dot already. The same tensor under the same name is added once.
   */
  initializer(local: string, tensor: t.Tensor, rearrange?: Rearrange): string {
    const combine: Combine = ([data], [shape]) =>
      rearrange ? rearrange(data as Float32Array, shape as number[]) : { data: data as Float32Array, shape: shape as number[] };
    return this.combined(local, [tensor], combine);
  }

  /** An initializer computed on the host from several tensors' data (named like `initializer`). */
  combined(local: string, tensors: t.Tensor[], combine: Combine): string {
    const name = this.paramName(local);
    if (!this.used.has(name)) {
      this.used.add(name);
      this.pending.push({ name, tensors, combine });
    }
    return name;
  }

  /** An int64 constant (shapes, axes), as an initializer. */
  ints(values: readonly number[], asScalar = false): string {
    const name = this.fresh('const');
    this.constants.push(
      onnx.TensorProto.create({ name, dataType: DataType.INT64, dims: asScalar ? [] : [values.length], int64Data: [...values] }),
    );
    return name;
  }

  /** A float32 constant of any shape. */
  floats(values: readonly number[], shape: readonly number[]): string {
    const name = this.fresh('const');
    this.constants.push(onnx.TensorProto.create({ name, dataType: DataType.FLOAT, dims: [...shape], floatData: [...values] }));
    return name;
  }

  /** A constant of the imported graph's host values (int64, float, bool) under a fresh name. */
  host(v: HostValue): string {
    const name = this.fresh('const');
    this.constants.push(hostTensor(name, v));
    return name;
  }

  /** A float32 scalar constant. */
  scalar(value: number): string {
    const name = this.fresh('const');
    this.constants.push(onnx.TensorProto.create({ name, dataType: DataType.FLOAT, dims: [], floatData: [value] }));
    return name;
  }

  /** Appends a node and returns its output names (`outputs` of them). */
  node(op: string, inputs: readonly string[], attrs: Record<string, AttrInput> = {}, outputs = 1): string[] {
    const outs = Array.from({ length: outputs }, () => this.fresh(op));
    this.nodes.push(
      onnx.NodeProto.create({
        opType: op,
        name: outs[0],
        input: [...inputs],
        output: outs,
        attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
      }),
    );
    return outs;
  }

  /** One-output node: its output name. */
  op(op: string, inputs: readonly string[], attrs: Record<string, AttrInput> = {}): string {
    return this.node(op, inputs, attrs, 1)[0] as string;
  }

  /** Reads every initializer's data (after the walk), as TensorProtos. */
  async initializers(): Promise<OnnxTensorProto[]> {
    const out: OnnxTensorProto[] = [];
    for (const p of this.pending) {
      const datas: Float32Array[] = [];
      for (const x of p.tensors) {
        const raw = await x.data();
        datas.push(raw instanceof Float32Array ? raw : Float32Array.from(raw));
      }
      const { data, shape } = p.combine(
        datas,
        p.tensors.map((x) => [...x.shape]),
      );
      const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      out.push(onnx.TensorProto.create({ name: p.name, dataType: DataType.FLOAT, dims: shape, rawData: littleEndian(bytes) }));
    }
    return [...out, ...this.constants];
  }
}

const HOST_TYPES = { float32: DataType.FLOAT, float64: DataType.DOUBLE, int64: DataType.INT64, int32: DataType.INT32, bool: DataType.BOOL };

/** A host value as a TensorProto (typed fields, no raw bytes). */
export function hostTensor(name: string, v: HostValue): OnnxTensorProto {
  const data = [...v.data];
  const field =
    v.dtype === 'float32'
      ? { floatData: data }
      : v.dtype === 'float64'
        ? { doubleData: data }
        : v.dtype === 'int64'
          ? { int64Data: data }
          : { int32Data: data };
  return onnx.TensorProto.create({ name, dataType: HOST_TYPES[v.dtype], dims: [...v.shape], ...field });
}

const LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function littleEndian(bytes: Uint8Array): Uint8Array {
  if (LITTLE) return bytes.slice();
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i += 4) for (let j = 0; j < 4; j++) out[i + j] = bytes[i + 3 - j] as number;
  return out;
}

function attribute(name: string, v: AttrInput): OnnxAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof v === 'number') return onnx.AttributeProto.create({ name, type: T.INT, i: v });
  if (typeof v === 'string') return onnx.AttributeProto.create({ name, type: T.STRING, s: new TextEncoder().encode(v) });
  if ('tensor' in v) return onnx.AttributeProto.create({ name, type: T.TENSOR, t: v.tensor });
  if ('float' in v) return onnx.AttributeProto.create({ name, type: T.FLOAT, f: v.float });
  if ('floats' in v) return onnx.AttributeProto.create({ name, type: T.FLOATS, floats: [...v.floats] });
  if (v.length > 0 && typeof v[0] === 'string')
    return onnx.AttributeProto.create({ name, type: T.STRINGS, strings: (v as string[]).map((s) => new TextEncoder().encode(s)) });
  return onnx.AttributeProto.create({ name, type: T.INTS, ints: [...(v as number[])] });
}

/** A float attribute (ONNX distinguishes them from ints). */
export const f = (value: number) => ({ float: value });
