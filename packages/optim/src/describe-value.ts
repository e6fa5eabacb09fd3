import * as t from '@tensile/core';

/** A value for an error message, short (tensors by shape, the rest as JSON cut at 60 characters). */
export function describe(v: unknown): string {
  if (v instanceof t.Tensor) return `a tensor [${v.shape.join(',')}]`;
  let text: string;
  try {
    text = typeof v === 'number' ? String(v) : (JSON.stringify(v) ?? String(v));
  } catch {
    text = String(v);
  }
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}
