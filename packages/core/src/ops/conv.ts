import type { Conv2dGeometry } from '../backend/backend.js';
import { isGradEnabled, noGrad, record } from '../autograd.js';
import { isFloat } from '../dtype.js';
import { ArgumentError, DTypeError, ShapeError, fmtShape } from '../errors.js';
import { tidy } from '../scope.js';
import { type Tensor, fromHandle } from '../tensor.js';
import { concat, narrow } from './shape.js';
import { backendOf } from './util.js';

export type Pair = number | readonly [number, number];
export type Padding = Pair | 'valid' | 'same';

export interface Conv2dOptions {
  stride?: Pair;
  /** Zero padding per side, or 'valid' (none) or 'same' (output size = input size; stride 1). */
  padding?: Padding;
  dilation?: Pair;
  groups?: number;
}

export const pair = (v: Pair | undefined, dflt: number): [number, number] =>
  v === undefined ? [dflt, dflt] : typeof v === 'number' ? [v, v] : [v[0], v[1]];

export function positive(op: string, name: string, v: readonly number[], min = 1): void {
  if (v.some((x) => !Number.isInteger(x) || x < min)) throw new ArgumentError(`${op}: ${name} [${v.join(',')}] must be integers ≥ ${min}`);
}

/** Window geometry over NCHW input x for a kh×kw window: checked, with output size. */
export function windowGeometry(
  op: string,
  x: Tensor,
  kernel: [number, number],
  options: { stride?: Pair; padding?: Padding; dilation?: Pair },
  channels = x.shape[1],
): Conv2dGeometry {
  if (x.rank !== 4) throw new ShapeError(`${op}: input must be 4-D NCHW, got ${fmtShape(x.shape)}`);
  return geometryOf(op, x.shape, kernel, options, channels);
}

/** windowGeometry from an NCHW shape alone (fold knows its output shape, not an input). */
export function geometryOf(
  op: string,
  shape: readonly number[],
  kernel: [number, number],
  options: { stride?: Pair; padding?: Padding; dilation?: Pair },
  channels = shape[1],
): Conv2dGeometry {
  const [kh, kw] = kernel;
  const [sh, sw] = pair(options.stride, 1);
  const [dh, dw] = pair(options.dilation, 1);
  positive(op, 'kernel size', kernel);
  positive(op, 'stride', [sh, sw]);
  positive(op, 'dilation', [dh, dw]);
  const [n, , h, w] = shape;
  let top: number, left: number, bottom: number, right: number;
  const p = options.padding ?? 0;
  if (p === 'same') {
    if (sh !== 1 || sw !== 1) throw new ArgumentError(`${op}: padding 'same' needs stride 1, got [${sh},${sw}]`);
    const th = dh * (kh - 1);
    const tw = dw * (kw - 1);
    [top, left] = [Math.floor(th / 2), Math.floor(tw / 2)];
    [bottom, right] = [th - top, tw - left];
  } else if (p === 'valid') {
    [top, left, bottom, right] = [0, 0, 0, 0];
  } else {
    [top, left] = pair(p, 0);
    [bottom, right] = [top, left];
    positive(op, 'padding', [top, left], 0);
  }
  const outH = Math.floor((h + top + bottom - dh * (kh - 1) - 1) / sh) + 1;
  const outW = Math.floor((w + left + right - dw * (kw - 1) - 1) / sw) + 1;
  if (outH <= 0 || outW <= 0) {
    throw new ShapeError(
      `${op}: input ${fmtShape(shape)} is smaller than the ${kh}×${kw} window (dilation [${dh},${dw}], padding [${top},${left}])`,
    );
  }
  return { n, c: channels, h, w, kh, kw, strideH: sh, strideW: sw, padTop: top, padLeft: left, dilationH: dh, dilationW: dw, outH, outW };
}

/** im2col as a kernel call, not recorded: [n, c, h, w] → [n, c*kh*kw, outH*outW]. */
function im2col(x: Tensor, g: Conv2dGeometry, padValue = 0): Tensor {
  const b = backendOf('unfold', x);
  return fromHandle(b, b.im2col(x.handle('unfold'), x.dtype, g, padValue), [g.n, g.c * g.kh * g.kw, g.outH * g.outW], x.dtype);
}

/**
 * im2col and col2im as recorded ops, each the other's gradient (both are
 * linear), so unfold's and the conv fallbacks' backwards are differentiable.
 */
export function unfoldOp(x: Tensor, g: Conv2dGeometry, padValue = 0): Tensor {
  return record('unfold', [x], im2col(x, g, padValue), (grad) => [foldOp(grad, g)]);
}

export function foldOp(cols: Tensor, g: Conv2dGeometry): Tensor {
  const b = backendOf('fold', cols);
  const out = fromHandle(b, b.col2im(cols.handle('fold'), cols.dtype, g), [g.n, g.c, g.h, g.w], cols.dtype);
  return record('fold', [cols], out, (grad) => [unfoldOp(grad, g)]);
}

export interface UnfoldOptions {
  stride?: Pair;
  padding?: Padding;
  dilation?: Pair;
  /** What reads outside the input give (0, as PyTorch; pooling uses -Infinity). */
  padValue?: number;
}

/**
 * Sliding windows as columns (torch.nn.functional.unfold, im2col):
 * [n, c, h, w] → [n, c*kh*kw, L], or unbatched [c, h, w] → [c*kh*kw, L],
 * L the number of window positions. The gradient folds back (col2im).
 *
 * @example
 * t.unfold(x, 3, { padding: 1 }) // x [1, 2, 4, 4] → [1, 18, 16]
 */
export function unfold(x: Tensor, kernelSize: Pair, options: UnfoldOptions = {}): Tensor {
  return tidy(() =>
    unbatched('unfold', x, (x4) => unfoldOp(x4, windowGeometry('unfold', x4, pair(kernelSize, 1), options), options.padValue ?? 0)),
  );
}

export interface FoldOptions {
  stride?: Pair;
  padding?: Pair;
  dilation?: Pair;
}

/**
 * Sums sliding-window columns back into an image (torch.nn.functional.fold,
 * col2im), the adjoint of unfold: [n, c*kh*kw, L] → [n, c, h, w], or
 * unbatched [c*kh*kw, L] → [c, h, w]; overlapping windows add up.
 *
 * @example
 * t.fold(t.unfold(x, 2), [4, 4], 2) // x [1, 3, 4, 4]: each pixel times the windows covering it
 */
export function fold(cols: Tensor, outputSize: Pair, kernelSize: Pair, options: FoldOptions = {}): Tensor {
  if (cols.rank === 2) return tidy(() => fold(cols.unsqueeze(0), outputSize, kernelSize, options).squeeze(0));
  if (cols.rank !== 3) throw new ShapeError(`fold: input must be [C*kh*kw, L] or [N, C*kh*kw, L], got ${fmtShape(cols.shape)}`);
  const [h, w] = pair(outputSize, 1);
  positive('fold', 'outputSize', [h, w]);
  const kernel = pair(kernelSize, 1);
  positive('fold', 'kernel size', kernel);
  const [n, ckk, l] = cols.shape;
  const k = kernel[0] * kernel[1];
  if (ckk % k !== 0) {
    throw new ShapeError(
      `fold: input ${fmtShape(cols.shape)} dimension 1 (${ckk}) must be divisible by the kernel size's product ${kernel.join('×')} = ${k}`,
    );
  }
  const g = geometryOf('fold', [n, ckk / k, h, w], kernel, options);
  if (g.outH * g.outW !== l) {
    throw new ShapeError(
      `fold: input ${fmtShape(cols.shape)} has ${l} blocks, but outputSize [${h},${w}], kernelSize [${kernel.join(',')}] ` +
        `and options ${JSON.stringify(options)} make ${g.outH} * ${g.outW} = ${g.outH * g.outW}`,
    );
  }
  if (!isFloat(cols.dtype)) throw new DTypeError(`fold: input must be a float dtype, got ${cols.dtype}`);
  return foldOp(cols, g);
}

/** Per-group forward by im2col + matmul (the fallback when the backend has no fused conv2d). */
function convForward(x: Tensor, w: Tensor, full: Conv2dGeometry, groups: number): Tensor {
  const g = { ...full, c: full.c / groups };
  const o = w.shape[0];
  const og = o / groups;
  const parts: Tensor[] = [];
  for (let k = 0; k < groups; k++) {
    const xg = groups === 1 ? x : narrow(x, 1, k * g.c, g.c);
    const wg = (groups === 1 ? w : narrow(w, 0, k * og, og)).reshape([og, g.c * g.kh * g.kw]);
    parts.push(wg.matmul(im2col(xg, g)).reshape([g.n, og, g.outH, g.outW]));
  }
  return groups === 1 ? parts[0] : concat(parts, 1);
}

export function convInputGrad(dy: Tensor, w: Tensor, full: Conv2dGeometry, groups: number): Tensor {
  const g = { ...full, c: full.c / groups };
  const og = w.shape[0] / groups;
  const parts: Tensor[] = [];
  for (let k = 0; k < groups; k++) {
    const dyg = (groups === 1 ? dy : narrow(dy, 1, k * og, og)).reshape([g.n, og, g.outH * g.outW]);
    const wg = (groups === 1 ? w : narrow(w, 0, k * og, og)).reshape([og, g.c * g.kh * g.kw]);
    parts.push(foldOp(wg.matmul(dyg, { transA: true }), g));
  }
  return groups === 1 ? parts[0] : concat(parts, 1);
}

function convFilterGrad(x: Tensor, dy: Tensor, full: Conv2dGeometry, groups: number): Tensor {
  const g = { ...full, c: full.c / groups };
  const og = dy.shape[1] / groups;
  const parts: Tensor[] = [];
  for (let k = 0; k < groups; k++) {
    const xg = groups === 1 ? x : narrow(x, 1, k * g.c, g.c);
    const dyg = (groups === 1 ? dy : narrow(dy, 1, k * og, og)).reshape([g.n, og, g.outH * g.outW]);
    const dw = dyg.matmul(unfoldOp(xg, g), { transB: true }).sum(0);
    parts.push(dw.reshape([og, g.c, g.kh, g.kw]));
  }
  return groups === 1 ? parts[0] : concat(parts, 0);
}

/**
 * 2-D convolution over NCHW input (or unbatched CHW, giving CHW) with weight
 * [out, in/groups, kh, kw] (PyTorch's layout).
 *
 * @example
 * conv2d(x, w, b, { stride: 1, padding: 'same' }) // x [n, c, h, w] → [n, out, h, w]
 */
export function conv2d(x: Tensor, weight: Tensor, bias?: Tensor | null, options: Conv2dOptions = {}): Tensor {
  return tidy(() => unbatched('conv2d', x, (x4) => conv2dOp(x4, weight, bias, options)));
}

/**
 * Runs a 4-D NCHW op on unbatched [C, H, W] input too, as PyTorch does: as a
 * batch of one, returning the unbatched shape.
 */
export function unbatched(op: string, x: Tensor, fn: (x4: Tensor) => Tensor): Tensor {
  if (x.rank === 3) return fn(x.unsqueeze(0)).squeeze(0);
  if (x.rank !== 4) throw new ShapeError(`${op}: input must be [C, H, W] or [N, C, H, W], got ${fmtShape(x.shape)}`);
  return fn(x);
}

function conv2dOp(x: Tensor, weight: Tensor, bias: Tensor | null | undefined, options: Conv2dOptions): Tensor {
  const groups = options.groups ?? 1;
  if (weight.rank !== 4) throw new ShapeError(`conv2d: weight must be 4-D [out, in/groups, kh, kw], got ${fmtShape(weight.shape)}`);
  if (!isFloat(x.dtype) || x.dtype !== weight.dtype)
    throw new DTypeError(`conv2d: input ${x.dtype} and weight ${weight.dtype} must be one float dtype`);
  const [o, cg, kh, kw] = weight.shape;
  if (!Number.isInteger(groups) || groups < 1 || x.shape[1] % groups !== 0 || o % groups !== 0) {
    throw new ArgumentError(`conv2d: groups ${groups} must divide input channels ${x.shape[1]} and output channels ${o}`);
  }
  if (x.shape[1] / groups !== cg) {
    throw new ShapeError(
      `conv2d: input ${fmtShape(x.shape)} has ${x.shape[1]} channels, weight ${fmtShape(weight.shape)} expects ${cg * groups} (groups ${groups})`,
    );
  }
  if (bias && (bias.rank !== 1 || bias.shape[0] !== o)) throw new ShapeError(`conv2d: bias ${fmtShape(bias.shape)} must be [${o}]`);
  // g.c counts all input channels, as the backend contract says; the
  // per-group fallbacks below narrow it to one group's channels.
  const g = windowGeometry('conv2d', x, [kh, kw], options);
  const b = backendOf('conv2d', x, weight);
  let out: Tensor;
  if (b.conv2d) {
    out = fromHandle(b, b.conv2d(x.handle('conv2d'), weight.handle('conv2d'), x.dtype, g, o, groups), [g.n, o, g.outH, g.outW], x.dtype);
  } else {
    out = noGrad(() => tidy(() => convForward(x, weight, g, groups)));
  }
  // Fused gradient kernels are not differentiable: under createGraph (recording on) the composite runs.
  out = record('conv2d', [x, weight], out, (dy, _o, needs) => [
    needs[0]
      ? b.conv2dBackwardInput && !isGradEnabled()
        ? fromHandle(b, b.conv2dBackwardInput(dy.handle('conv2d'), weight.handle('conv2d'), dy.dtype, g, o, groups), x.shape, dy.dtype)
        : convInputGrad(dy, weight, g, groups)
      : null,
    needs[1]
      ? b.conv2dBackwardFilter && !isGradEnabled()
        ? fromHandle(b, b.conv2dBackwardFilter(x.handle('conv2d'), dy.handle('conv2d'), dy.dtype, g, o, groups), weight.shape, dy.dtype)
        : convFilterGrad(x, dy, g, groups)
      : null,
  ]);
  return bias ? out.add(bias.reshape([1, o, 1, 1])) : out;
}
