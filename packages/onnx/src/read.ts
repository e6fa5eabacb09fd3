/**
 * Reads ONNX bytes into a validated GraphIR: sizes are bounded before
 * decoding, every tensor's dims are checked against its data before any
 * array is made, every name a node reads must already exist, and every
 * failure is an OnnxFormatError naming what is wrong.
 */
import {
  AttributeType,
  DataType,
  onnx,
  type OnnxModel,
  type OnnxGraphProto,
  type OnnxNodeProto,
  type AttributeProto,
  type TensorProto,
  type ValueInfoProto,
} from './proto.js';
import { OnnxFormatError } from './errors.js';
import { host, type AttrValue, type GraphIR, type HostDType, type HostValue, type NodeIR, type ValueIR } from './ir.js';
import { DEFAULT_LIMITS, type OnnxLimits } from './limits.js';

/** A decoded model: its graph, and the data of each parameter. */
export interface ReadModel {
  graph: GraphIR;
  weights: Record<string, Float32Array | Float64Array>;
  opset: number;
  producer: string;
}

const DTYPES: Partial<Record<number, HostDType>> = {
  [DataType.FLOAT]: 'float32',
  [DataType.DOUBLE]: 'float64',
  [DataType.INT64]: 'int64',
  [DataType.INT32]: 'int32',
  [DataType.BOOL]: 'bool',
};
const WIDTH: Record<HostDType, number> = { float32: 4, float64: 8, int64: 8, int32: 4, bool: 1 };

type IntLike = number | { toString(): string } | null | undefined;

/** An int64 field (a protobufjs Long or number) as a JS number. */
function int(v: IntLike): number {
  if (v === null || v === undefined) return 0;
  return typeof v === 'number' ? v : Number(BigInt(v.toString()));
}

const fail = (msg: string): never => {
  throw new OnnxFormatError(`readOnnx: ${msg}`);
};

/**
 * Decodes and validates an ONNX model file.
 *
 * @example
 * const { graph, weights } = readOnnx(new Uint8Array(await readFile('model.onnx')));
 */
export function readOnnx(bytes: Uint8Array, limits: Partial<OnnxLimits> = {}): ReadModel {
  const lim = { ...DEFAULT_LIMITS, ...limits };
  if (!(bytes instanceof Uint8Array)) fail('expected the file as a Uint8Array');
  if (bytes.length === 0) fail('the file is empty');
  if (bytes.length > lim.maxBytes) fail(`the file has ${bytes.length} bytes, more than the limit of ${lim.maxBytes}`);
  let model: OnnxModel;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (err) {
    return fail(`the bytes are not an ONNX protobuf (${(err as Error).message})`);
  }
  const opset = defaultOpset(model);
  const g = (model.graph ?? fail('the model has no graph')) as OnnxGraphProto;
  if (g.node.length > lim.maxNodes) fail(`the graph has ${g.node.length} nodes, more than the limit of ${lim.maxNodes}`);

  const known = new Set<string>();
  const parameters: GraphIR['parameters'] = {};
  const constants: GraphIR['constants'] = {};
  const weights: ReadModel['weights'] = {};
  for (const init of g.initializer) {
    const name = init.name ?? '';
    if (name === '') fail('an initializer has no name');
    if (known.has(name)) fail(`the initializer '${name}' is defined twice`);
    known.add(name);
    const value = readTensor(init, `initializer '${name}'`, lim);
    if ((value.dtype === 'float32' || value.dtype === 'float64') && value.shape.length >= 1) {
      parameters[name] = { shape: [...value.shape], dtype: value.dtype };
      weights[name] = value.dtype === 'float32' ? Float32Array.from(value.data) : Float64Array.from(value.data);
    } else {
      constants[name] = value;
    }
  }
  const inputs: ValueIR[] = [];
  for (const vi of g.input) {
    const name = vi.name ?? '';
    if (known.has(name)) continue; // older exporters list initializers as inputs too
    if (name === '') fail('a graph input has no name');
    inputs.push(readValueInfo(vi, lim));
    known.add(name);
  }
  const nodes: NodeIR[] = [];
  (g.node as OnnxNodeProto[]).forEach((n, i) => {
    const op = n.opType ?? '';
    const name = n.name || `${op}_${i}`;
    if (op === '') fail(`node ${i} has no op type`);
    if (n.domain && n.domain !== 'ai.onnx')
      fail(`node '${name}' uses the operator domain '${n.domain}' (only the default ONNX domain is read)`);
    for (const input of n.input) {
      if (input !== '' && !known.has(input))
        fail(
          `node '${name}' (${op}) reads '${input}', which no earlier node, input or initializer defines (the graph must be topologically sorted)`,
        );
    }
    for (const output of n.output) {
      if (output === '') continue;
      if (known.has(output)) fail(`node '${name}' (${op}) writes '${output}', which is already defined`);
      known.add(output);
    }
    const attrs: Record<string, AttrValue> = {};
    const floats: string[] = [];
    for (const a of n.attribute) {
      attrs[a.name ?? ''] = readAttribute(a, `node '${name}' (${op})`, lim);
      if (a.type === AttributeType.FLOAT || a.type === AttributeType.FLOATS) floats.push(a.name ?? '');
    }
    nodes.push({ op, name, inputs: [...n.input], outputs: [...n.output], attrs, ...(floats.length ? { floatAttrs: floats } : {}) });
  });
  const outputs = g.output.map((vi) => vi.name ?? '');
  if (outputs.length === 0) fail('the graph has no outputs');
  for (const o of outputs) if (!known.has(o)) fail(`the graph output '${o}' is never computed`);
  if (inputs.length === 0) fail('the graph has no inputs');
  return { graph: { inputs, outputs, parameters, constants, nodes }, weights, opset, producer: model.producerName ?? '' };
}

function defaultOpset(model: OnnxModel): number {
  const entry = model.opsetImport.find((o) => !o.domain || o.domain === 'ai.onnx');
  if (!entry) fail('the model imports no default-domain opset');
  const v = int(entry?.version as IntLike);
  if (v < 7 || v > 21) fail(`opset ${v} is outside the versions read (7–21)`);
  return v;
}

function readValueInfo(vi: ValueInfoProto, lim: OnnxLimits): ValueIR {
  const name = vi.name ?? '';
  const tt = vi.type?.tensorType ?? fail(`the input '${name}' is not a tensor`);
  const dtype = DTYPES[tt?.elemType ?? 0] ?? fail(`the input '${name}' has element type ${tt?.elemType}, not one Tensile reads`);
  const dims = tt?.shape?.dim ?? [];
  if (dims.length > lim.maxRank) fail(`the input '${name}' has rank ${dims.length}, more than ${lim.maxRank}`);
  const shape = dims.map((d) => {
    if (d.dimParam) return d.dimParam;
    if (d.dimValue === null || d.dimValue === undefined) return '?';
    const v = int(d.dimValue as IntLike);
    if (!Number.isSafeInteger(v) || v < 0 || v > lim.maxElements) fail(`the input '${name}' has dimension ${v}`);
    return v;
  });
  return { name, dtype, shape };
}

/** A tensor's dims and data, checked against each other before the data is copied. */
function readTensor(tp: TensorProto, what: string, lim: OnnxLimits): HostValue {
  if (tp.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL) fail(`${what} keeps its data in an external file (not read)`);
  const dtype = DTYPES[tp.dataType ?? 0] ?? fail(`${what} has element type ${tp.dataType}, not one Tensile reads`);
  const dims = (tp.dims ?? []).map((d) => int(d as IntLike));
  if (dims.length > lim.maxRank) fail(`${what} has rank ${dims.length}, more than ${lim.maxRank}`);
  let size = 1;
  for (const d of dims) {
    if (!Number.isSafeInteger(d) || d < 0) fail(`${what} has dimension ${d}`);
    size *= d;
    if (size > lim.maxElements) fail(`${what} has ${fmt(dims)}: more than ${lim.maxElements} elements`);
  }
  const raw = tp.rawData;
  if (raw && raw.length > 0) {
    const expected = size * WIDTH[dtype];
    if (raw.length !== expected) fail(`${what} ${fmt(dims)} ${dtype} needs ${expected} bytes of data, the file has ${raw.length}`);
    return host(dtype, dims, decodeRaw(raw, dtype, size));
  }
  const typed = typedField(tp, dtype);
  if (typed.length !== size) fail(`${what} ${fmt(dims)} needs ${size} values, the file has ${typed.length}`);
  return host(
    dtype,
    dims,
    typed.map((v) => int(v as IntLike)),
  );
}

function typedField(tp: TensorProto, dtype: HostDType): readonly unknown[] {
  switch (dtype) {
    case 'float32':
      return tp.floatData ?? [];
    case 'float64':
      return tp.doubleData ?? [];
    case 'int64':
      return tp.int64Data ?? [];
    default:
      return tp.int32Data ?? []; // int32 and bool
  }
}

function decodeRaw(raw: Uint8Array, dtype: HostDType, size: number): number[] {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const out = new Array<number>(size);
  for (let i = 0; i < size; i++) {
    if (dtype === 'float32') out[i] = view.getFloat32(i * 4, true);
    else if (dtype === 'float64') out[i] = view.getFloat64(i * 8, true);
    else if (dtype === 'int64') out[i] = Number(view.getBigInt64(i * 8, true));
    else if (dtype === 'int32') out[i] = view.getInt32(i * 4, true);
    else out[i] = raw[i] ? 1 : 0;
  }
  return out;
}

function readAttribute(a: AttributeProto, where: string, lim: OnnxLimits): AttrValue {
  const what = `${where} attribute '${a.name}'`;
  switch (a.type) {
    case AttributeType.FLOAT:
      return a.f ?? 0;
    case AttributeType.INT:
      return int(a.i as IntLike);
    case AttributeType.STRING:
      return new TextDecoder().decode(a.s ?? new Uint8Array());
    case AttributeType.TENSOR:
      return readTensor(a.t ?? fail(`${what} has no tensor`), what, lim);
    case AttributeType.FLOATS:
      return [...(a.floats ?? [])];
    case AttributeType.INTS:
      return (a.ints ?? []).map((v) => int(v as IntLike));
    case AttributeType.STRINGS:
      return (a.strings ?? []).map((s) => new TextDecoder().decode(s));
    default:
      return fail(`${what} has type ${a.type}, which Tensile does not read (graphs and sparse tensors are not supported)`);
  }
}

const fmt = (dims: readonly number[]) => `[${dims.join(', ')}]`;
