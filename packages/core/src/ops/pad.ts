import { ArgumentError, ShapeError, fmtShape } from '../errors.js';
import { tidy } from '../scope.js';
import { type Tensor, fromHandle } from '../tensor.js';
import { indexSelectOp } from './indexing.js';
import { pad as constantPad } from './shape.js';

export type PadMode = 'constant' | 'reflect' | 'replicate' | 'circular';

export interface PadOptions {
  /** How the new entries are filled (default 'constant'): the value, the mirror image without the edge, the edge, or the other end. */
  mode?: PadMode;
  /** The fill of 'constant' mode (default 0). */
  value?: number;
}

/**
 * Pads (or, with negative pads, crops) the last axes, as torch.nn.functional.pad.
 * `pads` is either PyTorch's flat list, last axis first
 * (`[left, right, top, bottom, …]`), or [before, after] pairs for the last
 * pads.length axes in axis order (`[[top, bottom], [left, right]]`).
 * Modes other than 'constant' pick entries of x along each axis, so the
 * gradient adds back into the entries each pad copied; 'reflect' needs pads
 * smaller than the axis and 'circular' pads at most the axis size (PyTorch's limits).
 *
 * @example
 * t.pad(x, [1, 1, 2, 2], { mode: 'reflect' }) // x [n, c, h, w] → [n, c, h + 4, w + 2]
 * t.pad(x, [[0, 1]], 5) // constant 5
 */
export function pad(
  x: Tensor,
  pads: readonly number[] | readonly (readonly [number, number])[],
  options: number | PadOptions = {},
): Tensor {
  const { mode = 'constant', value } = typeof options === 'number' ? { mode: 'constant' as const, value: options } : options;
  const pairs = asPairs(x, pads);
  if (mode === 'constant') return constantPad(x, pairs, value ?? 0);
  if (!(mode in INDEX_OF)) throw new ArgumentError(`pad: mode '${String(mode)}' must be 'constant', 'reflect', 'replicate' or 'circular'`);
  if (value !== undefined && value !== 0) throw new ArgumentError(`pad: mode '${mode}' takes no value (got ${value})`);
  const lead = x.rank - pairs.length;
  const plans = pairs.map(([before, after], i) => {
    const axis = lead + i;
    const n = x.shape[axis];
    if (!Number.isInteger(before) || !Number.isInteger(after))
      throw new ArgumentError(`pad: pads must be integers, got ${JSON.stringify(pads)}`);
    checkModeLimits(mode, x, axis, before, after);
    return { axis, indices: indicesFor(mode, n, before, after) };
  });
  return tidy(() => {
    const y = plans.reduce((y, { axis, indices }) => {
      if (indices === null) return y;
      const at = fromHandle(y.backend, y.backend.upload(indices, 'int32'), [indices.length], 'int32');
      return indexSelectOp(y, axis, at);
    }, x);
    return y === x ? x.clone() : y;
  });
}

/** PyTorch's flat last-axis-first list, or pairs, as pairs in axis order. */
function asPairs(x: Tensor, pads: readonly number[] | readonly (readonly [number, number])[]): [number, number][] {
  if (pads.length === 0 || Array.isArray(pads[0])) return (pads as readonly (readonly [number, number])[]).map(([b, a]) => [b, a]);
  const flat = pads as readonly number[];
  if (flat.length % 2 !== 0 || flat.length / 2 > x.rank) {
    throw new ShapeError(
      `pad: a flat pads list needs an even length of at most ${2 * x.rank} for ${fmtShape(x.shape)}, got ${flat.length}`,
    );
  }
  const pairs: [number, number][] = [];
  for (let i = flat.length - 2; i >= 0; i -= 2) pairs.push([flat[i], flat[i + 1]]);
  return pairs;
}

function checkModeLimits(mode: PadMode, x: Tensor, axis: number, before: number, after: number): void {
  const n = x.shape[axis];
  const worst = Math.max(before, after);
  if (n === 0 && (before > 0 || after > 0))
    throw new ShapeError(`pad: mode '${mode}' cannot pad the empty axis ${axis} of ${fmtShape(x.shape)}`);
  if (mode === 'reflect' && worst >= n) {
    throw new ArgumentError(
      `pad: 'reflect' padding (${before}, ${after}) at axis ${axis} of ${fmtShape(x.shape)} must be smaller than the axis size ${n}`,
    );
  }
  if (mode === 'circular' && worst > n) {
    throw new ArgumentError(
      `pad: 'circular' padding (${before}, ${after}) at axis ${axis} of ${fmtShape(x.shape)} wraps around more than once (size ${n})`,
    );
  }
  if (before + n + after < 0)
    throw new ShapeError(`pad: pads (${before}, ${after}) crop more than axis ${axis} of ${fmtShape(x.shape)} has`);
}

/** Source position of output position j (from -before) along an axis of n entries. */
const INDEX_OF: Record<Exclude<PadMode, 'constant'>, (j: number, n: number) => number> = {
  reflect: (j, n) => (j < 0 ? -j : j >= n ? 2 * (n - 1) - j : j),
  replicate: (j, n) => Math.min(Math.max(j, 0), n - 1),
  circular: (j, n) => ((j % n) + n) % n,
};

function indicesFor(mode: Exclude<PadMode, 'constant'>, n: number, before: number, after: number): Int32Array | null {
  if (before === 0 && after === 0) return null;
  const out = new Int32Array(Math.max(0, before + n + after));
  for (let k = 0; k < out.length; k++) out[k] = INDEX_OF[mode](k - before, n);
  return out;
}
