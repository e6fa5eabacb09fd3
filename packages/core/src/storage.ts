import type { Backend, DType, Handle } from './backend/backend.js';

/**
 * A backend handle shared by a tensor and its reshaped views; freed when the
 * last of them lets go.
 */
export class Storage {
  refs = 1;
  constructor(
    readonly backend: Backend,
    readonly handle: Handle,
    readonly dtype: DType,
    readonly size: number,
  ) {}

  retain(): this {
    this.refs++;
    return this;
  }

  release(): void {
    if (--this.refs === 0) this.backend.free(this.handle);
  }
}
