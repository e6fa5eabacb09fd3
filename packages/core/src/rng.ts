import { ArgumentError } from './errors.js';

import { engine } from './engine.js';

/**
 * A seeded, serialisable random number generator (xoshiro128**, seeded by
 * splitmix32). Random tensors are drawn here, in JS, and uploaded, so every
 * backend sees the same numbers for the same seed.
 */
export class Rng {
  private s: Uint32Array;

  constructor(seed = 0) {
    this.s = new Uint32Array(4);
    this.seed(seed);
  }

  seed(seed: number): void {
    let x = seed >>> 0;
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      this.s[i] = (z ^ (z >>> 16)) >>> 0;
    }
    if (this.s.every((v) => v === 0)) this.s[0] = 1;
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** A uniform float in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** A standard normal draw (Box–Muller). */
  normal(): number {
    let u = this.uniform();
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** A uniform integer in [low, high). */
  int(low: number, high: number): number {
    return low + Math.floor(this.uniform() * (high - low));
  }

  /** A random permutation of 0..n-1 (Fisher–Yates). */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(this.uniform() * (i + 1));
      const t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }

  /** The generator's state as plain numbers (JSON-serialisable, for checkpoints). */
  getState(): number[] {
    return Array.from(this.s);
  }

  /** Restores a state from getState() (a checkpoint); refuses one the generator cannot run from. */
  setState(state: readonly number[]): void {
    Rng.checkState(state);
    this.s.set(state);
  }

  /**
   * Throws unless `state` is one setState accepts: 4 unsigned 32-bit
   * integers, not all zero (xoshiro's one fixed point: it would only ever
   * return 0, so rand gives zeros and randn never ends). Changes nothing.
   */
  static checkState(state: unknown, where = 'Rng.setState'): void {
    const ok = Array.isArray(state) && state.length === 4 && state.every((v) => Number.isInteger(v) && v >= 0 && v <= 0xffffffff);
    if (!ok) throw new ArgumentError(`${where}: expected 4 unsigned 32-bit integers, got ${describe(state)}`);
    if ((state as number[]).every((v) => v === 0)) {
      throw new ArgumentError(`${where}: the state is all zeros, which the generator never leaves (corrupted state?)`);
    }
  }

  /** An independent copy with the same state. */
  clone(): Rng {
    const r = new Rng();
    r.setState(this.getState());
    return r;
  }
}

function describe(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/**
 * The generator random ops use when none is passed. It lives on the engine,
 * so every copy of @tensile/core in a process draws from the same one.
 */
export function defaultRng(): Rng {
  return (engine().rng ??= new Rng(0));
}

/** Reseeds the default generator, like torch.manual_seed (in every copy of core). */
export function manualSeed(seed: number): void {
  engine().rng = new Rng(seed);
}
