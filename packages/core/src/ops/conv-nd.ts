import type { Conv2dGeometry } from '../backend/backend.js';
import { isFloat } from '../dtype.js';
import { ArgumentError, DTypeError, ShapeError, fmtShape } from '../errors.js';
import { tidy } from '../scope.js';
import type { Tensor } from '../tensor.js';
import { type Pair, conv2d, convInputGrad, positive } from './conv.js';
import { pad, slice, stack } from './shape.js';

/** One value for every spatial axis, or one per axis. */
export type Triple = number | readonly [number, number, number];
export type Single = number | readonly [number];

export interface Conv1dOptions {
  stride?: Single;
  /** Zero padding per side, or 'valid' (none) or 'same' (output length = input length; stride 1). */
  padding?: Single | 'valid' | 'same';
  dilation?: Single;
  groups?: number;
}

export interface Conv3dOptions {
  stride?: Triple;
  /** Zero padding per side, or 'valid' (none) or 'same' (output size = input size; stride 1). */
  padding?: Triple | 'valid' | 'same';
  dilation?: Triple;
  groups?: number;
}

export interface ConvTransposeOptions<P> {
  stride?: P;
  /** Trims this many entries from each side of the output (the conv it transposes padded its input by this much). */
  padding?: P;
  /** Extra size added to one side of each output axis (smaller than stride or dilation): picks among the input sizes a strided conv maps to one output size. */
  outputPadding?: P;
  groups?: number;
  dilation?: P;
}

export type ConvTranspose1dOptions = ConvTransposeOptions<Single>;
export type ConvTranspose2dOptions = ConvTransposeOptions<Pair>;

const single = (v: Single | undefined, dflt: number): number => (v === undefined ? dflt : typeof v === 'number' ? v : v[0]);
const triple = (v: Triple | undefined, dflt: number): [number, number, number] =>
  v === undefined ? [dflt, dflt, dflt] : typeof v === 'number' ? [v, v, v] : [v[0], v[1], v[2]];
const pairOf = (v: Pair | undefined, dflt: number): [number, number] =>
  v === undefined ? [dflt, dflt] : typeof v === 'number' ? [v, v] : [v[0], v[1]];

/**
 * PyTorch's checks of a convolution's operands, before any work: ranks,
 * one float dtype, groups dividing the channels, the channels matching the
 * weight (for a transposed conv the weight is [in, out/groups, k…]), bias [out].
 * Returns the output channel count.
 */
function checkConv(
  op: string,
  x: Tensor,
  weight: Tensor,
  bias: Tensor | null | undefined,
  groups: number,
  spatial: number,
  transposed: boolean,
): number {
  const axes = ['L', 'H, W', 'D, H, W'][spatial - 1];
  if (x.rank !== spatial + 1 && x.rank !== spatial + 2) {
    throw new ShapeError(`${op}: input must be [C, ${axes}] or [N, C, ${axes}], got ${fmtShape(x.shape)}`);
  }
  const k = ['k', 'kh, kw', 'kd, kh, kw'][spatial - 1];
  if (weight.rank !== spatial + 2) {
    const layout = transposed ? `[in, out/groups, ${k}]` : `[out, in/groups, ${k}]`;
    throw new ShapeError(`${op}: weight must be ${spatial + 2}-D ${layout}, got ${fmtShape(weight.shape)}`);
  }
  if (!isFloat(x.dtype) || x.dtype !== weight.dtype) {
    throw new DTypeError(`${op}: input ${x.dtype} and weight ${weight.dtype} must be one float dtype`);
  }
  const c = x.shape[x.rank - spatial - 1];
  const out = transposed ? weight.shape[1] * groups : weight.shape[0];
  const expected = transposed ? weight.shape[0] : weight.shape[1] * groups;
  if (!Number.isInteger(groups) || groups < 1 || c % groups !== 0 || out % groups !== 0 || weight.shape[0] % groups !== 0) {
    throw new ArgumentError(`${op}: groups ${groups} must divide input channels ${c} and output channels ${out}`);
  }
  if (c !== expected) {
    throw new ShapeError(
      `${op}: input ${fmtShape(x.shape)} has ${c} channels, weight ${fmtShape(weight.shape)} expects ${expected} (groups ${groups})`,
    );
  }
  if (bias && (bias.rank !== 1 || bias.shape[0] !== out)) throw new ShapeError(`${op}: bias ${fmtShape(bias.shape)} must be [${out}]`);
  if (bias && bias.dtype !== x.dtype) throw new DTypeError(`${op}: bias ${bias.dtype} must match input ${x.dtype}`);
  return out;
}

/** Runs fn on batched input, adding and removing the batch axis of unbatched input (rank `batched` - 1). */
function batchedOnly(x: Tensor, batched: number, fn: (x: Tensor) => Tensor): Tensor {
  return x.rank === batched ? fn(x) : fn(x.unsqueeze(0)).squeeze(0);
}

/**
 * 1-D convolution over [N, C, L] (or unbatched [C, L]) with weight
 * [out, in/groups, k] (PyTorch's layout): conv2d over a height of 1.
 *
 * @example
 * t.conv1d(x, w, b, { padding: 'same' }) // x [n, c, l] → [n, out, l]
 */
export function conv1d(x: Tensor, weight: Tensor, bias?: Tensor | null, options: Conv1dOptions = {}): Tensor {
  const groups = options.groups ?? 1;
  checkConv('conv1d', x, weight, bias, groups, 1, false);
  const p = options.padding ?? 0;
  const padding = p === 'same' || p === 'valid' ? p : ([0, single(p, 0)] as const);
  return tidy(() =>
    conv2d(x.unsqueeze(-2), weight.unsqueeze(-2), bias, {
      stride: [1, single(options.stride, 1)],
      padding,
      dilation: [1, single(options.dilation, 1)],
      groups,
    }).squeeze(-2),
  );
}

/**
 * 3-D convolution over [N, C, D, H, W] (or unbatched [C, D, H, W]) with weight
 * [out, in/groups, kd, kh, kw] (PyTorch's layout). Composed: the kd depth
 * slices each window reads are stacked into the channels, so one conv2d over
 * [N·outD, C·kd, H, W] with the weight viewed as [out, in/groups·kd, kh, kw]
 * computes it (gradients and second order through conv2d, slice and stack).
 *
 * @example
 * t.conv3d(x, w, b, { padding: 1 }) // x [n, c, d, h, w], w [o, c, 3, 3, 3] → [n, o, d, h, w]
 */
export function conv3d(x: Tensor, weight: Tensor, bias?: Tensor | null, options: Conv3dOptions = {}): Tensor {
  const groups = options.groups ?? 1;
  const out = checkConv('conv3d', x, weight, bias, groups, 3, false);
  const stride = triple(options.stride, 1);
  const dilation = triple(options.dilation, 1);
  positive('conv3d', 'stride', stride);
  positive('conv3d', 'dilation', dilation);
  const [, cg, kd, kh, kw] = weight.shape;
  const p = options.padding ?? 0;
  let depthPad: [number, number];
  let planePad: Pair | 'same';
  if (p === 'same') {
    if (stride.some((s) => s !== 1)) throw new ArgumentError(`conv3d: padding 'same' needs stride 1, got [${stride.join(',')}]`);
    const total = dilation[0] * (kd - 1);
    depthPad = [Math.floor(total / 2), total - Math.floor(total / 2)];
    planePad = 'same';
  } else {
    const [pd, ph, pw] = p === 'valid' ? [0, 0, 0] : triple(p, 0);
    positive('conv3d', 'padding', [pd, ph, pw], 0);
    depthPad = [pd, pd];
    planePad = [ph, pw];
  }
  return tidy(() =>
    batchedOnly(x, 5, (x5) => {
      const [n, c, d] = x5.shape;
      const span = dilation[0] * (kd - 1) + 1;
      const outD = Math.floor((d + depthPad[0] + depthPad[1] - span) / stride[0]) + 1;
      if (outD <= 0) {
        throw new ShapeError(
          `conv3d: input ${fmtShape(x.shape)} is shallower than the kernel's depth ${kd} (dilation ${dilation[0]}, padding ${depthPad[0]})`,
        );
      }
      const xp = depthPad[0] || depthPad[1] ? pad(x5, [depthPad, [0, 0], [0, 0]]) : x5;
      // Slice i holds the depth plane that kernel depth i reads for every output depth.
      const slices = Array.from({ length: kd }, (_, i) =>
        slice(xp, [null, null, [i * dilation[0], i * dilation[0] + stride[0] * (outD - 1) + 1, stride[0]]]),
      );
      const [h, w] = x5.shape.slice(3);
      // [N, C, outD, kd, H, W] → [N·outD, C·kd, H, W]: channel (c, i), so each group's channels stay contiguous.
      const cols = stack(slices, 3)
        .permute([0, 2, 1, 3, 4, 5])
        .reshape([n * outD, c * kd, h, w]);
      const y = conv2d(cols, weight.reshape([out, cg * kd, kh, kw]), null, {
        stride: [stride[1], stride[2]],
        padding: planePad,
        dilation: [dilation[1], dilation[2]],
        groups,
      });
      const [oh, ow] = y.shape.slice(2);
      const result = y.reshape([n, outD, out, oh, ow]).permute([0, 2, 1, 3, 4]);
      return bias ? result.add(bias.reshape([1, out, 1, 1, 1])) : result;
    }),
  );
}

/**
 * Transposed 2-D convolution (torch.nn.functional.conv_transpose2d, the
 * gradient of conv2d with respect to its input) over [N, C_in, H, W] (or
 * unbatched [C_in, H, W]), weight [in, out/groups, kh, kw] (PyTorch's layout).
 * Output size per axis: (in - 1)·stride - 2·padding + dilation·(k - 1) + outputPadding + 1.
 * Composed as col2im(wᵀ·x), the adjoint of conv2d's im2col + matmul.
 *
 * @example
 * t.convTranspose2d(x, w, b, { stride: 2, padding: 1, outputPadding: 1 }) // [n, c, h, w] → [n, o, 2h, 2w] for k 3
 */
export function convTranspose2d(x: Tensor, weight: Tensor, bias?: Tensor | null, options: ConvTranspose2dOptions = {}): Tensor {
  return convTranspose('convTranspose2d', x, weight, bias, options.groups ?? 1, {
    stride: pairOf(options.stride, 1),
    padding: pairOf(options.padding, 0),
    outputPadding: pairOf(options.outputPadding, 0),
    dilation: pairOf(options.dilation, 1),
  });
}

/**
 * Transposed 1-D convolution over [N, C_in, L] (or unbatched [C_in, L]),
 * weight [in, out/groups, k]: convTranspose2d over a height of 1.
 *
 * @example
 * t.convTranspose1d(x, w, null, { stride: 2 }) // [n, c, l] → [n, o, 2l] for k 2
 */
export function convTranspose1d(x: Tensor, weight: Tensor, bias?: Tensor | null, options: ConvTranspose1dOptions = {}): Tensor {
  const groups = options.groups ?? 1;
  checkConv('convTranspose1d', x, weight, bias, groups, 1, true);
  return tidy(() =>
    convTranspose('convTranspose1d', x.unsqueeze(-2), weight.unsqueeze(-2), bias, groups, {
      stride: [1, single(options.stride, 1)],
      padding: [0, single(options.padding, 0)],
      outputPadding: [0, single(options.outputPadding, 0)],
      dilation: [1, single(options.dilation, 1)],
    }).squeeze(-2),
  );
}

interface TransposeGeometry {
  stride: [number, number];
  padding: [number, number];
  outputPadding: [number, number];
  dilation: [number, number];
}

function convTranspose(
  op: string,
  x: Tensor,
  weight: Tensor,
  bias: Tensor | null | undefined,
  groups: number,
  o: TransposeGeometry,
): Tensor {
  const out = checkConv(op, x, weight, bias, groups, 2, true);
  positive(op, 'stride', o.stride);
  positive(op, 'dilation', o.dilation);
  positive(op, 'padding', o.padding, 0);
  positive(op, 'outputPadding', o.outputPadding, 0);
  for (const a of [0, 1]) {
    if (o.outputPadding[a] >= o.stride[a] && o.outputPadding[a] >= o.dilation[a]) {
      throw new ArgumentError(
        `${op}: outputPadding [${o.outputPadding}] must be smaller than either stride [${o.stride}] or dilation [${o.dilation}]`,
      );
    }
  }
  const [kh, kw] = weight.shape.slice(2);
  return tidy(() =>
    batchedOnly(x, 4, (x4) => {
      const [n, , h, w] = x4.shape;
      const size = (a: number, len: number, k: number) =>
        (len - 1) * o.stride[a] - 2 * o.padding[a] + o.dilation[a] * (k - 1) + o.outputPadding[a] + 1;
      const [outH, outW] = [size(0, h, kh), size(1, w, kw)];
      if (outH <= 0 || outW <= 0) {
        throw new ShapeError(`${op}: input ${fmtShape(x.shape)} and padding [${o.padding}] give an output of [${outH},${outW}]`);
      }
      // The conv2d whose input gradient this is: from the [outH, outW] image to x's [h, w] positions.
      const g: Conv2dGeometry = {
        n,
        c: out,
        h: outH,
        w: outW,
        kh,
        kw,
        strideH: o.stride[0],
        strideW: o.stride[1],
        padTop: o.padding[0],
        padLeft: o.padding[1],
        dilationH: o.dilation[0],
        dilationW: o.dilation[1],
        outH: h,
        outW: w,
      };
      const y = convInputGrad(x4, weight, g, groups);
      return bias ? y.add(bias.reshape([1, out, 1, 1])) : y;
    }),
  );
}
