#!/usr/bin/python3
"""Generates PyTorch reference values for @tensile/losses.

Run with Debian's Python, which has torch (PyTorch 1.13 here):

    /usr/bin/python3 packages/losses/scripts/gen_torch_fixtures.py          # rewrite fixtures
    /usr/bin/python3 packages/losses/scripts/gen_torch_fixtures.py --check  # compare, exit 1 on drift

Writes packages/losses/fixtures/losses.json: a list of cases

    { "name", "loss": "<our function name>", "options": { our option names },
      "tensors": { "input", "target", "weight"?, "posWeight"? },
      "cotangent": <tensor>, "output": <tensor>,
      "grads": { "input": <tensor>, "target"?: <tensor> } }

Gradients are those of sum(output * cotangent). A <tensor> is
{"shape", "dtype": "float64" | "int32", "data": [flat]}. Inputs come from
numpy's RandomState seeded by the case name's CRC, so cases are independent
and files are byte-identical between runs. --check regenerates into a
temporary directory and compares floats to 1e-12 relative.
"""

import json
import math
import os
import sys
import warnings
import zlib

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
OUT_DIR = os.path.normpath(os.path.join(HERE, '..', 'fixtures'))

sys.path.insert(0, os.path.normpath(os.path.join(HERE, '..', '..', '..', 'scripts')))
from fixture_check import run_fixture_cli  # noqa: E402  (shared --check logic)
torch.set_default_dtype(torch.float64)
torch.set_num_threads(1)
warnings.filterwarnings("ignore", message="reduction: .mean. divides")


def encode(t):
    t = t.detach()
    if t.dtype in (torch.int64, torch.int32):
        return {'shape': list(t.shape), 'dtype': 'int32', 'data': [int(v) for v in t.reshape(-1).tolist()]}
    return {'shape': list(t.shape), 'dtype': 'float64', 'data': [json_float(float(v)) for v in t.reshape(-1).tolist()]}


def json_float(v):
    """Floats as JSON numbers; the non-finite ones (a mean over no rows is NaN) as the strings 'inf', '-inf', 'nan'."""
    return v if math.isfinite(v) else repr(v)


def rng_for(name):
    return np.random.RandomState(zlib.crc32(name.encode()))


def randn(rng, *shape):
    return torch.tensor(np.round(rng.randn(*shape), 3))


def uniform(rng, lo, hi, *shape):
    return torch.tensor(np.round(rng.uniform(lo, hi, size=shape), 3))


def probs(rng, *shape):
    p = torch.tensor(rng.uniform(0.05, 1.0, size=shape))
    return p / p.sum(1, keepdim=True)


CASES = []


def case(name, loss, torch_fn, tensors, options, grad_target=False):
    CASES.append((name, loss, torch_fn, tensors, options, grad_target))


def regression_cases():
    for loss, fn, extra in [
        ('mseLoss', lambda i, t, o: F.mse_loss(i, t, reduction=o['reduction']), [{}]),
        ('l1Loss', lambda i, t, o: F.l1_loss(i, t, reduction=o['reduction']), [{}]),
        ('smoothL1Loss', lambda i, t, o: F.smooth_l1_loss(i, t, reduction=o['reduction'], beta=o.get('beta', 1.0)),
         [{}, {'beta': 0.5}, {'beta': 0.0}]),
        ('huberLoss', lambda i, t, o: F.huber_loss(i, t, reduction=o['reduction'], delta=o.get('delta', 1.0)),
         [{}, {'delta': 2.0}]),
    ]:
        for opts in extra:
            for red in ['mean', 'sum', 'none']:
                name = f'{loss}-{red}' + ''.join(f'-{k}{v}' for k, v in opts.items())
                r = rng_for(name)
                tensors = {'input': randn(r, 4, 5) * 2, 'target': randn(r, 4, 5)}
                case(name, loss, fn, tensors, {**opts, 'reduction': red}, grad_target=True)


def binary_cases():
    for red in ['mean', 'sum', 'none']:
        for weighted in [False, True]:
            name = f'bceLoss-{red}' + ('-weight' if weighted else '')
            r = rng_for(name)
            tensors = {'input': uniform(r, 0.02, 0.98, 3, 4), 'target': torch.tensor(r.randint(0, 2, size=(3, 4)).astype(float))}
            if weighted:
                tensors['weight'] = uniform(r, 0.5, 2.0, 4)
            case(name, 'bceLoss',
                 lambda i, t, o, w=weighted, T=tensors: F.binary_cross_entropy(i, t, weight=T.get('weight'), reduction=o['reduction']),
                 tensors, {'reduction': red})
        for variant in ['plain', 'weight', 'posWeight', 'both']:
            name = f'bceWithLogitsLoss-{red}-{variant}'
            r = rng_for(name)
            x = randn(r, 3, 4) * 3
            x[0, 0] = 0.0  # the gradient at exactly 0 is sigmoid(0) - y
            tensors = {'input': x, 'target': uniform(r, 0, 1, 3, 4)}
            if variant in ('weight', 'both'):
                tensors['weight'] = uniform(r, 0.5, 2.0, 3, 1)
            if variant in ('posWeight', 'both'):
                tensors['posWeight'] = uniform(r, 0.5, 3.0, 4)
            case(name, 'bceWithLogitsLoss',
                 lambda i, t, o, T=tensors: F.binary_cross_entropy_with_logits(
                     i, t, weight=T.get('weight'), pos_weight=T.get('posWeight'), reduction=o['reduction']),
                 tensors, {'reduction': red}, grad_target=True)


def class_cases():
    variants = [
        ('plain', {}), ('weight', {'weight': True}), ('ignore', {'ignore': True}),
        ('weight-ignore', {'weight': True, 'ignore': True}), ('smooth', {'labelSmoothing': 0.1}),
        ('smooth-weight', {'labelSmoothing': 0.2, 'weight': True}),
        ('smooth-ignore', {'labelSmoothing': 0.1, 'ignore': True}),
        ('smooth-weight-ignore', {'labelSmoothing': 0.3, 'weight': True, 'ignore': True}),
        ('ignoreIndex1', {'ignoreIndex': 1}),
        ('spatial', {'spatial': True, 'weight': True}), ('spatial-smooth-ignore', {'spatial': True, 'labelSmoothing': 0.1, 'ignore': True}),
        ('unbatched', {'unbatched': True}),
        ('probs', {'probs': True}), ('probs-smooth-weight', {'probs': True, 'labelSmoothing': 0.15, 'weight': True}),
        ('probs-spatial', {'probs': True, 'spatial': True}),
        # Every target ignored: 'mean' is 0/0 = NaN, the gradient 0 (also with smoothing and weights).
        ('all-ignored', {'allIgnored': True}), ('all-ignored-smooth', {'allIgnored': True, 'labelSmoothing': 0.1}),
        ('all-ignored-smooth-weight', {'allIgnored': True, 'labelSmoothing': 0.2, 'weight': True}),
        ('empty-batch', {'empty': True}), ('empty-batch-smooth', {'empty': True, 'labelSmoothing': 0.1}),
    ]
    for loss in ['crossEntropy', 'nllLoss']:
        for vname, v in variants:
            if loss == 'nllLoss' and (v.get('probs') or v.get('labelSmoothing')):
                continue
            for red in ['mean', 'sum', 'none']:
                name = f'{loss}-{vname}-{red}'
                r = rng_for(name)
                C = 5
                n = 0 if v.get('empty') else 6
                shape = [C] if v.get('unbatched') else [n, C, 2, 3] if v.get('spatial') else [n, C]
                tshape = [] if v.get('unbatched') else [n, 2, 3] if v.get('spatial') else [n]
                x = randn(r, *shape) * 2
                if loss == 'nllLoss':
                    x = torch.log_softmax(x, 0 if v.get('unbatched') else 1)
                if v.get('probs'):
                    target = probs(r, *([1] + shape if v.get('unbatched') else shape))
                    if v.get('unbatched'):
                        target = target[0]
                else:
                    target = torch.tensor(r.randint(0, C, size=tshape), dtype=torch.int64)
                    if v.get('allIgnored'):
                        target.fill_(-100)
                    if v.get('ignore'):
                        flat = target.reshape(-1)
                        flat[1] = -100
                        flat[-1] = -100
                tensors = {'input': x, 'target': target}
                options = {'reduction': red}
                if v.get('weight'):
                    tensors['weight'] = uniform(r, 0.2, 2.0, C)
                if 'labelSmoothing' in v:
                    options['labelSmoothing'] = v['labelSmoothing']
                if 'ignoreIndex' in v:
                    options['ignoreIndex'] = v['ignoreIndex']
                if loss == 'crossEntropy':
                    fn = lambda i, t, o, T=tensors: F.cross_entropy(
                        i, t, weight=T.get('weight'), reduction=o['reduction'],
                        ignore_index=o.get('ignoreIndex', -100), label_smoothing=o.get('labelSmoothing', 0.0))
                else:
                    fn = lambda i, t, o, T=tensors: F.nll_loss(
                        i, t, weight=T.get('weight'), reduction=o['reduction'], ignore_index=o.get('ignoreIndex', -100))
                case(name, loss, fn, tensors, options, grad_target=bool(v.get('probs')))


def kl_cases():
    for log_target in [False, True]:
        for red in ['mean', 'batchmean', 'sum', 'none']:
            name = f'klDivLoss-{red}' + ('-logTarget' if log_target else '')
            r = rng_for(name)
            x = torch.log_softmax(randn(r, 4, 5), 1)
            target = probs(r, 4, 5)
            if log_target:
                target = target.log()
            tensors = {'input': x, 'target': target}
            case(name, 'klDivLoss', lambda i, t, o: F.kl_div(i, t, reduction=o['reduction'], log_target=o['logTarget']),
                 tensors, {'reduction': red, 'logTarget': log_target}, grad_target=True)


def run_case(name, loss, fn, tensors, options, grad_target):
    inp = tensors['input'].clone().requires_grad_(True)
    tgt = tensors['target'].clone()
    if grad_target:
        tgt.requires_grad_(True)
    out = fn(inp, tgt, options)
    cot = torch.tensor(np.round(rng_for(name + '/cotangent').uniform(-1, 1, size=tuple(out.shape)), 3))
    (out * cot).sum().backward()
    grads = {'input': encode(inp.grad)}
    if grad_target:
        grads['target'] = encode(tgt.grad)
    return {
        'name': name, 'loss': loss, 'options': options,
        'tensors': {k: encode(v) for k, v in tensors.items()},
        'cotangent': encode(cot), 'output': encode(out), 'grads': grads,
    }


def generate(out_dir):
    CASES.clear()
    regression_cases()
    binary_cases()
    class_cases()
    kl_cases()
    results = [run_case(*c) for c in CASES]
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, 'losses.json'), 'w') as f:
        json.dump(results, f, sort_keys=True, indent=None, separators=(',', ':'))
        f.write('\n')
    return len(results)


if __name__ == '__main__':
    run_fixture_cli(generate, OUT_DIR)
