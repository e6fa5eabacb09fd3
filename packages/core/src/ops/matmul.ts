import type { MatmulParams } from '../backend/backend.js';
import { record } from '../autograd.js';
import { promoteTypes } from '../dtype.js';
import { DTypeError, ShapeError, fmtShape } from '../errors.js';
import { broadcastShapes, shapesEqual, sizeOf } from '../shape.js';
import { tidy } from '../scope.js';
import { type Tensor, fromHandle } from '../tensor.js';
import { matrixOperand } from '../layout.js';
import { cast } from './cast.js';
import { backendOf } from './util.js';

export interface MatmulOptions {
  /** Use the transpose of a's last two axes. */
  transA?: boolean;
  /** Use the transpose of b's last two axes. */
  transB?: boolean;
}

/**
 * Matrix product with PyTorch's matmul rules: 1-D operands are vectors,
 * leading axes are batch axes that broadcast. Transpose flags read the last
 * two axes of an operand transposed, with no copy.
 *
 * @example
 * matmul(x, w, { transB: true }) // x [batch, in] · wᵀ, w [out, in] → [batch, out]
 */
export function matmul(a: Tensor, b: Tensor, options: MatmulOptions = {}): Tensor {
  return tidy(() => matmulOp(a, b, options));
}

function matmulOp(a: Tensor, b: Tensor, options: MatmulOptions): Tensor {
  let transA = options.transA ?? false;
  let transB = options.transB ?? false;
  if (a.rank === 0 || b.rank === 0) {
    throw new ShapeError(`matmul: operands must have at least one axis, got ${fmtShape(a.shape)} x ${fmtShape(b.shape)}`);
  }
  if (a.dtype === 'bool' || b.dtype === 'bool') throw new DTypeError(`matmul: takes numeric tensors, got ${a.dtype} x ${b.dtype}`);
  const dtype = promoteTypes(a.dtype, b.dtype);
  const a2 = a.rank === 1 ? a.reshape([1, a.shape[0]]) : a;
  const b2 = b.rank === 1 ? b.reshape([b.shape[0], 1]) : b;
  if (a.rank === 1) transA = false;
  if (b.rank === 1) transB = false;
  const [m, k] = transA ? [a2.shape[a2.rank - 1], a2.shape[a2.rank - 2]] : [a2.shape[a2.rank - 2], a2.shape[a2.rank - 1]];
  const [k2, n] = transB ? [b2.shape[b2.rank - 1], b2.shape[b2.rank - 2]] : [b2.shape[b2.rank - 2], b2.shape[b2.rank - 1]];
  if (k !== k2) {
    const flags = transA || transB ? ` (transA: ${transA}, transB: ${transB})` : '';
    throw new ShapeError(`matmul: inner dimensions differ: ${fmtShape(a.shape)} x ${fmtShape(b.shape)}${flags}`);
  }
  const batchA = a2.shape.slice(0, -2);
  const batchB = b2.shape.slice(0, -2);
  const batch = broadcastShapes('matmul', batchA, batchB);
  let out: Tensor;
  if (sizeOf(batchB) === 1 && !transA && batchA.length > 0) {
    // A shared right operand: fold a's batch into its rows (one big product).
    const flat = a2.reshape([sizeOf(batchA) * m, k]);
    out = product(cast2(flat, dtype), cast2(b2.reshape([b2.shape.at(-2)!, b2.shape.at(-1)!]), dtype), false, transB);
    out = out.reshape([...batch, m, n]); // b's batch axes are all 1, so batch has a's sizes
  } else {
    const aE = fitBatch(cast2(a2, dtype), batch);
    const bE = fitBatch(cast2(b2, dtype), batch);
    out = product(aE, bE, transA, transB, batch);
  }
  if (a.rank === 1 && b.rank === 1) return out.reshape([]);
  if (a.rank === 1) return out.reshape([...out.shape.slice(0, -2), n]);
  if (b.rank === 1) return out.reshape([...out.shape.slice(0, -2), m]);
  return out;
}

function cast2(x: Tensor, dtype: Tensor['dtype']): Tensor {
  return x.dtype === dtype ? x : cast(x, dtype);
}

/** Leaves an operand whose batch is 1 or already full; expands (copies) partial broadcasts. */
function fitBatch(x: Tensor, batch: readonly number[]): Tensor {
  const own = x.shape.slice(0, -2);
  if (sizeOf(own) === 1 || shapesEqual(own, batch)) return x;
  return x.expand([...batch, ...x.shape.slice(-2)]);
}

/** The recorded batched product of operands already fitted to the batch. */
function product(a: Tensor, b: Tensor, transA: boolean, transB: boolean, batch: readonly number[] = []): Tensor {
  const backend = backendOf('matmul', a, b);
  const m = transA ? a.shape.at(-1)! : a.shape.at(-2)!;
  const k = transA ? a.shape.at(-2)! : a.shape.at(-1)!;
  const n = transB ? b.shape.at(-2)! : b.shape.at(-1)!;
  const batchSize = sizeOf(batch);
  const p: MatmulParams = {
    batch: batchSize,
    m,
    k,
    n,
    transA,
    transB,
    aBatched: sizeOf(a.shape.slice(0, -2)) > 1,
    bBatched: sizeOf(b.shape.slice(0, -2)) > 1,
  };
  if (batchSize === 1) {
    p.aBatched = false;
    p.bBatched = false;
  }
  // A transposed view goes in as its storage with the flag flipped: no copy.
  const am = matrixOperand(a, 'matmul');
  const bm = matrixOperand(b, 'matmul');
  const handle = backend.matmul(am.handle, bm.handle, a.dtype, {
    ...p,
    transA: transA !== am.transposed,
    transB: transB !== bm.transposed,
  });
  const out = fromHandle(backend, handle, [...batch, m, n], a.dtype);
  return record('matmul', [a, b], out, (g, _o, needs) => {
    let ga: Tensor | null = null;
    let gb: Tensor | null = null;
    if (needs[0]) {
      ga = transA ? product(b, g, transB, true, batch) : product(g, b, false, !transB, batch);
      ga = reduceTo(ga, a.shape);
    }
    if (needs[1]) {
      gb = transB ? product(g, a, true, transA, batch) : product(a, g, !transA, false, batch);
      gb = reduceTo(gb, b.shape);
    }
    return [ga, gb];
  });
}

/** Sums a batched gradient over the batch an operand was shared across. */
function reduceTo(g: Tensor, shape: readonly number[]): Tensor {
  if (shapesEqual(g.shape, shape)) return g;
  const lead = g.rank - 2;
  return g.sum([...Array(lead).keys()]).reshape(shape);
}
