import * as t from '@tensile/core';
import { Dropout } from './dropout.js';
import { LayerNorm } from './layer-norm.js';
import { Linear, checkSize } from './linear.js';
import { Module } from './module.js';
import { MultiheadAttention } from './multihead-attention.js';

/** The feed-forward nonlinearity: PyTorch's 'relu' or 'gelu' (exact), or a module mapping a tensor to a tensor. */
export type TransformerActivation = 'relu' | 'gelu' | Module<[t.Tensor], t.Tensor>;

export interface TransformerLayerOptions {
  /** The hidden size of the feed-forward block (default 2048). */
  dimFeedforward?: number;
  /** Dropout after attention, inside and after the feed-forward block (default 0.1). */
  dropout?: number;
  /** Default 'relu'. A module becomes the child `activation` (as in PyTorch). */
  activation?: TransformerActivation;
  /** LayerNorm eps (default 1e-5). */
  layerNormEps?: number;
  /** Inputs and outputs are [batch, seq, feature] instead of [seq, batch, feature] (default false). */
  batchFirst?: boolean;
  /** Pre-norm: normalise before attention and feed-forward instead of after the residual add (default false). */
  normFirst?: boolean;
  /** Biases in the linear layers, the attention and the LayerNorms (default true). */
  bias?: boolean;
  rng?: t.Rng;
}

export interface EncoderLayerCallOptions {
  /** [L, L] or [batch·heads, L, L]; bool (true = masked) or float (added to the scores). */
  srcMask?: t.Tensor | null;
  /** [batch, L]: positions to ignore; bool (true = ignore) or float. */
  srcKeyPaddingMask?: t.Tensor | null;
  /** Causal self-attention; builds the mask when srcMask is absent. */
  isCausal?: boolean;
}

export interface DecoderLayerCallOptions {
  tgtMask?: t.Tensor | null;
  memoryMask?: t.Tensor | null;
  tgtKeyPaddingMask?: t.Tensor | null;
  memoryKeyPaddingMask?: t.Tensor | null;
  /** Causal self-attention; builds the mask when tgtMask is absent. */
  tgtIsCausal?: boolean;
  /** Causal cross-attention; builds the mask when memoryMask is absent. */
  memoryIsCausal?: boolean;
}

/** What the encoder and decoder layers share: options, activation and the feed-forward block. */
abstract class TransformerLayerBase<In extends unknown[]> extends Module<In, t.Tensor> {
  readonly dimFeedforward: number;
  readonly dropoutP: number;
  readonly layerNormEps: number;
  readonly batchFirst: boolean;
  readonly normFirst: boolean;
  readonly bias: boolean;
  /** The activation as given: a name, or the child module. */
  readonly activation: TransformerActivation;
  readonly selfAttn: MultiheadAttention;
  readonly linear1: Linear;
  readonly linear2: Linear;
  readonly norm1: LayerNorm;
  readonly norm2: LayerNorm;
  private readonly dropouts = new Map<string, Dropout>();

  constructor(
    layer: string,
    readonly dModel: number,
    readonly nhead: number,
    options: TransformerLayerOptions,
    /** The decoder's extra blocks: attention over memory (multihead_attn), norm3, dropout3. */
    decoder: boolean,
  ) {
    super();
    checkSize(layer, 'dModel', dModel);
    checkSize(layer, 'nhead', nhead);
    this.dimFeedforward = options.dimFeedforward ?? 2048;
    checkSize(layer, 'dimFeedforward', this.dimFeedforward);
    this.dropoutP = options.dropout ?? 0.1;
    this.layerNormEps = options.layerNormEps ?? 1e-5;
    this.batchFirst = options.batchFirst ?? false;
    this.normFirst = options.normFirst ?? false;
    this.bias = options.bias ?? true;
    const activation = options.activation ?? 'relu';
    if (activation !== 'relu' && activation !== 'gelu' && !(activation instanceof Module)) {
      throw new t.ArgumentError(`${layer}: activation must be 'relu', 'gelu' or a Module, got ${JSON.stringify(activation)}`);
    }
    this.activation = activation;
    const { rng } = options;
    const p = this.dropoutP;
    const attention = () => new MultiheadAttention(dModel, nhead, { dropout: p, bias: this.bias, batchFirst: this.batchFirst, rng });
    // Registered in PyTorch's order, so state dicts list the same keys in the same order.
    this.selfAttn = this.addModule('self_attn', attention());
    if (decoder) this.addModule('multihead_attn', attention());
    this.linear1 = this.addModule('linear1', new Linear(dModel, this.dimFeedforward, { bias: this.bias, rng }));
    this.addDropout('dropout', p, rng);
    this.linear2 = this.addModule('linear2', new Linear(this.dimFeedforward, dModel, { bias: this.bias, rng }));
    const norm = () => new LayerNorm(dModel, { eps: this.layerNormEps, bias: this.bias });
    this.norm1 = this.addModule('norm1', norm());
    this.norm2 = this.addModule('norm2', norm());
    if (decoder) this.addModule('norm3', norm());
    for (let i = 1; i <= (decoder ? 3 : 2); i++) this.addDropout(`dropout${i}`, p, rng);
    if (activation instanceof Module) this.addModule('activation', activation);
  }

  private addDropout(name: string, p: number, rng: t.Rng | undefined): void {
    this.dropouts.set(name, this.addModule(name, new Dropout(p, { rng })));
  }

  protected drop(name: string, x: t.Tensor): t.Tensor {
    return this.dropouts.get(name)!.call(x);
  }

  protected layerConfig() {
    return {
      dModel: this.dModel,
      nhead: this.nhead,
      dimFeedforward: this.dimFeedforward,
      dropout: this.dropoutP,
      activation: typeof this.activation === 'string' ? this.activation : null,
      layerNormEps: this.layerNormEps,
      batchFirst: this.batchFirst,
      normFirst: this.normFirst,
      bias: this.bias,
    };
  }

  /** The options that rebuild this layer (a stateful activation module is copied, a stateless one shared). */
  protected cloneOptions(): TransformerLayerOptions {
    return { ...this.layerConfig(), activation: cloneActivation(this.activation) };
  }

  /** A custom activation module is a child: saved in the spec like a container's. */
  override specChildren(): Record<string, Module> | null {
    return this.activation instanceof Module ? { activation: this.activation } : null;
  }

  /** linear2(dropout(activation(linear1(x)))), then dropout{n}. */
  protected feedForward(x: t.Tensor, dropoutName: string): t.Tensor {
    const h = this.linear1.call(x);
    const a = this.activation === 'relu' ? h.relu() : this.activation === 'gelu' ? gelu(h) : this.activation.call(h);
    return this.drop(dropoutName, this.linear2.call(this.drop('dropout', a)));
  }

  protected checkInput(layer: string, name: string, x: t.Tensor): void {
    if ((x.rank !== 3 && x.rank !== 2) || x.shape[x.rank - 1] !== this.dModel) {
      const layout = this.batchFirst ? '[batch, seq, dModel]' : '[seq, batch, dModel]';
      throw new t.ShapeError(
        `${layer}: ${name} must be ${layout} (or unbatched [seq, dModel]) with dModel ${this.dModel}, got [${x.shape.join(',')}]`,
      );
    }
  }
}

/**
 * One Transformer encoder block as torch.nn.TransformerEncoderLayer:
 * self-attention and a feed-forward block, each with a residual connection
 * and a LayerNorm, after the add (default) or before (`normFirst`, pre-norm).
 * Parameters carry PyTorch's names (self_attn.in_proj_weight, linear1.weight,
 * norm1.weight, …), so its state_dict loads unchanged.
 *
 * @example
 * const block = new TransformerEncoderLayer(64, 4, { dimFeedforward: 256, batchFirst: true, normFirst: true });
 * const y = block.call(x, { isCausal: true }); // x [B, L, 64] → [B, L, 64]
 */
export class TransformerEncoderLayer extends TransformerLayerBase<[src: t.Tensor, options?: EncoderLayerCallOptions]> {
  readonly typeName = 'TransformerEncoderLayer';

  constructor(dModel: number, nhead: number, options: TransformerLayerOptions = {}) {
    super('TransformerEncoderLayer', dModel, nhead, options, false);
  }

  get config() {
    return this.layerConfig();
  }

  /** A fresh copy with the same configuration and weights (TransformerEncoder stacks copies, as PyTorch's deepcopy). */
  clone(): TransformerEncoderLayer {
    const copy = new TransformerEncoderLayer(this.dModel, this.nhead, this.cloneOptions());
    copy.loadStateDict(this.stateDict());
    return copy.train(this.training);
  }

  forward(src: t.Tensor, options: EncoderLayerCallOptions = {}): t.Tensor {
    this.checkInput(this.typeName, 'src', src);
    const attend = (x: t.Tensor) =>
      this.drop(
        'dropout1',
        this.selfAttn.call(x, x, x, {
          attnMask: options.srcMask,
          keyPaddingMask: options.srcKeyPaddingMask,
          isCausal: options.isCausal,
          needWeights: false,
        })[0],
      );
    let x = src;
    if (this.normFirst) {
      x = x.add(attend(this.norm1.call(x)));
      return x.add(this.feedForward(this.norm2.call(x), 'dropout2'));
    }
    x = this.norm1.call(x.add(attend(x)));
    return this.norm2.call(x.add(this.feedForward(x, 'dropout2')));
  }
}

/**
 * One Transformer decoder block as torch.nn.TransformerDecoderLayer:
 * self-attention over the target, attention over the encoder's memory
 * (multihead_attn), and a feed-forward block, each with a residual and a
 * LayerNorm (norm1..norm3), post- or pre-norm (`normFirst`).
 *
 * @example
 * const block = new TransformerDecoderLayer(64, 4, { dimFeedforward: 256 });
 * const y = block.call(tgt, memory, { tgtIsCausal: true }); // tgt [T, B, 64], memory [S, B, 64]
 */
export class TransformerDecoderLayer extends TransformerLayerBase<[tgt: t.Tensor, memory: t.Tensor, options?: DecoderLayerCallOptions]> {
  readonly typeName = 'TransformerDecoderLayer';
  declare readonly multiheadAttn: MultiheadAttention;
  declare readonly norm3: LayerNorm;

  constructor(dModel: number, nhead: number, options: TransformerLayerOptions = {}) {
    super('TransformerDecoderLayer', dModel, nhead, options, true);
  }

  get config() {
    return this.layerConfig();
  }

  /** A fresh copy with the same configuration and weights. */
  clone(): TransformerDecoderLayer {
    const copy = new TransformerDecoderLayer(this.dModel, this.nhead, this.cloneOptions());
    copy.loadStateDict(this.stateDict());
    return copy.train(this.training);
  }

  forward(tgt: t.Tensor, memory: t.Tensor, options: DecoderLayerCallOptions = {}): t.Tensor {
    this.checkInput(this.typeName, 'tgt', tgt);
    this.checkInput(this.typeName, 'memory', memory);
    const selfAttend = (x: t.Tensor) =>
      this.drop(
        'dropout1',
        this.selfAttn.call(x, x, x, {
          attnMask: options.tgtMask,
          keyPaddingMask: options.tgtKeyPaddingMask,
          isCausal: options.tgtIsCausal,
          needWeights: false,
        })[0],
      );
    const crossAttend = (x: t.Tensor) =>
      this.drop(
        'dropout2',
        this.multiheadAttn.call(x, memory, memory, {
          attnMask: options.memoryMask,
          keyPaddingMask: options.memoryKeyPaddingMask,
          isCausal: options.memoryIsCausal,
          needWeights: false,
        })[0],
      );
    let x = tgt;
    if (this.normFirst) {
      x = x.add(selfAttend(this.norm1.call(x)));
      x = x.add(crossAttend(this.norm2.call(x)));
      return x.add(this.feedForward(this.norm3.call(x), 'dropout3'));
    }
    x = this.norm1.call(x.add(selfAttend(x)));
    x = this.norm2.call(x.add(crossAttend(x)));
    return this.norm3.call(x.add(this.feedForward(x, 'dropout3')));
  }
}

/** PyTorch's exact gelu: x·Φ(x). */
function gelu(x: t.Tensor): t.Tensor {
  return x.mul(x.mul(Math.SQRT1_2).erf().add(1)).mul(0.5);
}

/**
 * A copy of the activation for a cloned layer: names and stateless modules
 * are shared (they compute the same), a module with state is copied through
 * the registry (its class must be registered, as for loading a saved model).
 */
function cloneActivation(a: TransformerActivation): TransformerActivation {
  if (typeof a === 'string' || (a.parameters().length === 0 && a.buffers().length === 0)) return a;
  if (!t.registry.has('layer', a.typeName)) {
    throw new t.ArgumentError(
      `Transformer layers: cannot copy the activation ${a.typeName}, which has state: register it (registerModule/registerLayers) first`,
    );
  }
  const copy = t.registry.get('layer', a.typeName).create(a.config) as Module<[t.Tensor], t.Tensor>;
  copy.loadStateDict(a.stateDict());
  return copy;
}
