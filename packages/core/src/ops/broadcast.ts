import { shapesEqual } from '../shape.js';
import type { Tensor } from '../tensor.js';

/**
 * Undoes broadcasting in a gradient: sums g over the axes along which an
 * input of `shape` was broadcast, so the gradient has the input's shape.
 * Every binary op's backward goes through here.
 */
export function unbroadcast(g: Tensor, shape: readonly number[]): Tensor {
  if (shapesEqual(g.shape, shape)) return g;
  const lead = g.rank - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.rank; i++) {
    if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) axes.push(i);
  }
  return g.sum(axes, true).reshape(shape);
}
