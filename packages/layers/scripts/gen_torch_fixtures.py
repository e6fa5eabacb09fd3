#!/usr/bin/python3
"""Generates PyTorch reference fixtures for the layers of @tensile/layers.

Run with Debian's Python, which has torch (PyTorch 1.13 here):

    /usr/bin/python3 packages/layers/scripts/gen_torch_fixtures.py          # rewrite fixtures
    /usr/bin/python3 packages/layers/scripts/gen_torch_fixtures.py --check  # compare, exit 1 on drift

Writes packages/layers/fixtures/<case>.json, one file per case:

    {
      "name": "<case>",
      "spec": { "type": "<Tensile layer>", "config": { ... } },   our constructor config
      "training": true | false,                                   the module's mode
      "state_dict": { "<PyTorch name>": <tensor> },               before the forward
      "args": [ <arg> ],                                          forward's arguments
      "outputs": [ <tensor> ],       every tensor of the result, flattened in order
      "cotangents": [ <tensor> ],    one per output
      "input_grads": [ <tensor> ],   for each input tensor with "grad": true, in order
      "param_grads": { "<name>": <tensor> },
      "state_after": { "<name>": <tensor> }                      buffers after the forward
    }

A <tensor> is {"shape": [...], "dtype": "float64" | "int32" | "bool", "data": [flat]}
(non-finite floats written as the strings "inf", "-inf", "nan");
an <arg> is {"$tensor": <tensor> with "grad": bool}, {"$ref": n} (the n-th
tensor met so far, passed again), a list of args, an object
of named args (our option names), or a JSON scalar. Gradients are those of
sum_i sum(output_i * cotangent_i).

Module weights come from torch.manual_seed(crc32(name)) and inputs from
numpy's legacy RandomState seeded by the same CRC, rounded to 3 decimals, so
a case never changes when others are added. Keys are sorted and floats
written by repr: two runs give identical files. --check regenerates into a
temporary directory and compares floats to 1e-12 relative.
"""

import argparse
import json
import math
import os
import shutil
import sys
import tempfile
import warnings
import zlib

import numpy as np
import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
OUT_DIR = os.path.normpath(os.path.join(HERE, '..', 'fixtures'))
CHECK_RTOL = 1e-12
CHECK_ATOL = 1e-13

warnings.filterwarnings('ignore', message="Using padding='same'")
torch.set_num_threads(1)
torch.set_default_dtype(torch.float64)


def encode(t):
    t = t.detach()
    if t.dtype == torch.bool:
        return {'shape': list(t.shape), 'dtype': 'bool', 'data': [bool(v) for v in t.reshape(-1).tolist()]}
    if t.dtype in (torch.int64, torch.int32):
        return {'shape': list(t.shape), 'dtype': 'int32', 'data': [int(v) for v in t.reshape(-1).tolist()]}
    return {'shape': list(t.shape), 'dtype': 'float64', 'data': [json_float(float(v)) for v in t.reshape(-1).tolist()]}


def json_float(v):
    """Floats as JSON numbers; the non-finite ones (an additive -inf mask) as the strings 'inf', '-inf', 'nan'."""
    return v if math.isfinite(v) else repr(v)


class Inputs:
    """Draws a case's inputs and records which need gradients, in order."""

    def __init__(self, rng):
        self.rng = rng
        self.grad_tensors = []

    def randn(self, *shape, grad=True):
        t = torch.tensor(np.round(self.rng.standard_normal(shape), 3))
        if grad:
            t.requires_grad_(True)
            self.grad_tensors.append(t)
        return t

    def exact(self, values, grad=True):
        """Given values (e.g. exactly 0, where a gradient has a kink)."""
        t = torch.tensor(values, dtype=torch.float64)
        if grad:
            t.requires_grad_(True)
            self.grad_tensors.append(t)
        return t

    def uniform(self, lo, hi, *shape):
        return torch.tensor(np.round(self.rng.uniform(lo, hi, shape), 3))


def encode_arg(a, seen=None):
    """Encodes forward arguments; a tensor passed again (self-attention's x, x, x) becomes {"$ref": n}, the n-th tensor."""
    seen = [] if seen is None else seen
    if isinstance(a, torch.Tensor):
        for n, s in enumerate(seen):
            if s is a:
                return {'$ref': n}
        seen.append(a)
        return {'$tensor': dict(encode(a), grad=bool(a.requires_grad))}
    if isinstance(a, (list, tuple)):
        return [encode_arg(v, seen) for v in a]
    if isinstance(a, dict):
        return {k: encode_arg(v, seen) for k, v in a.items()}
    return a


def flatten(out):
    if isinstance(out, torch.Tensor):
        return [out]
    if isinstance(out, (list, tuple)):
        return [t for v in out for t in flatten(v)]
    return []


def make_case(name, spec, build, make_args):
    """build(inputs) -> module; make_args(inputs) -> (torch call, our args)."""
    seed = zlib.crc32(name.encode())
    torch.manual_seed(seed)
    inp = Inputs(np.random.RandomState(seed))
    module = build(inp)
    training = module.training
    state = {k: encode(v) for k, v in module.state_dict().items()}
    call, ours = make_args(inp)
    outputs = flatten(call(module))
    cotangents = [torch.tensor(np.round(inp.rng.standard_normal(tuple(o.shape)), 3)) for o in outputs]
    loss = sum((o * c).sum() for o, c in zip(outputs, cotangents))
    loss.backward()
    buffers = dict(module.named_buffers())
    return {
        'name': name,
        'spec': spec,
        'training': training,
        'state_dict': state,
        'args': encode_arg(ours),
        'outputs': [encode(o) for o in outputs],
        'cotangents': [encode(c) for c in cotangents],
        'input_grads': [encode(t.grad) for t in inp.grad_tensors],
        'param_grads': {k: encode(p.grad) for k, p in module.named_parameters()},
        'state_after': {k: encode(b) for k, b in buffers.items()},
    }


def randomize(module, inp, **ranges):
    """Overwrites named parameters/buffers with uniform values (norms start at ones/zeros otherwise)."""
    with torch.no_grad():
        for name, (lo, hi) in ranges.items():
            t = dict(module.named_parameters(), **dict(module.named_buffers()))[name]
            t.copy_(inp.uniform(lo, hi, *t.shape))
    return module


def single(x):
    """A one-input forward: torch call and our args."""
    return (lambda m: m(x)), [x]


CASES = []


def case(name, spec):
    def register(fn):
        CASES.append((name, spec, fn))
        return fn
    return register


# ---- dense, convolution, pooling ----

@case('linear', {'type': 'Linear', 'config': {'inFeatures': 4, 'outFeatures': 3, 'bias': True}})
def _(inp):
    return nn.Linear(4, 3), lambda i: single(i.randn(2, 5, 4))


@case('conv2d_groups_dilation', {'type': 'Conv2d', 'config': {
    'inChannels': 4, 'outChannels': 6, 'kernelSize': [3, 3], 'stride': [1, 1], 'padding': [2, 2],
    'dilation': [2, 2], 'groups': 2, 'bias': True}})
def _(inp):
    return nn.Conv2d(4, 6, 3, padding=2, dilation=2, groups=2), lambda i: single(i.randn(2, 4, 5, 5))


@case('conv2d_stride_nobias', {'type': 'Conv2d', 'config': {
    'inChannels': 3, 'outChannels': 2, 'kernelSize': [2, 3], 'stride': [2, 1], 'padding': [1, 0],
    'dilation': [1, 1], 'groups': 1, 'bias': False}})
def _(inp):
    return nn.Conv2d(3, 2, (2, 3), stride=(2, 1), padding=(1, 0), bias=False), lambda i: single(i.randn(1, 3, 5, 6))


@case('conv2d_same', {'type': 'Conv2d', 'config': {
    'inChannels': 2, 'outChannels': 3, 'kernelSize': [3, 2], 'stride': [1, 1], 'padding': 'same',
    'dilation': [1, 2], 'groups': 1, 'bias': True}})
def _(inp):
    return nn.Conv2d(2, 3, (3, 2), padding='same', dilation=(1, 2)), lambda i: single(i.randn(2, 2, 4, 5))


@case('max_pool2d', {'type': 'MaxPool2d', 'config': {'kernelSize': 3, 'stride': 2, 'padding': 1}})
def _(inp):
    return nn.MaxPool2d(3, stride=2, padding=1), lambda i: single(i.randn(2, 2, 6, 7))


@case('avg_pool2d', {'type': 'AvgPool2d', 'config': {'kernelSize': [3, 2], 'stride': [2, 1], 'padding': [1, 1], 'countIncludePad': False}})
def _(inp):
    return nn.AvgPool2d((3, 2), stride=(2, 1), padding=(1, 1), count_include_pad=False), lambda i: single(i.randn(1, 2, 5, 4))


@case('adaptive_avg_pool2d', {'type': 'AdaptiveAvgPool2d', 'config': {'outputSize': [3, 2]}})
def _(inp):
    return nn.AdaptiveAvgPool2d((3, 2)), lambda i: single(i.randn(2, 2, 7, 5))


# Unbatched [C, H, W] input, as PyTorch accepts it: the output is unbatched too.
@case('conv2d_unbatched', {'type': 'Conv2d', 'config': {
    'inChannels': 2, 'outChannels': 3, 'kernelSize': [3, 3], 'stride': [1, 1], 'padding': [1, 1],
    'dilation': [1, 1], 'groups': 1, 'bias': True}})
def _(inp):
    return nn.Conv2d(2, 3, 3, padding=1), lambda i: single(i.randn(2, 4, 5))


@case('max_pool2d_unbatched', {'type': 'MaxPool2d', 'config': {'kernelSize': 2}})
def _(inp):
    return nn.MaxPool2d(2), lambda i: single(i.randn(3, 4, 6))


@case('avg_pool2d_unbatched', {'type': 'AvgPool2d', 'config': {'kernelSize': 2, 'stride': 1}})
def _(inp):
    return nn.AvgPool2d(2, stride=1), lambda i: single(i.randn(2, 3, 4))


@case('adaptive_avg_pool2d_unbatched', {'type': 'AdaptiveAvgPool2d', 'config': {'outputSize': [2, 3]}})
def _(inp):
    return nn.AdaptiveAvgPool2d((2, 3)), lambda i: single(i.randn(2, 5, 7))


# ---- normalisation, embedding ----

def bn_config(n, momentum=0.1):
    return {'numFeatures': n, 'eps': 1e-5, 'momentum': momentum, 'affine': True, 'trackRunningStats': True}


def random_bn(m, inp):
    randomize(m, inp, weight=(0.5, 1.5), bias=(-0.5, 0.5), running_mean=(-0.5, 0.5), running_var=(0.5, 1.5))
    return m


@case('batch_norm2d_train', {'type': 'BatchNorm2d', 'config': bn_config(2)})
def _(inp):
    return random_bn(nn.BatchNorm2d(2), inp), lambda i: single(i.randn(3, 2, 3, 3))


@case('batch_norm2d_eval', {'type': 'BatchNorm2d', 'config': bn_config(3)})
def _(inp):
    return random_bn(nn.BatchNorm2d(3), inp).eval(), lambda i: single(i.randn(2, 3, 2, 2))


@case('batch_norm1d_train_cumulative', {'type': 'BatchNorm1d', 'config': bn_config(3, None)})
def _(inp):
    m = random_bn(nn.BatchNorm1d(3, momentum=None), inp)
    m.num_batches_tracked.fill_(2)
    return m, lambda i: single(i.randn(4, 3, 5))


@case('batch_norm1d_eval_2d', {'type': 'BatchNorm1d', 'config': bn_config(4)})
def _(inp):
    return random_bn(nn.BatchNorm1d(4), inp).eval(), lambda i: single(i.randn(3, 4))


@case('batch_norm3d_train', {'type': 'BatchNorm3d', 'config': bn_config(2)})
def _(inp):
    return random_bn(nn.BatchNorm3d(2), inp), lambda i: single(i.randn(2, 2, 2, 3, 2))


@case('layer_norm', {'type': 'LayerNorm', 'config': {'normalizedShape': [3, 4], 'eps': 1e-5, 'elementwiseAffine': True, 'bias': True}})
def _(inp):
    m = randomize(nn.LayerNorm([3, 4]), inp, weight=(0.5, 1.5), bias=(-0.5, 0.5))
    return m, lambda i: single(i.randn(2, 3, 4))


@case('embedding_padding', {'type': 'Embedding', 'config': {'numEmbeddings': 6, 'embeddingDim': 3, 'paddingIdx': 2}})
def _(inp):
    m = nn.Embedding(6, 3, padding_idx=2)
    with torch.no_grad():
        m.weight[2] = torch.tensor([0.5, -0.25, 1.0])  # a loaded non-zero padding row is used but not trained

    def args(i):
        idx = torch.tensor([[0, 2, 5, 5], [2, 1, 3, 0]], dtype=torch.int64)
        return (lambda mod: mod(idx)), [idx.to(torch.int32)]
    return m, args


# ---- recurrent ----

def rnn_config(i, h, layers=1, batch_first=False, bidirectional=False, **extra):
    return dict({'inputSize': i, 'hiddenSize': h, 'numLayers': layers, 'bias': True, 'batchFirst': batch_first,
                 'dropout': 0, 'bidirectional': bidirectional}, **extra)


def with_state(x, h):
    return (lambda m: m(x, h)), [x, h]


@case('rnn_tanh_2layers', {'type': 'RNN', 'config': rnn_config(3, 4, 2, nonlinearity='tanh')})
def _(inp):
    return nn.RNN(3, 4, num_layers=2), lambda i: with_state(i.randn(5, 2, 3), i.randn(2, 2, 4))


@case('rnn_relu_batch_first', {'type': 'RNN', 'config': rnn_config(3, 4, batch_first=True, nonlinearity='relu')})
def _(inp):
    return nn.RNN(3, 4, nonlinearity='relu', batch_first=True), lambda i: single(i.randn(2, 4, 3))


@case('lstm_2layers_state', {'type': 'LSTM', 'config': rnn_config(3, 4, 2)})
def _(inp):
    def args(i):
        x, h0, c0 = i.randn(5, 2, 3), i.randn(2, 2, 4), i.randn(2, 2, 4)
        return (lambda m: m(x, (h0, c0))), [x, [h0, c0]]
    return nn.LSTM(3, 4, num_layers=2), args


@case('lstm_bidirectional_batch_first', {'type': 'LSTM', 'config': rnn_config(3, 2, 1, batch_first=True, bidirectional=True)})
def _(inp):
    return nn.LSTM(3, 2, batch_first=True, bidirectional=True), lambda i: single(i.randn(2, 4, 3))


@case('gru_2layers_state', {'type': 'GRU', 'config': rnn_config(3, 4, 2)})
def _(inp):
    return nn.GRU(3, 4, num_layers=2), lambda i: with_state(i.randn(5, 2, 3), i.randn(2, 2, 4))


@case('gru_bidirectional_state', {'type': 'GRU', 'config': rnn_config(2, 3, 1, bidirectional=True)})
def _(inp):
    return nn.GRU(2, 3, bidirectional=True), lambda i: with_state(i.randn(4, 2, 2), i.randn(2, 2, 3))


# ---- attention ----

def mha_config(e, h, batch_first=False):
    return {'embedDim': e, 'numHeads': h, 'bias': True, 'batchFirst': batch_first, 'dropout': 0}


@case('mha_bool_masks', {'type': 'MultiheadAttention', 'config': mha_config(8, 2)})
def _(inp):
    m = randomize(nn.MultiheadAttention(8, 2), inp, in_proj_bias=(-0.3, 0.3), **{'out_proj.bias': (-0.3, 0.3)})

    def args(i):
        q, k, v = i.randn(4, 2, 8), i.randn(5, 2, 8), i.randn(5, 2, 8)
        attn = torch.tensor([[False, True, False, True, True], [False, False, True, False, True],
                             [True, False, False, False, False], [False, True, True, True, False]])
        pad = torch.tensor([[False, False, False, False, True], [False, True, False, False, False]])
        call = lambda mod: mod(q, k, v, key_padding_mask=pad, attn_mask=attn)
        return call, [q, k, v, {'keyPaddingMask': pad, 'attnMask': attn}]
    return m, args


@case('mha_batch_first_float_mask_per_head', {'type': 'MultiheadAttention', 'config': mha_config(6, 3, True)})
def _(inp):
    m = randomize(nn.MultiheadAttention(6, 3, batch_first=True), inp, in_proj_bias=(-0.3, 0.3), **{'out_proj.bias': (-0.3, 0.3)})

    def args(i):
        x = i.randn(2, 4, 6)
        causal = torch.triu(torch.full((4, 4), float('-inf')), diagonal=1) + i.uniform(-0.5, 0.5, 4, 4)
        call = lambda mod: mod(x, x, x, attn_mask=causal, average_attn_weights=False)
        return call, [x, x, x, {'attnMask': causal, 'averageAttnWeights': False}]
    return m, args


# ---- activations ----

for _name, _spec, _torch in [
    ('gelu_exact', {'type': 'GELU', 'config': {'approximate': 'none'}}, lambda: nn.GELU()),
    ('gelu_tanh', {'type': 'GELU', 'config': {'approximate': 'tanh'}}, lambda: nn.GELU(approximate='tanh')),
    ('elu', {'type': 'ELU', 'config': {'alpha': 0.7}}, lambda: nn.ELU(0.7)),
    ('leaky_relu', {'type': 'LeakyReLU', 'config': {'negativeSlope': 0.2}}, lambda: nn.LeakyReLU(0.2)),
    ('silu', {'type': 'SiLU', 'config': {}}, lambda: nn.SiLU()),
    ('softmax_dim1', {'type': 'Softmax', 'config': {'dim': 1}}, lambda: nn.Softmax(dim=1)),
    ('log_softmax', {'type': 'LogSoftmax', 'config': {'dim': -1}}, lambda: nn.LogSoftmax(dim=-1)),
]:
    case(_name, _spec)(lambda inp, _torch=_torch: (_torch(), lambda i: single(i.randn(3, 4, 2))))

# At exactly x = 0 PyTorch's ELU gradient takes the negative branch whole: α·e⁰ = α.
for _alpha in (1.0, 0.5):
    case(f'elu_at_zero_alpha{_alpha:g}'.replace('.', '_'), {'type': 'ELU', 'config': {'alpha': _alpha}})(
        lambda inp, _alpha=_alpha: (nn.ELU(_alpha), lambda i: single(i.exact([0.0, -1.0, 1.0, -0.0, 0.0, 2.5]))))


# ---- issue 14: more norms, cells, activations ----

def in_config(n, affine=False, track=False):
    return {'numFeatures': n, 'eps': 1e-5, 'momentum': 0.1, 'affine': affine, 'trackRunningStats': track}


@case('group_norm', {'type': 'GroupNorm', 'config': {'numGroups': 2, 'numChannels': 6, 'eps': 1e-5, 'affine': True}})
def _(inp):
    m = randomize(nn.GroupNorm(2, 6), inp, weight=(0.5, 1.5), bias=(-0.5, 0.5))
    return m, lambda i: single(i.randn(2, 6, 3, 2))


@case('group_norm_3d_no_affine', {'type': 'GroupNorm', 'config': {'numGroups': 3, 'numChannels': 3, 'eps': 1e-3, 'affine': False}})
def _(inp):
    return nn.GroupNorm(3, 3, eps=1e-3, affine=False), lambda i: single(i.randn(2, 3, 4))


@case('instance_norm1d', {'type': 'InstanceNorm1d', 'config': in_config(3)})
def _(inp):
    return nn.InstanceNorm1d(3), lambda i: single(i.randn(2, 3, 5))


@case('instance_norm1d_unbatched_affine', {'type': 'InstanceNorm1d', 'config': in_config(2, affine=True)})
def _(inp):
    m = randomize(nn.InstanceNorm1d(2, affine=True), inp, weight=(0.5, 1.5), bias=(-0.5, 0.5))
    return m, lambda i: single(i.randn(2, 5))


@case('instance_norm2d_affine_track_train', {'type': 'InstanceNorm2d', 'config': in_config(2, True, True)})
def _(inp):
    m = randomize(nn.InstanceNorm2d(2, affine=True, track_running_stats=True), inp,
                  weight=(0.5, 1.5), bias=(-0.5, 0.5), running_mean=(-0.5, 0.5), running_var=(0.5, 1.5))
    return m, lambda i: single(i.randn(3, 2, 3, 4))


@case('instance_norm2d_track_eval', {'type': 'InstanceNorm2d', 'config': in_config(3, False, True)})
def _(inp):
    m = randomize(nn.InstanceNorm2d(3, track_running_stats=True), inp, running_mean=(-0.5, 0.5), running_var=(0.5, 1.5))
    return m.eval(), lambda i: single(i.randn(2, 3, 2, 2))


class TorchRMSNorm(nn.Module):
    """torch.nn.RMSNorm of PyTorch 2.4, which 1.13 lacks: x / sqrt(mean(x^2) + eps) * weight; eps None is finfo(dtype).eps."""

    def __init__(self, shape, eps=None):
        super().__init__()
        self.shape, self.eps = tuple(shape), eps
        self.weight = nn.Parameter(torch.ones(self.shape))

    def forward(self, x):
        dims = tuple(range(-len(self.shape), 0))
        eps = torch.finfo(x.dtype).eps if self.eps is None else self.eps
        return x * torch.rsqrt(x.pow(2).mean(dims, keepdim=True) + eps) * self.weight


@case('rms_norm', {'type': 'RMSNorm', 'config': {'normalizedShape': [3, 4], 'eps': None, 'elementwiseAffine': True}})
def _(inp):
    return randomize(TorchRMSNorm([3, 4]), inp, weight=(0.5, 1.5)), lambda i: single(i.randn(2, 3, 4))


@case('rms_norm_eps', {'type': 'RMSNorm', 'config': {'normalizedShape': [5], 'eps': 0.1, 'elementwiseAffine': True}})
def _(inp):
    return randomize(TorchRMSNorm([5], eps=0.1), inp, weight=(0.5, 1.5)), lambda i: single(i.randn(3, 5))


@case('unflatten', {'type': 'Unflatten', 'config': {'dim': 1, 'unflattenedSize': [2, 3]}})
def _(inp):
    return nn.Unflatten(1, (2, 3)), lambda i: single(i.randn(2, 6, 2))


def cell_config(i, h, bias=True, **extra):
    return dict({'inputSize': i, 'hiddenSize': h, 'bias': bias}, **extra)


@case('rnn_cell_tanh_state', {'type': 'RNNCell', 'config': cell_config(3, 4, nonlinearity='tanh')})
def _(inp):
    def args(i):
        x, h = i.randn(2, 3), i.randn(2, 4)
        return (lambda m: m(x, h)), [x, h]
    return nn.RNNCell(3, 4), args


@case('rnn_cell_relu_nobias', {'type': 'RNNCell', 'config': cell_config(3, 2, bias=False, nonlinearity='relu')})
def _(inp):
    return nn.RNNCell(3, 2, bias=False, nonlinearity='relu'), lambda i: single(i.randn(4, 3))


@case('lstm_cell_state', {'type': 'LSTMCell', 'config': cell_config(3, 4)})
def _(inp):
    def args(i):
        x, h, c = i.randn(2, 3), i.randn(2, 4), i.randn(2, 4)
        return (lambda m: m(x, (h, c))), [x, [h, c]]
    return nn.LSTMCell(3, 4), args


@case('lstm_cell_unbatched', {'type': 'LSTMCell', 'config': cell_config(2, 3)})
def _(inp):
    return nn.LSTMCell(2, 3), lambda i: single(i.randn(2))


@case('gru_cell_state', {'type': 'GRUCell', 'config': cell_config(3, 4)})
def _(inp):
    def args(i):
        x, h = i.randn(2, 3), i.randn(2, 4)
        return (lambda m: m(x, h)), [x, h]
    return nn.GRUCell(3, 4), args


@case('prelu_channels', {'type': 'PReLU', 'config': {'numParameters': 3, 'init': 0.25}})
def _(inp):
    return randomize(nn.PReLU(3), inp, weight=(-0.5, 0.5)), lambda i: single(i.randn(2, 3, 4))


@case('prelu_shared', {'type': 'PReLU', 'config': {'numParameters': 1, 'init': 0.1}})
def _(inp):
    return nn.PReLU(1, init=0.1), lambda i: single(i.randn(3, 5))


@case('bilinear', {'type': 'Bilinear', 'config': {'in1Features': 3, 'in2Features': 2, 'outFeatures': 4, 'bias': True}})
def _(inp):
    def args(i):
        x1, x2 = i.randn(2, 5, 3), i.randn(2, 5, 2)
        return (lambda m: m(x1, x2)), [x1, x2]
    return nn.Bilinear(3, 2, 4), args


@case('bilinear_nobias_unbatched', {'type': 'Bilinear', 'config': {'in1Features': 2, 'in2Features': 3, 'outFeatures': 2, 'bias': False}})
def _(inp):
    def args(i):
        x1, x2 = i.randn(2), i.randn(3)
        return (lambda m: m(x1, x2)), [x1, x2]
    return nn.Bilinear(2, 3, 2, bias=False), args


# Values at the joints (±3, 0, 6, the bounds), where PyTorch's gradient picks a side, and far out.
JOINTS = [-4.0, -3.0, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 3.0, 6.0, 7.0, 25.0, -25.0]

for _name, _spec, _torch in [
    ('relu6', {'type': 'ReLU6', 'config': {}}, lambda: nn.ReLU6()),
    ('hardtanh', {'type': 'Hardtanh', 'config': {'minVal': -0.5, 'maxVal': 1.5}}, lambda: nn.Hardtanh(-0.5, 1.5)),
    ('softplus', {'type': 'Softplus', 'config': {'beta': 2, 'threshold': 3}}, lambda: nn.Softplus(beta=2, threshold=3)),
    ('mish', {'type': 'Mish', 'config': {}}, lambda: nn.Mish()),
    ('hardswish', {'type': 'Hardswish', 'config': {}}, lambda: nn.Hardswish()),
    ('selu', {'type': 'SELU', 'config': {}}, lambda: nn.SELU()),
]:
    case(_name, _spec)(lambda inp, _torch=_torch: (_torch(), lambda i: single(i.randn(3, 4, 2))))
    case(f'{_name}_joints', _spec)(lambda inp, _torch=_torch: (_torch(), lambda i: single(i.exact(JOINTS))))


# ---- conv, pooling, padding and resampling layers (conv_pool_cases.py) ----

import conv_pool_cases  # noqa: E402

conv_pool_cases.register(case, single)


# ---- writing and checking ----

def generate(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    written = []
    for name, spec, fn in CASES:
        def build(inp, fn=fn):
            module, make_args = fn(inp)
            build.make_args = make_args
            return module
        c = make_case(name, spec, build, lambda inp: build.make_args(inp))
        path = os.path.join(out_dir, f'{name}.json')
        with open(path, 'w') as f:
            json.dump(c, f, sort_keys=True, separators=(',', ':'), allow_nan=False)
            f.write('\n')
        written.append(path)
    return written


def close(a, b, where):
    if isinstance(a, float) or isinstance(b, float):
        if isinstance(a, bool) or isinstance(b, bool) or not isinstance(a, (int, float)) or not isinstance(b, (int, float)):
            return [f'{where}: {a!r} vs {b!r}']
        if math.isclose(a, b, rel_tol=CHECK_RTOL, abs_tol=CHECK_ATOL):
            return []
        return [f'{where}: {a!r} vs {b!r}']
    if isinstance(a, dict) and isinstance(b, dict):
        if sorted(a) != sorted(b):
            return [f'{where}: keys {sorted(a)} vs {sorted(b)}']
        return [p for k in a for p in close(a[k], b[k], f'{where}.{k}')]
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return [f'{where}: length {len(a)} vs {len(b)}']
        return [p for i, (x, y) in enumerate(zip(a, b)) for p in close(x, y, f'{where}[{i}]')]
    return [] if a == b and type(a) == type(b) else [f'{where}: {a!r} vs {b!r}']


def check():
    tmp = tempfile.mkdtemp(prefix='layers-fixtures-')
    try:
        fresh = {os.path.basename(p) for p in generate(tmp)}
        committed = {f for f in os.listdir(OUT_DIR) if f.endswith('.json')}
        problems = [f'{f}: not generated any more' for f in sorted(committed - fresh)]
        problems += [f'{f}: missing from fixtures/' for f in sorted(fresh - committed)]
        for f in sorted(fresh & committed):
            with open(os.path.join(OUT_DIR, f)) as a, open(os.path.join(tmp, f)) as b:
                diffs = close(json.load(a), json.load(b), f)
            problems += diffs[:5]
        for p in problems:
            print(p, file=sys.stderr)
        print(f'{len(fresh)} fixtures checked, {len(problems)} problems')
        return 1 if problems else 0
    finally:
        shutil.rmtree(tmp)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--check', action='store_true', help='compare committed fixtures with a fresh run')
    args = parser.parse_args()
    if args.check:
        sys.exit(check())
    total = 0
    for path in generate(OUT_DIR):
        total += os.path.getsize(path)
    print(f'{len(CASES)} fixtures, {total} bytes (torch {torch.__version__})')


if __name__ == '__main__':
    main()
