/**
 * Brands that let two copies of @tensile/core (a nested dependency, two
 * bundles on one page) recognise each other's tensors and errors. A class
 * brands its prototype with a `Symbol.for` key, which every copy shares, and
 * answers `instanceof` from the brand instead of its own prototype chain.
 */

/** On Tensor.prototype in every copy of core. */
export const TENSOR_BRAND: symbol = Symbol.for('tensile.tensor');
/** On TensileError.prototype in every copy of core. */
export const ERROR_BRAND: symbol = Symbol.for('tensile.error');

/** Puts a brand on a prototype: hidden from enumeration, JSON and spread. */
export function brandPrototype(proto: object, brand: symbol): void {
  Object.defineProperty(proto, brand, { value: true, enumerable: false });
}

export function hasBrand(value: unknown, brand: symbol): boolean {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && (value as Record<symbol, unknown>)[brand] === true;
}

/**
 * `value instanceof cls` for a branded class hierarchy across copies: true
 * when value's prototype chain holds a branded class of the same name as cls
 * (ShapeError of copy B is a ShapeError of copy A; it is not an ArgumentError).
 */
export function brandedInstanceOf(cls: { name: string; prototype: object }, value: unknown, brand: symbol): boolean {
  if (typeof value !== 'object' || value === null) return false;
  for (let p = Object.getPrototypeOf(value) as object | null; p !== null; p = Object.getPrototypeOf(p) as object | null) {
    if (p === cls.prototype) return true;
    const ctor = Object.hasOwn(p, 'constructor') ? (p as { constructor: unknown }).constructor : undefined;
    if (hasBrand(p, brand) && typeof ctor === 'function' && ctor.name === cls.name) return true;
  }
  return false;
}
