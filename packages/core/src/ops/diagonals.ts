/**
 * Diagonals and triangles of matrices (PyTorch's diagonal, diag, tril, triu),
 * composed of movement ops, slice and where: no kernel of their own, and the
 * gradients come from autograd through the composition.
 */
import { ArgumentError, ShapeError, fmtShape } from '../errors.js';
import { normalizeAxis } from '../shape.js';
import { tidy } from '../scope.js';
import { Tensor } from '../tensor.js';
import { arange } from './creation.js';
import { where } from './elementwise.js';
import { describe } from './util.js';

function checkTensor(op: string, x: unknown): asserts x is Tensor {
  if (!(x instanceof Tensor)) throw new ArgumentError(`${op}: 'input' must be a tensor, got ${describe(x)}`);
}

function checkOffset(op: string, offset: number): void {
  if (!Number.isInteger(offset)) throw new ArgumentError(`${op}: 'diagonal' offset must be an integer, got ${describe(offset)}`);
}

/**
 * The diagonal of x in the plane of axes dim1 and dim2, offset above (> 0)
 * or below (< 0) the main one, as PyTorch's diagonal: those two axes are
 * removed and the diagonal is appended as the last axis.
 *
 * @example
 * t.diagonal(t.arange(9).reshape([3, 3]))    // [0, 4, 8]
 * t.diagonal(t.arange(9).reshape([3, 3]), 1) // [1, 5]
 */
export function diagonal(x: Tensor, offset = 0, dim1 = 0, dim2 = 1): Tensor {
  checkTensor('diagonal', x);
  checkOffset('diagonal', offset);
  if (x.rank < 2) throw new ShapeError(`diagonal: needs at least 2 axes, got ${fmtShape(x.shape)}`);
  const d1 = normalizeAxis('diagonal', dim1, x.rank, 'dim1');
  const d2 = normalizeAxis('diagonal', dim2, x.rank, 'dim2');
  if (d1 === d2) throw new ArgumentError(`diagonal: dim1 and dim2 are the same axis (${dim1}, ${dim2}) of ${fmtShape(x.shape)}`);
  const [n1, n2] = [x.shape[d1], x.shape[d2]];
  const length = Math.max(0, offset >= 0 ? Math.min(n1, n2 - offset) : Math.min(n1 + offset, n2));
  const rest = [...x.shape.keys()].filter((i) => i !== d1 && i !== d2);
  return tidy(() => {
    // The plane flattened last: its diagonal is every (n2 + 1)-th entry from the offset's start.
    const plane = x.permute([...rest, d1, d2]).reshape([...rest.map((i) => x.shape[i]), n1 * n2]);
    if (length === 0) return plane.narrow(-1, 0, 0);
    const start = offset >= 0 ? offset : -offset * n2;
    return plane.slice([...rest.map(() => null), [start, start + (length - 1) * (n2 + 1) + 1, n2 + 1]]);
  });
}

/** Whether entry (i, j) of an n1 × n2 matrix lies on or below (`lower`) / above diagonal k, as a [n1, n2] bool mask. */
function triangleMask(n1: number, n2: number, k: number, lower: boolean): Tensor {
  return tidy(() => {
    const offsets = arange(n2)
      .reshape([1, n2])
      .sub(arange(n1).reshape([n1, 1])); // j - i
    return lower ? offsets.le(k) : offsets.ge(k);
  });
}

function triangle(op: 'tril' | 'triu', x: Tensor, k: number): Tensor {
  checkTensor(op, x);
  checkOffset(op, k);
  if (x.rank < 2) throw new ShapeError(`${op}: needs a matrix or a batch of them (at least 2 axes), got ${fmtShape(x.shape)}`);
  const [n1, n2] = x.shape.slice(-2);
  return tidy(() => where(triangleMask(n1, n2, k, op === 'tril'), x, x.zerosLike()));
}

/**
 * The lower triangle of the last two axes: entries on and below diagonal k
 * (0 main, > 0 above, < 0 below), zeros elsewhere, as PyTorch's tril.
 *
 * @example
 * t.tril(t.ones([3, 3]))     // [[1, 0, 0], [1, 1, 0], [1, 1, 1]]
 * t.tril(t.ones([3, 3]), -1) // [[0, 0, 0], [1, 0, 0], [1, 1, 0]]
 */
export function tril(x: Tensor, diagonal = 0): Tensor {
  return triangle('tril', x, diagonal);
}

/**
 * The upper triangle of the last two axes: entries on and above diagonal k,
 * zeros elsewhere, as PyTorch's triu.
 *
 * @example
 * t.triu(t.ones([2, 3]), 1) // [[0, 1, 1], [0, 0, 1]]
 */
export function triu(x: Tensor, diagonal = 0): Tensor {
  return triangle('triu', x, diagonal);
}

/**
 * PyTorch's diag: of a vector, the square matrix with it on diagonal k
 * (zeros elsewhere); of a matrix, its diagonal k as a vector.
 *
 * @example
 * t.diag(t.tensor([1, 2]))            // [[1, 0], [0, 2]]
 * t.diag(t.tensor([1, 2]), 1)         // [[0, 1, 0], [0, 0, 2], [0, 0, 0]]
 * t.diag(t.ones([2, 3]).mul(5))       // [5, 5]
 */
export function diag(x: Tensor, k = 0): Tensor {
  checkTensor('diag', x);
  checkOffset('diag', k);
  if (x.rank === 2) return diagonal(x, k, 0, 1);
  if (x.rank !== 1) throw new ShapeError(`diag: takes a vector or a matrix, got ${fmtShape(x.shape)}`);
  const n = x.shape[0] + Math.abs(k);
  return tidy(() => {
    // Above the main diagonal, row i holds x[i]; below it, column j does.
    const padded = x.pad([[0, Math.abs(k)]]);
    const spread = k >= 0 ? padded.reshape([n, 1]) : padded.reshape([1, n]);
    const onDiagonal = triangleMask(n, n, k, true).logicalAnd(triangleMask(n, n, k, false));
    return where(onDiagonal, spread, spread.zerosLike());
  });
}
