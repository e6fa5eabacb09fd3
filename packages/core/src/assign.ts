import { ShapeError, fmtShape } from './errors.js';
import type { Tensor } from './tensor.js';

/**
 * Replaces target's values with source's, keeping target's identity: the
 * way optimizers update parameters that models hold by reference. No copy
 * is made: target takes over source's storage (kernels never write their
 * inputs, so sharing is safe) and source is disposed. Not recorded by autograd.
 *
 * @example
 * noGrad(() => assign(w, tidy(() => w.sub(w.grad!.mul(lr)))));
 */
export function assign(target: Tensor, source: Tensor): Tensor {
  target.assertUsable('assign');
  source.assertUsable('assign');
  if (target.dtype !== source.dtype || target.size !== source.size || target.shape.join() !== source.shape.join()) {
    throw new ShapeError(
      `assign: source ${fmtShape(source.shape)} ${source.dtype} does not match target ${fmtShape(target.shape)} ${target.dtype}`,
    );
  }
  if (target.backend !== source.backend) {
    throw new ShapeError(`assign: source lives on '${source.backend.name}', target on '${target.backend.name}'`);
  }
  // target takes source's view: its storage and its layout (a view's strides and offset).
  const old = target._storage;
  target._storage = source._storage.retain();
  target._strides = source._strides;
  target._offset = source._offset;
  old.release();
  source.dispose();
  return target;
}
