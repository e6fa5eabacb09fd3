/**
 * Kernel parameters, packed as 32-bit words into a read-only storage buffer
 * (`array<u32>` in WGSL; floats and signed ints are bitcast in the shader).
 */
const f32View = new Float32Array(1);
const u32View = new Uint32Array(f32View.buffer);

export class Params {
  readonly words: number[] = [];

  u32(v: number): this {
    this.words.push(v >>> 0);
    return this;
  }

  i32(v: number): this {
    this.words.push((v | 0) >>> 0);
    return this;
  }

  f32(v: number): this {
    f32View[0] = v;
    this.words.push(u32View[0]);
    return this;
  }

  /** Every value of a list as u32 (or i32 bits for negative values). */
  list(values: readonly number[]): this {
    for (const v of values) this.i32(v);
    return this;
  }
}
