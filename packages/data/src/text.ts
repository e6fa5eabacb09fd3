import * as t from '@tensile/core';
import { checkIndex, type Dataset } from './dataset.js';

/**
 * The characters of a character-level model and their ids: id i is the i-th
 * character of `chars`. Characters are Unicode code points (an emoji is one
 * character, not two UTF-16 units).
 *
 * @example
 * const vocab = CharVocab.fromText('hello world'); // ' dehlorw'
 * vocab.encode('hold'); // Int32Array [4, 5, 3, 2]
 * vocab.decode([4, 5, 3, 2]); // 'hold'
 */
export class CharVocab {
  /** The characters, one per id. */
  readonly chars: readonly string[];
  private readonly ids: Map<string, number>;

  constructor(chars: Iterable<string>) {
    this.chars = [...chars];
    this.ids = new Map(this.chars.map((c, i) => [c, i]));
    if (this.ids.size !== this.chars.length) throw new t.ArgumentError('CharVocab: characters must be distinct');
    if (this.chars.some((c) => [...c].length !== 1)) throw new t.ArgumentError('CharVocab: each entry must be one character');
  }

  /** The distinct characters of `text`, sorted by code point (as nanoGPT's `sorted(set(text))`). */
  static fromText(text: string): CharVocab {
    return new CharVocab([...new Set(text)].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!));
  }

  get size(): number {
    return this.chars.length;
  }

  /** Ids of the characters of `text`; a character outside the vocabulary is an error that names it. */
  encode(text: string): Int32Array {
    // text.length (UTF-16 units) bounds the number of characters.
    const out = new Int32Array(text.length);
    let i = 0;
    for (const c of text) {
      const id = this.ids.get(c);
      if (id === undefined) {
        throw new t.ArgumentError(`CharVocab.encode: ${JSON.stringify(c)} (U+${c.codePointAt(0)!.toString(16)}) is not in the vocabulary`);
      }
      out[i++] = id;
    }
    return i === out.length ? out : out.slice(0, i);
  }

  /** The text of `ids`. */
  decode(ids: ArrayLike<number>): string {
    let out = '';
    for (let i = 0; i < ids.length; i++) {
      const c = this.chars[ids[i]];
      if (c === undefined) throw new t.ArgumentError(`CharVocab.decode: id ${ids[i]} is outside [0, ${this.size})`);
      out += c;
    }
    return out;
  }
}

/** One window of a text: x the ids of `blockSize` characters, y the ids of the characters that follow each (x shifted by one). */
export interface TextSample {
  x: t.Tensor;
  y: t.Tensor;
}

export interface TextDatasetOptions {
  /** Characters per window (the model's context length). */
  blockSize: number;
  /** Characters between the starts of consecutive windows (default blockSize: windows tile the text, each character is a target once). */
  stride?: number;
}

/**
 * Next-character prediction windows over an encoded text, as a language
 * model trains on: sample i is x = ids[s, s + blockSize), y = ids[s + 1,
 * s + blockSize + 1) with s = i·stride; x and y are int32 [blockSize]
 * ([batch, blockSize] batched). Holds the ids (`ids`) and the vocabulary,
 * so a baseline or a sampler can use the same encoding.
 *
 * @example
 * const ds = textDataset('to be or not to be', { blockSize: 4 });
 * ds.get(0); // { x: ids of 'to b', y: ids of 'o be' }
 * ds.vocab.decode(ids);
 */
export class TextDataset implements Dataset<TextSample, TextSample> {
  readonly length: number;
  readonly blockSize: number;
  readonly stride: number;

  constructor(
    /** The text's character ids. */
    readonly ids: Int32Array,
    readonly vocab: CharVocab,
    options: TextDatasetOptions,
  ) {
    const { blockSize } = options;
    const stride = options.stride ?? blockSize;
    if (!Number.isInteger(blockSize) || blockSize < 1) {
      throw new t.ArgumentError(`TextDataset: blockSize must be a positive integer, got ${blockSize}`);
    }
    if (!Number.isInteger(stride) || stride < 1) throw new t.ArgumentError(`TextDataset: stride must be a positive integer, got ${stride}`);
    if (ids.length < blockSize + 1) {
      throw new t.ArgumentError(
        `TextDataset: the text has ${ids.length} characters; a window of blockSize ${blockSize} needs ${blockSize + 1}`,
      );
    }
    this.blockSize = blockSize;
    this.stride = stride;
    // Every window, with the character after it, lies inside the text.
    this.length = Math.floor((ids.length - 1 - blockSize) / stride) + 1;
  }

  get(index: number): TextSample {
    checkIndex('TextDataset', index, this.length);
    return this.windows([index], []);
  }

  getBatch(indices: readonly number[]): TextSample {
    for (const i of indices) checkIndex('TextDataset', i, this.length);
    return this.windows(indices, [indices.length]);
  }

  /** The text of sample `index`'s input window (for display). */
  textOf(index: number): string {
    checkIndex('TextDataset', index, this.length);
    const start = index * this.stride;
    return this.vocab.decode(this.ids.subarray(start, start + this.blockSize));
  }

  private windows(indices: readonly number[], lead: number[]): TextSample {
    const T = this.blockSize;
    const x = new Int32Array(indices.length * T);
    const y = new Int32Array(indices.length * T);
    indices.forEach((index, k) => {
      const start = index * this.stride;
      x.set(this.ids.subarray(start, start + T), k * T);
      y.set(this.ids.subarray(start + 1, start + T + 1), k * T);
    });
    const shape = [...lead, T];
    return { x: t.tensor(x, { shape }), y: t.tensor(y, { shape }) };
  }
}

/**
 * A character-level dataset over `text`, its vocabulary the text's own
 * characters unless one is given (pass the training split's vocabulary to a
 * held-out split, so ids agree).
 *
 * @example
 * const train = textDataset(corpus, { blockSize: 64 });
 * for await (const { x, y } of new DataLoader(train, { batchSize: 32, shuffle: true })) { ... } // int32 [32, 64] each
 */
export function textDataset(text: string, options: TextDatasetOptions & { vocab?: CharVocab }): TextDataset {
  const vocab = options.vocab ?? CharVocab.fromText(text);
  return new TextDataset(vocab.encode(text), vocab, options);
}
