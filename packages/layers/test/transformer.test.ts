import * as t from '@tensile/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  GELU,
  LayerNorm,
  Linear,
  MultiheadAttention,
  PReLU,
  Transformer,
  TransformerDecoder,
  TransformerDecoderLayer,
  TransformerEncoder,
  TransformerEncoderLayer,
  generateSquareSubsequentMask,
  moduleFromSpec,
  moduleToSpec,
  type Module,
} from '@tensile/layers';
import { gradcheckModule, randn, useCpu } from './helpers.js';

beforeAll(useCpu);

const rng = (seed: number) => ({ rng: new t.Rng(seed) });

describe('Transformer layers', () => {
  it('have PyTorch’s state_dict keys, in PyTorch’s order', () => {
    const enc = new TransformerEncoderLayer(4, 2, { dimFeedforward: 8 });
    expect(Object.keys(enc.stateDict())).toEqual([
      'self_attn.in_proj_weight',
      'self_attn.in_proj_bias',
      'self_attn.out_proj.weight',
      'self_attn.out_proj.bias',
      'linear1.weight',
      'linear1.bias',
      'linear2.weight',
      'linear2.bias',
      'norm1.weight',
      'norm1.bias',
      'norm2.weight',
      'norm2.bias',
    ]);
    const dec = new TransformerDecoderLayer(4, 2, { dimFeedforward: 8, bias: false });
    expect(Object.keys(dec.stateDict())).toEqual([
      'self_attn.in_proj_weight',
      'self_attn.out_proj.weight',
      'multihead_attn.in_proj_weight',
      'multihead_attn.out_proj.weight',
      'linear1.weight',
      'linear2.weight',
      'norm1.weight',
      'norm2.weight',
      'norm3.weight',
    ]);
    expect(dec.multiheadAttn).toBeInstanceOf(MultiheadAttention);
    expect(dec.norm3.bias).toBeNull();
    const model = new Transformer({ dModel: 4, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 8 });
    const keys = Object.keys(model.stateDict());
    expect(keys).toContain('encoder.layers.0.self_attn.in_proj_weight');
    expect(keys).toContain('encoder.norm.weight');
    expect(keys).toContain('decoder.layers.0.multihead_attn.out_proj.bias');
    expect(keys).toContain('decoder.norm.bias');
    for (const m of [enc, dec, model]) m.dispose();
  });

  it('defaults as PyTorch: dimFeedforward 2048, dropout 0.1, relu, eps 1e-5, post-norm, seq-first', () => {
    const layer = new TransformerEncoderLayer(8, 2);
    expect(layer.config).toEqual({
      dModel: 8,
      nhead: 2,
      dimFeedforward: 2048,
      dropout: 0.1,
      activation: 'relu',
      layerNormEps: 1e-5,
      batchFirst: false,
      normFirst: false,
      bias: true,
    });
    expect(layer.linear1.weight.shape).toEqual([2048, 8]);
    layer.dispose();
  });

  it('TransformerEncoder stacks copies that start equal and train apart', async () => {
    const layer = new TransformerEncoderLayer(4, 2, { dimFeedforward: 6, ...rng(1) });
    const encoder = new TransformerEncoder(layer, 3, { norm: new LayerNorm(4) });
    expect(encoder.layers.length).toBe(3);
    const w0 = encoder.layers[0].linear1.weight;
    const w2 = encoder.layers[2].linear1.weight;
    expect(w0).not.toBe(w2);
    expect(await t.allClose(w0, w2)).toBe(true);
    expect(await t.allClose(w0, layer.linear1.weight)).toBe(true);
    layer.dispose();
    encoder.dispose();
  });

  it('isCausal equals passing generateSquareSubsequentMask, and the mask is PyTorch’s', async () => {
    expect(await generateSquareSubsequentMask(3).toArray()).toEqual([
      [0, -Infinity, -Infinity],
      [0, 0, -Infinity],
      [0, 0, 0],
    ]);
    const layer = new TransformerEncoderLayer(4, 2, { dimFeedforward: 6, dropout: 0, batchFirst: true, normFirst: true, ...rng(2) });
    const x = t.randn([2, 5, 4], rng(3));
    const a = layer.call(x, { isCausal: true });
    const b = layer.call(x, { srcMask: generateSquareSubsequentMask(5) });
    expect(await t.allClose(a, b)).toBe(true);
    // The first position sees only itself: changing later positions leaves it alone.
    const changed = t.concat([x.narrow(1, 0, 1), t.randn([2, 4, 4], rng(4))], 1);
    const c = layer.call(changed, { isCausal: true });
    expect(await t.allClose(a.narrow(1, 0, 1), c.narrow(1, 0, 1))).toBe(true);
    layer.dispose();
  });

  it('a custom activation module is a child, saved in the spec and rebuilt', async () => {
    const layer = new TransformerDecoderLayer(4, 2, { dimFeedforward: 6, dropout: 0, activation: new PReLU(), ...rng(5) });
    expect(layer.activation).toBeInstanceOf(PReLU);
    expect(Object.keys(layer.stateDict())).toContain('activation.weight');
    const spec = moduleToSpec(layer);
    expect(spec.children?.activation.type).toBe('PReLU');
    const copy = moduleFromSpec(spec) as TransformerDecoderLayer;
    copy.loadStateDict(layer.stateDict());
    const [tgt, memory] = [t.randn([3, 2, 4], rng(6)), t.randn([2, 2, 4], rng(7))];
    expect(await t.allClose(copy.call(tgt, memory), layer.call(tgt, memory))).toBe(true);
    // Stacking copies a stateful activation, shares a stateless one.
    const stack = new TransformerDecoder(layer, 2);
    expect(stack.layers[0].activation).not.toBe(stack.layers[1].activation);
    const gelu = new GELU();
    const enc = new TransformerEncoder(new TransformerEncoderLayer(4, 2, { dimFeedforward: 6, activation: gelu }), 2);
    expect(enc.layers[1].activation).toBe(gelu);
    for (const m of [layer, copy, stack, enc]) m.dispose();
  });

  it('a whole Transformer round-trips through its spec with the same outputs', async () => {
    const model = new Transformer({
      dModel: 4,
      nhead: 2,
      numEncoderLayers: 2,
      numDecoderLayers: 1,
      dimFeedforward: 6,
      dropout: 0,
      ...rng(8),
    });
    const copy = moduleFromSpec(moduleToSpec(model)) as Transformer;
    copy.loadStateDict(model.stateDict());
    const [src, tgt] = [t.randn([5, 2, 4], rng(9)), t.randn([3, 2, 4], rng(10))];
    const a = model.call(src, tgt, { tgtIsCausal: true });
    expect(a.shape).toEqual([3, 2, 4]);
    expect(await t.allClose(a, copy.call(src, tgt, { tgtIsCausal: true }))).toBe(true);
    model.dispose();
    copy.dispose();
  });

  it('unbatched inputs work as PyTorch’s ([seq, dModel])', () => {
    const layer = new TransformerEncoderLayer(4, 2, { dimFeedforward: 6, ...rng(11) });
    expect(layer.call(t.randn([3, 4], rng(12)), { isCausal: true }).shape).toEqual([3, 4]);
    layer.dispose();
  });

  it('refuses bad input with errors naming the layer, the shapes and the parameter', () => {
    const layer = new TransformerEncoderLayer(4, 2, { dimFeedforward: 6 });
    expect(() => layer.call(t.zeros([3, 2, 5]))).toThrow(/TransformerEncoderLayer: src must be \[seq, batch, dModel\].*got \[3,2,5\]/);
    expect(() => layer.call(t.zeros([3, 2, 4]), { srcMask: t.zeros([2, 2]) })).toThrow(
      /attnMask must be \[3,3\] or \[4,3,3\], got \[2,2\]/,
    );
    expect(() => layer.call(t.zeros([3, 2, 4]), { srcKeyPaddingMask: t.zeros([3]) })).toThrow(/keyPaddingMask must be \[2,3\]/);
    expect(() => layer.call(t.zeros([3, 2, 4]), { srcMask: t.zeros([3, 3], { dtype: 'int32' }) })).toThrow(t.DTypeError);
    expect(() => new TransformerEncoderLayer(4, 3)).toThrow(/embedDim 4 must be divisible by numHeads 3/);
    expect(() => new TransformerEncoderLayer(4, 2, { activation: 'tanh' as never })).toThrow(
      /activation must be 'relu', 'gelu' or a Module/,
    );
    expect(() => new TransformerEncoder(layer, 0)).toThrow(/numLayers must be an integer ≥ 1/);
    const model = new Transformer({ dModel: 4, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 6 });
    expect(() => model.call(t.zeros([3, 2, 4]), t.zeros([3, 1, 4]))).toThrow(/same batch size/);
    expect(() => model.call(t.zeros([3, 2, 4]), t.zeros([3, 2, 3]))).toThrow(/must be dModel 4/);
    layer.dispose();
    model.dispose();
  });

  it('a forward inside tidy leaves no tensor behind', () => {
    const model = new Transformer({ dModel: 4, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 6, ...rng(13) });
    const [src, tgt] = [t.randn([4, 2, 4], rng(14)), t.randn([3, 2, 4], rng(15))];
    const before = t.memory().tensors;
    t.tidy(() => {
      model.call(src, tgt, { tgtIsCausal: true, srcKeyPaddingMask: t.zeros([2, 4], { dtype: 'bool' }) }).sum();
    });
    expect(t.memory().tensors).toBe(before);
    model.dispose();
  });
});

describe('MultiheadAttention options', () => {
  it('kdim/vdim give separate q/k/v_proj_weight as PyTorch; addBiasKv gives bias_k/bias_v', () => {
    const mha = new MultiheadAttention(4, 2, { kdim: 3, vdim: 5, addBiasKv: true, addZeroAttn: true });
    expect(Object.keys(mha.stateDict())).toEqual([
      'q_proj_weight',
      'k_proj_weight',
      'v_proj_weight',
      'in_proj_bias',
      'bias_k',
      'bias_v',
      'out_proj.weight',
      'out_proj.bias',
    ]);
    expect(mha.inProjWeight).toBeNull();
    expect(mha.kProjWeight?.shape).toEqual([4, 3]);
    expect(mha.biasK?.shape).toEqual([1, 1, 4]);
    const [y, w] = mha.call(t.zeros([2, 1, 4]), t.zeros([3, 1, 3]), t.zeros([3, 1, 5]));
    expect(y.shape).toEqual([2, 1, 4]);
    // 3 keys, bias_k, the zero key.
    expect(w?.shape).toEqual([1, 2, 5]);
    expect(() => mha.call(t.zeros([2, 1, 4]), t.zeros([3, 1, 4]), t.zeros([3, 1, 5]))).toThrow(/key must be .* with 3 features/);
    mha.dispose();
  });
});

describe('gradcheck (float64, cpu) of the Transformer layers and attention options', () => {
  it('MultiheadAttention with kdim/vdim, bias_k/bias_v, a zero key and masks', async () => {
    const mask = t.tensor([
      [false, true, false],
      [false, false, true],
    ]);
    const mha = new MultiheadAttention(4, 2, { kdim: 3, vdim: 2, addBiasKv: true, addZeroAttn: true, ...rng(20) });
    await gradcheckModule(mha, [randn([2, 2, 4], 21), randn([3, 2, 3], 22), randn([3, 2, 2], 23)], {
      extra: [
        {
          attnMask: mask,
          keyPaddingMask: t.tensor([
            [false, false, true],
            [true, false, false],
          ]),
        },
      ],
    });
  });

  it('TransformerEncoderLayer post-norm with masks, pre-norm gelu causal', async () => {
    const post = new TransformerEncoderLayer(4, 2, { dimFeedforward: 5, dropout: 0, ...rng(24) });
    await gradcheckModule(post, [randn([3, 2, 4], 25)], {
      extra: [
        {
          srcKeyPaddingMask: t.tensor([
            [false, false, true],
            [false, false, false],
          ]),
        },
      ],
    });
    const pre = new TransformerEncoderLayer(4, 2, {
      dimFeedforward: 5,
      dropout: 0,
      activation: 'gelu',
      normFirst: true,
      batchFirst: true,
      ...rng(26),
    });
    await gradcheckModule(pre, [randn([2, 3, 4], 27)], { extra: [{ isCausal: true }] });
  });

  it('TransformerDecoderLayer, pre- and post-norm', async () => {
    for (const normFirst of [false, true]) {
      const layer = new TransformerDecoderLayer(2, 2, { dimFeedforward: 3, dropout: 0, normFirst, ...rng(28) });
      await gradcheckModule(layer, [randn([2, 1, 2], 29), randn([2, 1, 2], 30)], { extra: [{ tgtIsCausal: true }] });
    }
  });

  it('Transformer (one layer each)', async () => {
    const model = new Transformer({
      dModel: 2,
      nhead: 1,
      numEncoderLayers: 1,
      numDecoderLayers: 1,
      dimFeedforward: 2,
      dropout: 0,
      ...rng(31),
    });
    await gradcheckModule(model, [randn([2, 1, 2], 32), randn([2, 1, 2], 33)], { extra: [{ tgtIsCausal: true }] });
  });
});

describe('training smoke', () => {
  it('a causal pre-norm encoder learns to predict the next token of a repeating sequence (loss falls)', async () => {
    const vocab = 4;
    const block = new TransformerEncoderLayer(8, 2, { dimFeedforward: 16, dropout: 0, batchFirst: true, normFirst: true, ...rng(40) });
    const embed = new Linear(vocab, 8, rng(41));
    const head = new Linear(8, vocab, rng(42));
    const modules: Module[] = [block, embed, head];
    const params = modules.flatMap((m) => m.parameters());
    const seq = [0, 1, 2, 3, 0, 1, 2, 3, 0];
    const x = t.oneHot(t.tensor(Int32Array.from(seq.slice(0, -1)), { shape: [1, 8] }), vocab).cast('float32');
    const target = t.oneHot(t.tensor(Int32Array.from(seq.slice(1)), { shape: [1, 8] }), vocab).cast('float32');
    const lossOf = () =>
      head
        .call(block.call(embed.call(x), { isCausal: true }))
        .logSoftmax(-1)
        .mul(target)
        .sum()
        .neg()
        .div(8);
    const first = await lossOf().item();
    for (let step = 0; step < 60; step++) {
      const loss = lossOf();
      for (const p of params) p.zeroGrad();
      loss.backward();
      t.noGrad(() => {
        for (const p of params) t.assign(p, p.sub(p.grad!.mul(0.1)));
      });
    }
    const last = await lossOf().item();
    expect(last).toBeLessThan(first * 0.3);
    for (const m of modules) m.dispose();
  });
});
