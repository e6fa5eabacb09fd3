import * as t from '@tensile/core';

/**
 * Joins samples into a batch, recursively (torch's default_collate):
 * tensors are stacked on a new leading axis; numbers become one tensor
 * (int32 when all are integers, else float32); booleans a bool tensor; typed
 * arrays a [batch, length] tensor of their dtype; arrays and plain objects
 * are collated field by field; strings and anything else are gathered into
 * an array.
 *
 * @example
 * defaultCollate([{ x: t.zeros([3]), y: 1 }, { x: t.ones([3]), y: 0 }])
 * // { x: float32 [2,3], y: int32 [2] }
 */
export function defaultCollate(samples: readonly unknown[]): unknown {
  if (samples.length === 0) throw new t.ArgumentError('defaultCollate: cannot collate an empty list of samples');
  return collateAt(samples, 'sample');
}

function collateAt(samples: readonly unknown[], path: string): unknown {
  const first = samples[0];
  if (first instanceof t.Tensor) {
    const tensors = samples.map((s, i) => expect(s instanceof t.Tensor, s, path, i, 'a tensor') as t.Tensor);
    // tidy: core's stack leaves its unsqueezed inputs alive otherwise.
    return t.tidy(() => t.stack(tensors, 0));
  }
  if (typeof first === 'number') {
    const values = samples.map((s, i) => expect(typeof s === 'number', s, path, i, 'a number') as number);
    const dtype = values.every(Number.isInteger) ? 'int32' : 'float32';
    return t.tensor(dtype === 'int32' ? Int32Array.from(values) : Float32Array.from(values), { shape: [values.length] });
  }
  if (typeof first === 'boolean') {
    const values = samples.map((s, i) => Number(expect(typeof s === 'boolean', s, path, i, 'a boolean')));
    return t.tensor(Uint8Array.from(values), { shape: [values.length], dtype: 'bool' });
  }
  if (isNumericArray(first)) return collateTypedArrays(samples, path);
  if (Array.isArray(first)) {
    samples.forEach((s, i) => {
      if (!Array.isArray(s) || s.length !== first.length) {
        throw new t.ShapeError(
          `defaultCollate: ${path}[${i}] should be an array of ${first.length} entries like ${path}[0], got ${describe(s)}`,
        );
      }
    });
    return first.map((_, k) =>
      collateAt(
        samples.map((s) => (s as unknown[])[k]),
        `${path}[${k}]`,
      ),
    );
  }
  if (isPlainObject(first)) {
    const keys = Object.keys(first);
    const out: Record<string, unknown> = {};
    for (const key of keys) {
      out[key] = collateAt(
        samples.map((s, i) => {
          if (!isPlainObject(s) || !(key in s))
            throw new t.ArgumentError(`defaultCollate: ${path}[${i}] has no field '${key}' (${path}[0] has)`);
          return s[key];
        }),
        `${path}.${key}`,
      );
    }
    return out;
  }
  // Strings, null and other values are passed through as a list.
  return [...samples];
}

function collateTypedArrays(samples: readonly unknown[], path: string): t.Tensor {
  const first = samples[0] as Float32Array;
  const n = first.length;
  const out = new (first.constructor as Float32ArrayConstructor)(n * samples.length);
  samples.forEach((s, i) => {
    if (!isNumericArray(s) || s.constructor !== first.constructor || s.length !== n) {
      throw new t.ShapeError(
        `defaultCollate: ${path}[${i}] should be a ${first.constructor.name} of length ${n} like ${path}[0], got ${describe(s)}`,
      );
    }
    out.set(s as Float32Array, i * n);
  });
  return t.tensor(out, { shape: [samples.length, n] });
}

function isNumericArray(v: unknown): v is Float32Array | Float64Array | Int32Array | Uint8Array {
  return v instanceof Float32Array || v instanceof Float64Array || v instanceof Int32Array || v instanceof Uint8Array;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function expect(ok: boolean, value: unknown, path: string, i: number, what: string): unknown {
  if (!ok) throw new t.ArgumentError(`defaultCollate: ${path}[${i}] should be ${what} like ${path}[0], got ${describe(value)}`);
  return value;
}

function describe(v: unknown): string {
  if (v instanceof t.Tensor) return `a ${v.dtype} tensor [${v.shape.join(',')}]`;
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name}`;
  return v === null ? 'null' : typeof v;
}

/**
 * Disposes the tensors in `samples` that did not end up in `batch` (a
 * collate may pass a tensor through unchanged, which must then live on).
 */
export function disposeConsumed(samples: readonly unknown[], batch: unknown): void {
  const kept = new Set<t.Tensor>();
  collect(batch, kept);
  const found = new Set<t.Tensor>();
  collect(samples, found);
  for (const x of found) if (!kept.has(x)) x.dispose();
}

function collect(value: unknown, into: Set<t.Tensor>, depth = 0): void {
  if (depth > 16 || value === null || typeof value !== 'object') return;
  if (value instanceof t.Tensor) into.add(value);
  else if (Array.isArray(value)) for (const v of value) collect(v, into, depth + 1);
  else if (isPlainObject(value)) for (const v of Object.values(value)) collect(v, into, depth + 1);
}
