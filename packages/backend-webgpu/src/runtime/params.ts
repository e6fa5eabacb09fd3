import { WebGPUBackendError } from '../errors.js';

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

/** A parameter field: a scalar, or a fixed-length array of u32/i32. */
export type ParamType = 'u32' | 'i32' | 'f32' | readonly ['u32' | 'i32', number];
export type ParamFields = Readonly<Record<string, ParamType>>;
/** The values of a struct, every field required: numbers, and lists for the array fields. */
export type ParamValues<F extends ParamFields> = {
  readonly [K in keyof F]: [F[K]] extends [readonly [string, number]]
    ? readonly number[]
    : [F[K]] extends ['u32' | 'i32' | 'f32']
      ? number
      : number | readonly number[];
};

/**
 * One kernel's parameters as a WGSL struct with named fields, declared once:
 * `wgsl` is the struct the shader reads (`P.count`, `P.shape[1]`) and `write`
 * packs values in the same field order, so the two cannot drift. Every field
 * is 4-byte aligned (storage layout: no padding between u32/i32/f32 or their arrays).
 */
export class ParamStruct<F extends ParamFields> {
  constructor(readonly fields: F) {}

  /** `struct Params { count: u32, shape: array<u32, 2>, … }`. */
  get wgsl(): string {
    const members = Object.entries(this.fields).map(
      ([name, type]) => `  ${name}: ${typeof type === 'string' ? type : `array<${type[0]}, ${type[1]}>`},`,
    );
    return `struct Params {\n${members.join('\n')}\n}`;
  }

  write(values: ParamValues<F>): Params {
    const p = new Params();
    for (const [name, type] of Object.entries(this.fields)) {
      const v = (values as Record<string, number | readonly number[]>)[name]!;
      if (type === 'u32') p.u32(v as number);
      else if (type === 'i32') p.i32(v as number);
      else if (type === 'f32') p.f32(v as number);
      else {
        const list = v as readonly number[];
        if (list.length !== type[1])
          throw new WebGPUBackendError(`webgpu: parameter '${name}' needs ${type[1]} values, got ${list.length}`);
        for (const x of list) p[type[0]](x);
      }
    }
    return p;
  }
}

export function paramStruct<const F extends ParamFields>(fields: F): ParamStruct<F> {
  return new ParamStruct(fields);
}
