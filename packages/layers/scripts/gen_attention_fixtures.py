#!/usr/bin/python3
"""PyTorch reference fixtures for attention, Transformer, LSTM projSize and embedding layers of @tensile/layers.

    /usr/bin/python3 packages/layers/scripts/gen_attention_fixtures.py          # rewrite fixtures
    /usr/bin/python3 packages/layers/scripts/gen_attention_fixtures.py --check  # compare, exit 1 on drift

Writes packages/layers/fixtures/attention/<case>.json in the format of
gen_torch_fixtures.py (whose machinery this reuses: seeds from the case name,
forward outputs, input and parameter gradients of sum(output * cotangent)).
Kept apart so each script owns its own folder and list of cases.
"""

import argparse
import json
import os
import shutil
import sys
import tempfile

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_torch_fixtures as base  # noqa: E402

OUT_DIR = os.path.join(base.OUT_DIR, 'attention')
CASES = []


def case(name, spec):
    def register(fn):
        CASES.append((name, spec, fn))
        return fn
    return register


def jiggle(module, inp):
    """Biases and norm shifts U(-0.3, 0.3), norm scales U(0.5, 1.5): PyTorch starts them at 0 and 1, which hides mistakes."""
    with torch.no_grad():
        for name, p in module.named_parameters():
            if p.dim() == 1 or name.endswith('bias_k') or name.endswith('bias_v'):
                scale = 'norm' in name and name.endswith('weight')
                p.copy_(inp.uniform(0.5, 1.5, *p.shape) if scale else inp.uniform(-0.3, 0.3, *p.shape))
    return module


def causal(n):
    return torch.triu(torch.full((n, n), float('-inf')), diagonal=1)


# ---- MultiheadAttention options ----

def mha_config(e, h, batch_first=False, **extra):
    return dict({'embedDim': e, 'numHeads': h, 'bias': True, 'batchFirst': batch_first, 'dropout': 0}, **extra)


@case('mha_kdim_vdim_bias_kv_zero_attn', {'type': 'MultiheadAttention',
                                          'config': mha_config(6, 2, kdim=4, vdim=3, addBiasKv=True, addZeroAttn=True)})
def _(inp):
    m = jiggle(nn.MultiheadAttention(6, 2, kdim=4, vdim=3, add_bias_kv=True, add_zero_attn=True), inp)

    def args(i):
        q, k, v = i.randn(3, 2, 6), i.randn(4, 2, 4), i.randn(4, 2, 3)
        attn = torch.tensor([[False, True, False, False], [False, False, True, False], [True, False, False, False]])
        pad = torch.tensor([[False, False, False, True], [False, True, False, False]])
        call = lambda mod: mod(q, k, v, key_padding_mask=pad, attn_mask=attn, average_attn_weights=False)
        return call, [q, k, v, {'keyPaddingMask': pad, 'attnMask': attn, 'averageAttnWeights': False}]
    return m, args


@case('mha_bias_kv_batch_first_float_padding', {'type': 'MultiheadAttention',
                                                 'config': mha_config(4, 2, True, addBiasKv=True)})
def _(inp):
    m = jiggle(nn.MultiheadAttention(4, 2, batch_first=True, add_bias_kv=True), inp)

    def args(i):
        x = i.randn(2, 3, 4)
        pad = torch.tensor([[0.0, 0.0, float('-inf')], [0.0, -0.5, 0.25]])
        call = lambda mod: mod(x, x, x, key_padding_mask=pad)
        return call, [x, x, x, {'keyPaddingMask': pad}]
    return m, args


@case('mha_zero_attn_unbatched_no_weights', {'type': 'MultiheadAttention', 'config': mha_config(4, 1, addZeroAttn=True)})
def _(inp):
    m = jiggle(nn.MultiheadAttention(4, 1, add_zero_attn=True), inp)

    def args(i):
        q, kv = i.randn(2, 4), i.randn(3, 4)
        call = lambda mod: mod(q, kv, kv, need_weights=False)
        return call, [q, kv, kv, {'needWeights': False}]
    return m, args


# ---- Transformer layers ----

def layer_config(d, h, ff, activation='relu', batch_first=False, norm_first=False, eps=1e-5):
    return {'dModel': d, 'nhead': h, 'dimFeedforward': ff, 'dropout': 0, 'activation': activation,
            'layerNormEps': eps, 'batchFirst': batch_first, 'normFirst': norm_first, 'bias': True}


def torch_layer(cls, c):
    return cls(c['dModel'], c['nhead'], dim_feedforward=c['dimFeedforward'], dropout=0.0, activation=c['activation'],
               layer_norm_eps=c['layerNormEps'], batch_first=c['batchFirst'], norm_first=c['normFirst'])


def norm_spec(d, eps=1e-5):
    return {'type': 'LayerNorm', 'config': {'normalizedShape': [d], 'eps': eps, 'elementwiseAffine': True, 'bias': True}}


def stack_spec(kind, layer_type, c, n, norm=True):
    layers = {'type': 'ModuleList', 'config': {}, 'children': {str(k): {'type': layer_type, 'config': c} for k in range(n)}}
    children = {'layers': layers}
    if norm:
        children['norm'] = norm_spec(c['dModel'], c['layerNormEps'])
    return {'type': kind, 'config': {'numLayers': n}, 'children': children}


ENC_POST = layer_config(8, 2, 12)


@case('transformer_encoder_layer_post_norm_masks', {'type': 'TransformerEncoderLayer', 'config': ENC_POST})
def _(inp):
    m = jiggle(torch_layer(nn.TransformerEncoderLayer, ENC_POST), inp)

    def args(i):
        x = i.randn(4, 2, 8)
        mask = torch.tensor([[False, True, False, False], [False, False, True, False],
                             [False, False, False, True], [True, False, False, False]])
        pad = torch.tensor([[False, False, False, True], [False, False, False, False]])
        call = lambda mod: mod(x, src_mask=mask, src_key_padding_mask=pad)
        return call, [x, {'srcMask': mask, 'srcKeyPaddingMask': pad}]
    return m, args


ENC_PRE = layer_config(8, 4, 16, activation='gelu', batch_first=True, norm_first=True, eps=1e-6)


@case('transformer_encoder_layer_pre_norm_gelu_causal', {'type': 'TransformerEncoderLayer', 'config': ENC_PRE})
def _(inp):
    m = jiggle(torch_layer(nn.TransformerEncoderLayer, ENC_PRE), inp)

    def args(i):
        x = i.randn(2, 5, 8)
        call = lambda mod: mod(x, src_mask=causal(5))
        return call, [x, {'isCausal': True}]
    return m, args


DEC_POST = layer_config(6, 2, 10)


@case('transformer_decoder_layer_post_norm', {'type': 'TransformerDecoderLayer', 'config': DEC_POST})
def _(inp):
    m = jiggle(torch_layer(nn.TransformerDecoderLayer, DEC_POST), inp)

    def args(i):
        tgt, memory = i.randn(3, 2, 6), i.randn(4, 2, 6)
        mpad = torch.tensor([[False, False, True, True], [False, False, False, False]])
        call = lambda mod: mod(tgt, memory, tgt_mask=causal(3), memory_key_padding_mask=mpad)
        return call, [tgt, memory, {'tgtMask': causal(3), 'memoryKeyPaddingMask': mpad}]
    return m, args


DEC_PRE = layer_config(6, 3, 8, activation='gelu', batch_first=True, norm_first=True)


@case('transformer_decoder_layer_pre_norm_batch_first', {'type': 'TransformerDecoderLayer', 'config': DEC_PRE})
def _(inp):
    m = jiggle(torch_layer(nn.TransformerDecoderLayer, DEC_PRE), inp)

    def args(i):
        tgt, memory = i.randn(2, 3, 6), i.randn(2, 2, 6)
        mmask = torch.tensor([[0.0, -1.0], [0.5, 0.0], [float('-inf'), 0.0]])
        call = lambda mod: mod(tgt, memory, tgt_mask=causal(3), memory_mask=mmask)
        return call, [tgt, memory, {'tgtIsCausal': True, 'memoryMask': mmask}]
    return m, args


@case('transformer_encoder_2_layers_norm', stack_spec('TransformerEncoder', 'TransformerEncoderLayer', ENC_PRE, 2))
def _(inp):
    layer = torch_layer(nn.TransformerEncoderLayer, ENC_PRE)
    m = jiggle(nn.TransformerEncoder(layer, 2, norm=nn.LayerNorm(8, eps=1e-6)), inp)

    def args(i):
        x = i.randn(2, 4, 8)
        pad = torch.tensor([[False, False, True, True], [False, False, False, False]])
        call = lambda mod: mod(x, mask=causal(4), src_key_padding_mask=pad)
        return call, [x, {'mask': causal(4), 'srcKeyPaddingMask': pad}]
    return m, args


@case('transformer_decoder_2_layers', stack_spec('TransformerDecoder', 'TransformerDecoderLayer', DEC_POST, 2, norm=False))
def _(inp):
    m = jiggle(nn.TransformerDecoder(torch_layer(nn.TransformerDecoderLayer, DEC_POST), 2), inp)

    def args(i):
        tgt, memory = i.randn(3, 1, 6), i.randn(2, 1, 6)
        call = lambda mod: mod(tgt, memory, tgt_mask=causal(3))
        return call, [tgt, memory, {'tgtMask': causal(3)}]
    return m, args


TF = layer_config(8, 2, 12, batch_first=True)
TF_CONFIG = dict(TF, numEncoderLayers=1, numDecoderLayers=2)


@case('transformer_full_batch_first', {
    'type': 'Transformer', 'config': TF_CONFIG,
    'children': {'encoder': stack_spec('TransformerEncoder', 'TransformerEncoderLayer', TF, 1),
                 'decoder': stack_spec('TransformerDecoder', 'TransformerDecoderLayer', TF, 2)}})
def _(inp):
    m = jiggle(nn.Transformer(8, 2, 1, 2, 12, dropout=0.0, batch_first=True), inp)

    def args(i):
        src, tgt = i.randn(2, 4, 8), i.randn(2, 3, 8)
        # Two tensors, not one passed twice: a {"$ref"} inside an object may be written (keys sorted) before its tensor.
        spad = torch.tensor([[False, False, False, True], [False, False, False, False]])
        mpad = spad.clone()
        call = lambda mod: mod(src, tgt, tgt_mask=causal(3), src_key_padding_mask=spad, memory_key_padding_mask=mpad)
        return call, [src, tgt, {'tgtMask': causal(3), 'srcKeyPaddingMask': spad, 'memoryKeyPaddingMask': mpad}]
    return m, args


# ---- LSTM projSize ----

def lstm_config(i, h, layers=1, batch_first=False, bidirectional=False, proj=0):
    return {'inputSize': i, 'hiddenSize': h, 'numLayers': layers, 'bias': True, 'batchFirst': batch_first,
            'dropout': 0, 'bidirectional': bidirectional, 'projSize': proj}


@case('lstm_proj_2layers_bidirectional_state', {'type': 'LSTM', 'config': lstm_config(3, 4, 2, bidirectional=True, proj=2)})
def _(inp):
    def args(i):
        x, h, c = i.randn(3, 2, 3), i.randn(4, 2, 2), i.randn(4, 2, 4)
        return (lambda m: m(x, (h, c))), [x, [h, c]]
    return nn.LSTM(3, 4, 2, bidirectional=True, proj_size=2), args


@case('lstm_proj_batch_first', {'type': 'LSTM', 'config': lstm_config(2, 5, batch_first=True, proj=3)})
def _(inp):
    return nn.LSTM(2, 5, batch_first=True, proj_size=3), lambda i: base.single(i.randn(2, 4, 2))


# ---- Embedding maxNorm, EmbeddingBag ----

def emb_config(n, d, pad=None, max_norm=None, norm_type=2.0):
    return {'numEmbeddings': n, 'embeddingDim': d, 'paddingIdx': pad, 'maxNorm': max_norm, 'normType': norm_type}


def int_tensor(values):
    return torch.tensor(values, dtype=torch.int64)


@case('embedding_max_norm', {'type': 'Embedding', 'config': emb_config(6, 3, max_norm=1.2)})
def _(inp):
    idx = int_tensor([[0, 2, 2], [5, 1, 0]])
    return nn.Embedding(6, 3, max_norm=1.2), lambda i: ((lambda m: m(idx)), [idx])


@case('embedding_max_norm_p1_padding', {'type': 'Embedding', 'config': emb_config(5, 4, pad=1, max_norm=1.5, norm_type=1.0)})
def _(inp):
    idx = int_tensor([3, 1, 4, 3, 0])
    return nn.Embedding(5, 4, padding_idx=1, max_norm=1.5, norm_type=1.0), lambda i: ((lambda m: m(idx)), [idx])


def bag_config(n, d, mode, pad=None, max_norm=None, last=False):
    return dict(emb_config(n, d, pad, max_norm), mode=mode, includeLastOffset=last)


@case('embedding_bag_mean_offsets_padding', {'type': 'EmbeddingBag', 'config': bag_config(7, 3, 'mean', pad=2)})
def _(inp):
    idx, offsets = int_tensor([1, 2, 4, 5, 2, 6, 0]), int_tensor([0, 3, 5, 5])
    return nn.EmbeddingBag(7, 3, mode='mean', padding_idx=2), lambda i: ((lambda m: m(idx, offsets)), [idx, offsets])


@case('embedding_bag_sum_per_sample_weights_last_offset', {'type': 'EmbeddingBag', 'config': bag_config(6, 2, 'sum', last=True)})
def _(inp):
    def args(i):
        idx, offsets = int_tensor([1, 3, 3, 0, 5]), int_tensor([0, 2, 2, 5])
        w = i.randn(5)
        return (lambda m: m(idx, offsets, per_sample_weights=w)), [idx, offsets, w]
    return nn.EmbeddingBag(6, 2, mode='sum', include_last_offset=True), args


@case('embedding_bag_max_2d_max_norm', {'type': 'EmbeddingBag', 'config': bag_config(5, 3, 'max', max_norm=1.0)})
def _(inp):
    idx = int_tensor([[0, 3, 4], [2, 2, 1]])
    return nn.EmbeddingBag(5, 3, mode='max', max_norm=1.0), lambda i: ((lambda m: m(idx)), [idx, None])


# ---- writing and checking ----

def generate(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    written = []
    for name, spec, fn in CASES:
        made = {}

        def build(inp, fn=fn):
            module, made['args'] = fn(inp)
            return module
        c = base.make_case(name, spec, build, lambda inp: made['args'](inp))
        path = os.path.join(out_dir, f'{name}.json')
        with open(path, 'w') as f:
            json.dump(c, f, sort_keys=True, separators=(',', ':'), allow_nan=False)
            f.write('\n')
        written.append(path)
    return written


def check():
    tmp = tempfile.mkdtemp(prefix='attention-fixtures-')
    try:
        fresh = {os.path.basename(p) for p in generate(tmp)}
        committed = {f for f in os.listdir(OUT_DIR) if f.endswith('.json')} if os.path.isdir(OUT_DIR) else set()
        problems = [f'{f}: not generated any more' for f in sorted(committed - fresh)]
        problems += [f'{f}: missing from fixtures/attention/' for f in sorted(fresh - committed)]
        for f in sorted(fresh & committed):
            with open(os.path.join(OUT_DIR, f)) as a, open(os.path.join(tmp, f)) as b:
                problems += base.close(json.load(a), json.load(b), f)[:5]
        for p in problems:
            print(p, file=sys.stderr)
        print(f'{len(fresh)} fixtures checked, {len(problems)} problems')
        return 1 if problems else 0
    finally:
        shutil.rmtree(tmp)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--check', action='store_true', help='compare committed fixtures with a fresh run')
    if parser.parse_args().check:
        sys.exit(check())
    total = sum(os.path.getsize(p) for p in generate(OUT_DIR))
    print(f'{len(CASES)} fixtures, {total} bytes (torch {torch.__version__})')


if __name__ == '__main__':
    main()
