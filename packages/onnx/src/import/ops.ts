/**
 * ONNX operators as compositions of Tensile's core ops, so every imported
 * graph is differentiable on every backend. Shape arithmetic (Shape, Gather
 * of a shape, Concat of dims…) runs on host values.
 */
import * as t from '@tensile/core';
import type { AttrValue, NodeIR } from '../ir.js';
import { OnnxUnsupportedError } from '../errors.js';
import { host, hostBinary, ints, isHost, toTensor, type Value } from './values.js';
import { gru, lstm, rnn } from './recurrent.js';

type Attrs = Record<string, AttrValue>;
export type OpImpl = (inputs: (Value | undefined)[], attrs: Attrs, node: NodeIR) => Value[];

const num = (a: Attrs, k: string, dflt: number): number => (typeof a[k] === 'number' ? (a[k] as number) : dflt);
const list = (a: Attrs, k: string): number[] | undefined => (Array.isArray(a[k]) ? (a[k] as number[]) : undefined);
const str = (a: Attrs, k: string, dflt: string): string => (typeof a[k] === 'string' ? (a[k] as string) : dflt);
const need = (v: Value | undefined, node: NodeIR, i: number): Value => {
  if (v === undefined) throw new OnnxUnsupportedError(`${node.op} '${node.name}': input ${i} is missing`);
  return v;
};
const tensorIn = (node: NodeIR, inputs: (Value | undefined)[], i: number) => toTensor(need(inputs[i], node, i));
const refuse = (node: NodeIR, what: string): never => {
  throw new OnnxUnsupportedError(`${node.op} '${node.name}': ${what} is not supported`);
};

function binary(f: (a: t.Tensor, b: t.Tensor) => t.Tensor, h: (x: number, y: number) => number): OpImpl {
  return ([a, b], _attrs, node) => {
    const x = need(a, node, 0);
    const y = need(b, node, 1);
    if (isHost(x) && isHost(y)) return [hostBinary(x, y, h)];
    const tx = isHost(x) ? toTensor(x, y as t.Tensor) : x;
    const ty = isHost(y) ? toTensor(y, tx) : y;
    return [f(tx, ty)];
  };
}

const unary =
  (f: (x: t.Tensor, attrs: Attrs) => t.Tensor): OpImpl =>
  (inputs, attrs, node) => [f(tensorIn(node, inputs, 0), attrs)];

const axisOf = (axis: number, rank: number) => (axis < 0 ? axis + rank : axis);

/** ONNX pads [b1, b2, …, e1, e2, …] as one symmetric padding per spatial dim. */
function symmetricPads(node: NodeIR, attrs: Attrs, spatial: number): number[] {
  if (str(attrs, 'auto_pad', 'NOTSET') !== 'NOTSET') refuse(node, `auto_pad '${attrs.auto_pad}'`);
  const pads = list(attrs, 'pads') ?? new Array<number>(spatial * 2).fill(0);
  const begin = pads.slice(0, spatial);
  const end = pads.slice(spatial);
  if (begin.some((p, i) => p !== end[i])) refuse(node, `asymmetric padding [${pads.join(', ')}]`);
  return begin;
}

/** Asymmetric conv padding (PyTorch's padding='same' with an even kernel) as an explicit zero pad first. */
function padFirst(x: t.Tensor, attrs: Attrs, spatial: number): [t.Tensor, Attrs] {
  const pads = list(attrs, 'pads');
  if (!pads || pads.slice(0, spatial).every((p, i) => p === pads[i + spatial])) return [x, attrs];
  const pairs = Array.from({ length: spatial }, (_, i) => [pads[i] as number, pads[i + spatial] as number] as const);
  return [t.pad(x, pairs), { ...attrs, pads: new Array<number>(2 * spatial).fill(0) }];
}

function conv(inputs: (Value | undefined)[], rawAttrs: Attrs, node: NodeIR): Value[] {
  const w = tensorIn(node, inputs, 1);
  const b = inputs[2] === undefined ? null : tensorIn(node, inputs, 2);
  const spatial = w.rank - 2;
  const [x, attrs] = padFirst(tensorIn(node, inputs, 0), rawAttrs, spatial);
  const padding = symmetricPads(node, attrs, spatial);
  const stride = list(attrs, 'strides') ?? new Array<number>(spatial).fill(1);
  const dilation = list(attrs, 'dilations') ?? new Array<number>(spatial).fill(1);
  const groups = num(attrs, 'group', 1);
  if (spatial === 2)
    return [
      t.conv2d(x, w, b, {
        stride: stride as [number, number],
        padding: padding as [number, number],
        dilation: dilation as [number, number],
        groups,
      }),
    ];
  if (spatial === 1) return [t.conv1d(x, w, b, { stride: stride[0], padding: padding[0], dilation: dilation[0], groups })];
  return refuse(node, `a ${spatial}-d convolution`);
}

function convTranspose(inputs: (Value | undefined)[], attrs: Attrs, node: NodeIR): Value[] {
  const x = tensorIn(node, inputs, 0);
  const w = tensorIn(node, inputs, 1);
  const b = inputs[2] === undefined ? null : tensorIn(node, inputs, 2);
  const spatial = w.rank - 2;
  if (attrs.output_shape !== undefined) refuse(node, 'output_shape');
  const padding = symmetricPads(node, attrs, spatial);
  const stride = list(attrs, 'strides') ?? new Array<number>(spatial).fill(1);
  const dilation = list(attrs, 'dilations') ?? new Array<number>(spatial).fill(1);
  const outputPadding = list(attrs, 'output_padding') ?? new Array<number>(spatial).fill(0);
  const groups = num(attrs, 'group', 1);
  if (spatial === 2)
    return [
      t.convTranspose2d(x, w, b, {
        stride: stride as [number, number],
        padding: padding as [number, number],
        outputPadding: outputPadding as [number, number],
        dilation: dilation as [number, number],
        groups,
      }),
    ];
  if (spatial === 1)
    return [
      t.convTranspose1d(x, w, b, {
        stride: stride[0],
        padding: padding[0],
        outputPadding: outputPadding[0],
        dilation: dilation[0],
        groups,
      }),
    ];
  return refuse(node, `a ${spatial}-d transposed convolution`);
}

function pool(kind: 'max' | 'avg'): OpImpl {
  return (inputs, attrs, node) => {
    const x = tensorIn(node, inputs, 0);
    if (node.outputs.length > 1 && node.outputs[1] !== '') refuse(node, 'the Indices output');
    const kernel = list(attrs, 'kernel_shape') ?? refuse(node, 'a missing kernel_shape');
    const spatial = kernel.length;
    const padding = symmetricPads(node, attrs, spatial);
    const stride = list(attrs, 'strides') ?? new Array<number>(spatial).fill(1);
    const ceilMode = num(attrs, 'ceil_mode', 0) === 1;
    if (kind === 'max') {
      const dilation = list(attrs, 'dilations') ?? new Array<number>(spatial).fill(1);
      if (spatial === 2)
        return [
          t.maxPool2d(x, {
            kernelSize: kernel as [number, number],
            stride: stride as [number, number],
            padding: padding as [number, number],
            dilation: dilation as [number, number],
            ceilMode,
          }),
        ];
      if (spatial === 1)
        return [
          t.maxPool1d(x, { kernelSize: kernel[0] as number, stride: stride[0], padding: padding[0], dilation: dilation[0], ceilMode }),
        ];
    } else {
      const countIncludePad = num(attrs, 'count_include_pad', 0) === 1;
      if (spatial === 2)
        return [
          t.avgPool2d(x, {
            kernelSize: kernel as [number, number],
            stride: stride as [number, number],
            padding: padding as [number, number],
            ceilMode,
            countIncludePad,
          }),
        ];
      if (spatial === 1)
        return [t.avgPool1d(x, { kernelSize: kernel[0] as number, stride: stride[0], padding: padding[0], ceilMode, countIncludePad })];
    }
    return refuse(node, `${spatial}-d pooling`);
  };
}

const spatialAxes = (x: t.Tensor) => Array.from({ length: x.rank - 2 }, (_, i) => i + 2);

function reshape(inputs: (Value | undefined)[], attrs: Attrs, node: NodeIR): Value[] {
  const x = need(inputs[0], node, 0);
  const target = ints(inputs[1], `Reshape '${node.name}' shape`);
  const allowZero = num(attrs, 'allowzero', 0) === 1;
  const shape = target.map((d, i) => (d === 0 && !allowZero ? (x.shape[i] as number) : d));
  if (isHost(x)) {
    const known = shape.reduce((a, d) => (d === -1 ? a : a * d), 1);
    return [
      host(
        x.dtype,
        shape.map((d) => (d === -1 ? x.data.length / known : d)),
        x.data,
      ),
    ];
  }
  return [x.reshape(shape)];
}

function unsqueezeShape(shape: readonly number[], axes: number[]): number[] {
  const rank = shape.length + axes.length;
  const norm = axes.map((a) => axisOf(a, rank)).sort((a, b) => a - b);
  const out = [...shape];
  for (const a of norm) out.splice(a, 0, 1);
  return out;
}

function axesInput(inputs: (Value | undefined)[], attrs: Attrs, node: NodeIR): number[] | undefined {
  return inputs[1] !== undefined ? ints(inputs[1], `${node.op} '${node.name}' axes`) : list(attrs, 'axes');
}

const unsqueeze: OpImpl = (inputs, attrs, node) => {
  const x = need(inputs[0], node, 0);
  const shape = unsqueezeShape(x.shape, axesInput(inputs, attrs, node) ?? refuse(node, 'missing axes'));
  return [isHost(x) ? host(x.dtype, shape, x.data) : x.reshape(shape)];
};

const squeeze: OpImpl = (inputs, attrs, node) => {
  const x = need(inputs[0], node, 0);
  const axes = (axesInput(inputs, attrs, node) ?? x.shape.flatMap((d, i) => (d === 1 ? [i] : []))).map((a) => axisOf(a, x.shape.length));
  const shape = x.shape.filter((_, i) => !axes.includes(i));
  return [isHost(x) ? host(x.dtype, shape, x.data) : x.reshape(shape)];
};

const concat: OpImpl = (inputs, attrs, node) => {
  const xs = inputs.map((v, i) => need(v, node, i));
  const axis = num(attrs, 'axis', 0);
  if (xs.every(isHost)) {
    const hs = xs as Extract<Value, { kind: 'host' }>[];
    if (hs.some((h) => h.shape.length !== 1)) refuse(node, 'concatenating constant values of rank ≠ 1');
    const data = hs.flatMap((h) => h.data);
    return [host(hs[0]?.dtype ?? 'int64', [data.length], data)];
  }
  const ts = xs.map((v) => toTensor(v, xs.find((u) => !isHost(u)) as t.Tensor));
  return [t.concat(ts, axisOf(axis, ts[0]?.rank ?? 1))];
};

const gather: OpImpl = (inputs, attrs, node) => {
  const data = need(inputs[0], node, 0);
  const idx = need(inputs[1], node, 1);
  const axis = axisOf(num(attrs, 'axis', 0), data.shape.length);
  if (isHost(data) && isHost(idx) && data.shape.length === 1) {
    const n = data.data.length;
    return [
      host(
        data.dtype,
        idx.shape,
        idx.data.map((i) => data.data[i < 0 ? i + n : i] as number),
      ),
    ];
  }
  const x = toTensor(data);
  const size = x.shape[axis] as number;
  if (isHost(idx)) {
    const flat = idx.data.map((i) => (i < 0 ? i + size : i));
    const picked = t.indexSelect(x, axis, t.tensor(flat, { dtype: 'int32' }));
    const shape = [...x.shape.slice(0, axis), ...idx.shape, ...x.shape.slice(axis + 1)];
    return [picked.reshape(shape)];
  }
  // Tensor indices (an Embedding's token ids): gather rows along the axis.
  const index = idx.dtype === 'int32' ? idx : t.cast(idx, 'int32');
  const picked = t.indexSelect(x, axis, index.reshape([-1]));
  return [picked.reshape([...x.shape.slice(0, axis), ...idx.shape, ...x.shape.slice(axis + 1)])];
};

const slice: OpImpl = (inputs, _attrs, node) => {
  const x = need(inputs[0], node, 0);
  const rank = x.shape.length;
  const starts = ints(inputs[1], `Slice '${node.name}' starts`);
  const ends = ints(inputs[2], `Slice '${node.name}' ends`);
  const axes = inputs[3] !== undefined ? ints(inputs[3], `Slice '${node.name}' axes`) : starts.map((_, i) => i);
  const steps = inputs[4] !== undefined ? ints(inputs[4], `Slice '${node.name}' steps`) : starts.map(() => 1);
  if (steps.some((s) => s !== 1)) refuse(node, `steps [${steps.join(', ')}]`);
  const ranges: [number, number][] = x.shape.map((d) => [0, d]);
  axes.forEach((a, i) => {
    const ax = axisOf(a, rank);
    const d = x.shape[ax] as number;
    const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + d : v, 0), d);
    ranges[ax] = [clamp(starts[i] as number), Math.max(clamp(starts[i] as number), clamp(ends[i] as number))];
  });
  if (isHost(x)) {
    if (rank !== 1) refuse(node, 'slicing a constant of rank ≠ 1');
    const [b, e] = ranges[0] as [number, number];
    return [host(x.dtype, [e - b], x.data.slice(b, e))];
  }
  let y = x;
  ranges.forEach(([b, e], ax) => {
    if (b !== 0 || e !== x.shape[ax]) y = t.narrow(y, ax, b, e - b);
  });
  return [y === x ? x.clone() : y];
};

const castTo: Record<number, 'float32' | 'float64' | 'int32' | 'bool'> = { 1: 'float32', 11: 'float64', 6: 'int32', 7: 'int32', 9: 'bool' };
const hostCast: Record<number, 'float32' | 'float64' | 'int64' | 'int32' | 'bool'> = {
  1: 'float32',
  11: 'float64',
  6: 'int32',
  7: 'int64',
  9: 'bool',
};

const cast: OpImpl = (inputs, attrs, node) => {
  const x = need(inputs[0], node, 0);
  const to = num(attrs, 'to', 0);
  const target = castTo[to] ?? refuse(node, `casting to ONNX type ${to}`);
  if (isHost(x)) {
    const dtype = hostCast[to] ?? 'float32';
    const conv = dtype === 'bool' ? (v: number) => (v ? 1 : 0) : dtype.startsWith('int') ? Math.trunc : Math.fround;
    return [host(dtype, x.shape, x.data.map(conv))];
  }
  return [x.dtype === target ? x.clone() : t.cast(x, target)];
};

function reduce(kind: 'mean' | 'sum'): OpImpl {
  return (inputs, attrs, node) => {
    const x = tensorIn(node, inputs, 0);
    const axes = (axesInput(inputs, attrs, node) ?? Array.from({ length: x.rank }, (_, i) => i)).map((a) => axisOf(a, x.rank));
    const keep = num(attrs, 'keepdims', 1) === 1;
    return [kind === 'mean' ? x.mean(axes, keep) : x.sum(axes, keep)];
  };
}

function layerNorm(inputs: (Value | undefined)[], attrs: Attrs, node: NodeIR): Value[] {
  const x = tensorIn(node, inputs, 0);
  const axis = axisOf(num(attrs, 'axis', -1), x.rank);
  const eps = num(attrs, 'epsilon', 1e-5);
  const axes = Array.from({ length: x.rank - axis }, (_, i) => axis + i);
  const mean = x.mean(axes, true);
  const centered = x.sub(mean);
  const variance = centered.square().mean(axes, true);
  let y = centered.mul(variance.add(eps).rsqrt());
  if (inputs[1] !== undefined) y = y.mul(tensorIn(node, inputs, 1));
  if (inputs[2] !== undefined) y = y.add(tensorIn(node, inputs, 2));
  return [y];
}

function batchNorm(inputs: (Value | undefined)[], attrs: Attrs, node: NodeIR): Value[] {
  if (num(attrs, 'training_mode', 0) === 1) refuse(node, 'training_mode');
  const x = tensorIn(node, inputs, 0);
  const eps = num(attrs, 'epsilon', 1e-5);
  const bshape = [1, -1, ...new Array<number>(x.rank - 2).fill(1)];
  const [scale, bias, mean, variance] = [1, 2, 3, 4].map((i) => tensorIn(node, inputs, i).reshape(bshape));
  return [
    x
      .sub(mean as t.Tensor)
      .mul(
        (variance as t.Tensor)
          .add(eps)
          .rsqrt()
          .mul(scale as t.Tensor),
      )
      .add(bias as t.Tensor),
  ];
}

function instanceNorm(inputs: (Value | undefined)[], attrs: Attrs, node: NodeIR): Value[] {
  const x = tensorIn(node, inputs, 0);
  const eps = num(attrs, 'epsilon', 1e-5);
  const axes = spatialAxes(x);
  const centered = x.sub(x.mean(axes, true));
  const normed = centered.mul(centered.square().mean(axes, true).add(eps).rsqrt());
  const bshape = [1, -1, ...new Array<number>(x.rank - 2).fill(1)];
  return [normed.mul(tensorIn(node, inputs, 1).reshape(bshape)).add(tensorIn(node, inputs, 2).reshape(bshape))];
}

/** Clip's bounds are optional inputs (opset ≥ 11) or attributes (older). */
const clip: OpImpl = (inputs, attrs, node) => {
  const x = tensorIn(node, inputs, 0);
  const bound = (i: number, k: string) => {
    const v = inputs[i];
    if (v !== undefined) return isHost(v) ? (v.data[0] as number) : refuse(node, `a ${k} bound computed at run time`);
    return typeof attrs[k] === 'number' ? (attrs[k] as number) : null;
  };
  return [x.clamp(bound(1, 'min'), bound(2, 'max'))];
};

function gemm(inputs: (Value | undefined)[], attrs: Attrs, node: NodeIR): Value[] {
  let a = tensorIn(node, inputs, 0);
  let b = tensorIn(node, inputs, 1);
  if (num(attrs, 'transA', 0)) a = a.transpose(0, 1);
  if (num(attrs, 'transB', 0)) b = b.transpose(0, 1);
  let y = a.matmul(b);
  const alpha = num(attrs, 'alpha', 1);
  if (alpha !== 1) y = y.mul(alpha);
  if (inputs[2] !== undefined) {
    const beta = num(attrs, 'beta', 1);
    const c = tensorIn(node, inputs, 2);
    y = y.add(beta === 1 ? c : c.mul(beta));
  }
  return [y];
}

const constant: OpImpl = (_inputs, attrs, node) => {
  const v = attrs.value;
  if (isHost(v)) return [v];
  if (typeof attrs.value_float === 'number') return [host('float32', [], [attrs.value_float])];
  if (typeof attrs.value_int === 'number') return [host('int64', [], [attrs.value_int])];
  if (Array.isArray(attrs.value_ints)) return [host('int64', [attrs.value_ints.length], attrs.value_ints as number[])];
  if (Array.isArray(attrs.value_floats)) return [host('float32', [attrs.value_floats.length], attrs.value_floats as number[])];
  return refuse(node, 'a Constant without a tensor, float or int value');
};

const constantOfShape: OpImpl = (inputs, attrs, node) => {
  const shape = ints(inputs[0], `ConstantOfShape '${node.name}' shape`);
  const v = isHost(attrs.value) ? attrs.value : host('float32', [1], [0]);
  const fill = v.data[0] ?? 0;
  if (v.dtype === 'float32' || v.dtype === 'float64') return [t.full(shape, fill, { dtype: v.dtype })];
  return [host(v.dtype, shape, new Array<number>(shape.reduce((a, d) => a * d, 1)).fill(fill))];
};

const shape: OpImpl = (inputs, attrs, node) => {
  const dims = need(inputs[0], node, 0).shape;
  const start = axisOf(num(attrs, 'start', 0), dims.length);
  const end = attrs.end === undefined ? dims.length : axisOf(num(attrs, 'end', dims.length), dims.length);
  const out = dims.slice(start, end);
  return [host('int64', [out.length], out)];
};

const softmaxLike =
  (f: (x: t.Tensor, axis: number) => t.Tensor): OpImpl =>
  (inputs, attrs, node) => [f(tensorIn(node, inputs, 0), num(attrs, 'axis', -1))];

const identity: OpImpl = (inputs, _attrs, node) => {
  const x = need(inputs[0], node, 0);
  return [isHost(x) ? x : x];
};

/** Every operator the importer maps, by ONNX name. */
export const IMPORT_OPS: Record<string, OpImpl> = {
  Identity: identity,
  Dropout: (inputs, _a, node) => [need(inputs[0], node, 0)],
  Constant: constant,
  ConstantOfShape: constantOfShape,
  Shape: shape,
  Cast: cast,
  Reshape: reshape,
  Flatten: (inputs, attrs, node) => {
    const x = tensorIn(node, inputs, 0);
    const axis = axisOf(num(attrs, 'axis', 1), x.rank);
    const lead = x.shape.slice(0, axis).reduce((a, d) => a * d, 1);
    return [x.reshape([lead, -1])];
  },
  Transpose: (inputs, attrs, node) => {
    const x = tensorIn(node, inputs, 0);
    return [x.permute(list(attrs, 'perm') ?? Array.from({ length: x.rank }, (_, i) => x.rank - 1 - i))];
  },
  Unsqueeze: unsqueeze,
  Squeeze: squeeze,
  Concat: concat,
  Gather: gather,
  Slice: slice,
  Add: binary(t.add, (a, b) => a + b),
  Sub: binary(t.sub, (a, b) => a - b),
  Mul: binary(t.mul, (a, b) => a * b),
  Div: binary(t.div, (a, b) => a / b),
  Pow: binary(t.pow, (a, b) => a ** b),
  MatMul: binary(t.matmul, () => {
    throw new OnnxUnsupportedError('MatMul of two constants is not supported');
  }),
  Gemm: gemm,
  Relu: unary((x) => x.relu()),
  Tanh: unary((x) => x.tanh()),
  Sigmoid: unary((x) => x.sigmoid()),
  Erf: unary((x) => x.erf()),
  Sqrt: unary((x) => x.sqrt()),
  Exp: unary((x) => x.exp()),
  Log: unary((x) => x.log()),
  Neg: unary((x) => x.neg()),
  Abs: unary((x) => x.abs()),
  LeakyRelu: unary((x, a) => x.leakyRelu({ negativeSlope: num(a, 'alpha', 0.01) })),
  Elu: unary((x, a) => x.elu({ alpha: num(a, 'alpha', 1) })),
  Softplus: unary((x) => x.softplus()),
  Selu: unary((x, a) => {
    const alpha = num(a, 'alpha', 1.6732632423543772);
    const gamma = num(a, 'gamma', 1.0507009873554805);
    return t.where(x.gt(0), x, x.exp().sub(1).mul(alpha)).mul(gamma);
  }),
  HardSwish: unary((x) => x.hardswish()),
  HardSigmoid: unary((x, a) =>
    x
      .mul(num(a, 'alpha', 0.2))
      .add(num(a, 'beta', 0.5))
      .clamp(0, 1),
  ),
  PRelu: (inputs, _a, node) => {
    const x = tensorIn(node, inputs, 0);
    return [t.where(x.gt(0), x, x.mul(tensorIn(node, inputs, 1)))];
  },
  Clip: clip,
  Pad: (inputs, attrs, node) => {
    const x = tensorIn(node, inputs, 0);
    const pads = ints(inputs[1], `Pad '${node.name}' pads`);
    if (inputs[3] !== undefined) refuse(node, 'the axes input');
    if (pads.length !== 2 * x.rank) refuse(node, `${pads.length} pads for rank ${x.rank}`);
    const mode = str(attrs, 'mode', 'constant');
    // Core's pad takes PyTorch's flat order: last axis first, (begin, end) each.
    const flat: number[] = [];
    for (let a = x.rank - 1; a >= 0; a--) flat.push(pads[a] as number, pads[a + x.rank] as number);
    const value = inputs[2] !== undefined && isHost(inputs[2]) ? (inputs[2].data[0] ?? 0) : 0;
    if (mode === 'constant') return [t.pad(x, flat, { value })];
    if (mode === 'reflect') return [t.pad(x, flat, { mode: 'reflect' })];
    if (mode === 'edge') return [t.pad(x, flat, { mode: 'replicate' })];
    return refuse(node, `mode '${mode}'`);
  },
  Split: (inputs, attrs, node) => {
    const x = tensorIn(node, inputs, 0);
    const axis = axisOf(num(attrs, 'axis', 0), x.rank);
    const size = x.shape[axis] as number;
    const parts = node.outputs.length;
    const sizes =
      inputs[1] !== undefined
        ? ints(inputs[1], `Split '${node.name}' split`)
        : (list(attrs, 'split') ?? new Array<number>(parts).fill(Math.ceil(size / parts)));
    if (sizes.reduce((a, b) => a + b, 0) < size || sizes.length !== parts) refuse(node, `split sizes [${sizes.join(', ')}] of ${size}`);
    return t.split(
      x,
      sizes.map((s, i) => Math.min(s, size - sizes.slice(0, i).reduce((a, b) => a + b, 0))),
      axis,
    );
  },
  InstanceNormalization: instanceNorm,
  Softmax: softmaxLike(t.softmax),
  LogSoftmax: softmaxLike(t.logSoftmax),
  Conv: conv,
  ConvTranspose: convTranspose,
  MaxPool: pool('max'),
  AveragePool: pool('avg'),
  GlobalAveragePool: unary((x) => x.mean(spatialAxes(x), true)),
  GlobalMaxPool: unary((x) => x.amax(spatialAxes(x), true)),
  BatchNormalization: batchNorm,
  LayerNormalization: layerNorm,
  ReduceMean: reduce('mean'),
  ReduceSum: reduce('sum'),
  GRU: gru,
  LSTM: lstm,
  RNN: rnn,
};
