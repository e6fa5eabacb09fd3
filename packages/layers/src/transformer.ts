import * as t from '@tensile/core';
import { xavierUniform_ } from './init.js';
import { LayerNorm } from './layer-norm.js';
import { checkSize } from './linear.js';
import { Module } from './module.js';
import { ModuleList } from './module-list.js';
import {
  type DecoderLayerCallOptions,
  TransformerDecoderLayer,
  TransformerEncoderLayer,
  type TransformerLayerOptions,
} from './transformer-layer.js';

export interface EncoderCallOptions {
  /** [L, L] or [batch·heads, L, L]: bool (true = masked) or float (added), as PyTorch's `mask`. */
  mask?: t.Tensor | null;
  srcKeyPaddingMask?: t.Tensor | null;
  /** Causal self-attention in every layer; builds the mask when `mask` is absent. */
  isCausal?: boolean;
}

/** `norm`: a module applied after the last layer (PyTorch's final norm), or null. */
export interface StackOptions {
  norm?: Module<[t.Tensor], t.Tensor> | null;
}

/** Copies of `layer` (PyTorch deep-copies it: every layer starts with the same weights), or a saved list as is. */
function stack<L extends Module & { clone(): Module }>(name: string, layer: L | ModuleList<L>, numLayers: number): ModuleList<L> {
  checkSize(name, 'numLayers', numLayers);
  if (layer instanceof ModuleList) {
    if (layer.length !== numLayers) throw new t.ArgumentError(`${name}: ${layer.length} layers given for numLayers ${numLayers}`);
    return layer;
  }
  return new ModuleList<L>(Array.from({ length: numLayers }, () => layer.clone() as L));
}

/**
 * A stack of numLayers copies of an encoder layer, then an optional norm, as
 * torch.nn.TransformerEncoder (parameters `layers.0.self_attn.in_proj_weight`, …, `norm.weight`).
 *
 * @example
 * const layer = new TransformerEncoderLayer(64, 4, { batchFirst: true, normFirst: true });
 * const encoder = new TransformerEncoder(layer, 2, { norm: new LayerNorm(64) });
 * const y = encoder.call(x, { isCausal: true });
 */
export class TransformerEncoder extends Module<[src: t.Tensor, options?: EncoderCallOptions], t.Tensor> {
  readonly typeName = 'TransformerEncoder';
  readonly layers: ModuleList<TransformerEncoderLayer>;
  readonly norm: Module<[t.Tensor], t.Tensor> | null;

  constructor(
    encoderLayer: TransformerEncoderLayer | ModuleList<TransformerEncoderLayer>,
    readonly numLayers: number,
    options: StackOptions = {},
  ) {
    super();
    this.layers = this.addModule('layers', stack('TransformerEncoder', encoderLayer, numLayers));
    this.norm = options.norm ? this.addModule('norm', options.norm) : null;
  }

  get config() {
    return { numLayers: this.numLayers };
  }

  override specChildren(): Record<string, Module> {
    return { layers: this.layers, ...(this.norm ? { norm: this.norm } : {}) };
  }

  forward(src: t.Tensor, options: EncoderCallOptions = {}): t.Tensor {
    let x = src;
    for (const layer of this.layers) {
      x = layer.call(x, { srcMask: options.mask, srcKeyPaddingMask: options.srcKeyPaddingMask, isCausal: options.isCausal });
    }
    return this.norm ? this.norm.call(x) : x;
  }
}

/**
 * A stack of numLayers copies of a decoder layer, then an optional norm, as torch.nn.TransformerDecoder.
 *
 * @example
 * const decoder = new TransformerDecoder(new TransformerDecoderLayer(64, 4), 2);
 * const y = decoder.call(tgt, memory, { tgtIsCausal: true });
 */
export class TransformerDecoder extends Module<[tgt: t.Tensor, memory: t.Tensor, options?: DecoderLayerCallOptions], t.Tensor> {
  readonly typeName = 'TransformerDecoder';
  readonly layers: ModuleList<TransformerDecoderLayer>;
  readonly norm: Module<[t.Tensor], t.Tensor> | null;

  constructor(
    decoderLayer: TransformerDecoderLayer | ModuleList<TransformerDecoderLayer>,
    readonly numLayers: number,
    options: StackOptions = {},
  ) {
    super();
    this.layers = this.addModule('layers', stack('TransformerDecoder', decoderLayer, numLayers));
    this.norm = options.norm ? this.addModule('norm', options.norm) : null;
  }

  get config() {
    return { numLayers: this.numLayers };
  }

  override specChildren(): Record<string, Module> {
    return { layers: this.layers, ...(this.norm ? { norm: this.norm } : {}) };
  }

  forward(tgt: t.Tensor, memory: t.Tensor, options: DecoderLayerCallOptions = {}): t.Tensor {
    let x = tgt;
    for (const layer of this.layers) x = layer.call(x, memory, options);
    return this.norm ? this.norm.call(x) : x;
  }
}

export interface TransformerOptions extends TransformerLayerOptions {
  /** Default 6. */
  numEncoderLayers?: number;
  /** Default 6. */
  numDecoderLayers?: number;
  /** Used instead of the built encoder (PyTorch's custom_encoder). */
  customEncoder?: Module<[t.Tensor, EncoderCallOptions?], t.Tensor> | null;
  /** Used instead of the built decoder (PyTorch's custom_decoder). */
  customDecoder?: Module<[t.Tensor, t.Tensor, DecoderLayerCallOptions?], t.Tensor> | null;
}

export interface TransformerCallOptions {
  srcMask?: t.Tensor | null;
  tgtMask?: t.Tensor | null;
  memoryMask?: t.Tensor | null;
  srcKeyPaddingMask?: t.Tensor | null;
  tgtKeyPaddingMask?: t.Tensor | null;
  memoryKeyPaddingMask?: t.Tensor | null;
  srcIsCausal?: boolean;
  tgtIsCausal?: boolean;
  memoryIsCausal?: boolean;
}

/**
 * The encoder-decoder Transformer of "Attention Is All You Need", as
 * torch.nn.Transformer: an encoder and a decoder stack (each ending in a
 * LayerNorm), every matrix re-initialised Xavier-uniform. forward(src, tgt)
 * → [T, batch, dModel] ([batch, T, dModel] when batchFirst).
 *
 * @example
 * const model = new Transformer({ dModel: 32, nhead: 4, numEncoderLayers: 2, numDecoderLayers: 2, dimFeedforward: 64 });
 * const y = model.call(src, tgt, { tgtMask: generateSquareSubsequentMask(tgt.shape[0]) });
 */
export class Transformer extends Module<[src: t.Tensor, tgt: t.Tensor, options?: TransformerCallOptions], t.Tensor> {
  readonly typeName = 'Transformer';
  readonly dModel: number;
  readonly nhead: number;
  readonly batchFirst: boolean;
  readonly encoder: Module<[t.Tensor, EncoderCallOptions?], t.Tensor>;
  readonly decoder: Module<[t.Tensor, t.Tensor, DecoderLayerCallOptions?], t.Tensor>;
  private readonly options: TransformerOptions;

  constructor(options: TransformerOptions & { dModel?: number; nhead?: number } = {}) {
    super();
    this.dModel = options.dModel ?? 512;
    this.nhead = options.nhead ?? 8;
    this.batchFirst = options.batchFirst ?? false;
    this.options = options;
    const norm = () => new LayerNorm(this.dModel, { eps: options.layerNormEps ?? 1e-5, bias: options.bias ?? true });
    this.encoder = this.addModule(
      'encoder',
      options.customEncoder ??
        new TransformerEncoder(new TransformerEncoderLayer(this.dModel, this.nhead, options), options.numEncoderLayers ?? 6, {
          norm: norm(),
        }),
    );
    this.decoder = this.addModule(
      'decoder',
      options.customDecoder ??
        new TransformerDecoder(new TransformerDecoderLayer(this.dModel, this.nhead, options), options.numDecoderLayers ?? 6, {
          norm: norm(),
        }),
    );
    // PyTorch's _reset_parameters: Xavier-uniform for every matrix (custom parts included).
    for (const p of this.parameters()) if (p.rank > 1) xavierUniform_(p, 1, options);
  }

  get config() {
    const o = this.options;
    return {
      dModel: this.dModel,
      nhead: this.nhead,
      numEncoderLayers: o.numEncoderLayers ?? 6,
      numDecoderLayers: o.numDecoderLayers ?? 6,
      dimFeedforward: o.dimFeedforward ?? 2048,
      dropout: o.dropout ?? 0.1,
      activation: typeof o.activation === 'string' || o.activation === undefined ? (o.activation ?? 'relu') : null,
      layerNormEps: o.layerNormEps ?? 1e-5,
      batchFirst: this.batchFirst,
      normFirst: o.normFirst ?? false,
      bias: o.bias ?? true,
    };
  }

  /** Saved with its encoder and decoder, so a spec rebuilds custom ones too. */
  override specChildren(): Record<string, Module> {
    return { encoder: this.encoder, decoder: this.decoder };
  }

  forward(src: t.Tensor, tgt: t.Tensor, options: TransformerCallOptions = {}): t.Tensor {
    const batchAxis = this.batchFirst ? 0 : 1;
    if (src.rank !== tgt.rank || (src.rank === 3 && src.shape[batchAxis] !== tgt.shape[batchAxis])) {
      throw new t.ShapeError(`Transformer: src [${src.shape.join(',')}] and tgt [${tgt.shape.join(',')}] must have the same batch size`);
    }
    if (src.shape[src.rank - 1] !== this.dModel || tgt.shape[tgt.rank - 1] !== this.dModel) {
      throw new t.ShapeError(
        `Transformer: the feature size of src [${src.shape.join(',')}] and tgt [${tgt.shape.join(',')}] must be dModel ${this.dModel}`,
      );
    }
    const memory = this.encoder.call(src, {
      mask: options.srcMask,
      srcKeyPaddingMask: options.srcKeyPaddingMask,
      isCausal: options.srcIsCausal,
    });
    return this.decoder.call(tgt, memory, {
      tgtMask: options.tgtMask,
      memoryMask: options.memoryMask,
      tgtKeyPaddingMask: options.tgtKeyPaddingMask,
      memoryKeyPaddingMask: options.memoryKeyPaddingMask,
      tgtIsCausal: options.tgtIsCausal,
      memoryIsCausal: options.memoryIsCausal,
    });
  }
}
