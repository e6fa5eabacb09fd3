import * as t from '@tensile/core';
import { Module } from './module.js';

/**
 * Expands axis `dim` into `unflattenedSize` (whose product must equal that
 * axis; one entry may be -1), the inverse of Flatten, as torch.nn.Unflatten.
 *
 * @example
 * new Unflatten(1, [16, 4, 4]).call(x) // [n, 256] → [n, 16, 4, 4]
 */
export class Unflatten extends Module {
  readonly typeName = 'Unflatten';
  readonly unflattenedSize: number[];

  constructor(
    readonly dim: number,
    unflattenedSize: readonly number[],
  ) {
    super();
    if (!Number.isInteger(dim)) throw new t.ArgumentError(`Unflatten: dim must be an integer, got ${JSON.stringify(dim)}`);
    if (
      !Array.isArray(unflattenedSize) ||
      unflattenedSize.length === 0 ||
      unflattenedSize.some((d) => !Number.isInteger(d) || (d < 0 && d !== -1))
    ) {
      throw new t.ArgumentError(
        `Unflatten: unflattenedSize must be a non-empty list of sizes (one may be -1), got ${JSON.stringify(unflattenedSize)}`,
      );
    }
    this.unflattenedSize = [...unflattenedSize];
  }

  get config() {
    return { dim: this.dim, unflattenedSize: this.unflattenedSize };
  }

  forward(x: t.Tensor): t.Tensor {
    const axis = this.dim < 0 ? this.dim + x.rank : this.dim;
    if (axis < 0 || axis >= x.rank) {
      throw new t.ShapeError(`Unflatten: dim ${this.dim} is out of range for input [${x.shape.join(',')}]`);
    }
    const known = this.unflattenedSize.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
    const free = this.unflattenedSize.filter((d) => d === -1).length;
    const n = x.shape[axis];
    if (free > 1 || (free === 0 ? known !== n : known === 0 || n % known !== 0)) {
      throw new t.ShapeError(
        `Unflatten: sizes [${this.unflattenedSize.join(',')}] do not multiply to axis ${axis} (${n}) of input [${x.shape.join(',')}]`,
      );
    }
    const sizes = this.unflattenedSize.map((d) => (d === -1 ? n / known : d));
    return x.reshape([...x.shape.slice(0, axis), ...sizes, ...x.shape.slice(axis + 1)]);
  }
}
