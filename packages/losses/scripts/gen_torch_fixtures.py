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

Cases for losses with other arguments also carry "args", the tensor names in
the order our function takes them, and "grads" has one entry per argument
that requires a gradient (CTC's: the logits before log_softmax).

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


# Losses added for issue 14. Cases with several tensor arguments list them in
# "args" (the order of our function's parameters); "grads" holds one entry per
# argument that requires a gradient.
CASES_N = []


def case_n(name, loss, torch_fn, tensors, args, options, grad_args):
    CASES_N.append((name, loss, torch_fn, tensors, args, options, grad_args))


REDUCTIONS = ['mean', 'sum', 'none']


def opt_name(opts):
    return ''.join(f'-{k}{v}' for k, v in opts.items())


def poisson_gaussian_cases():
    for opts in [{}, {'logInput': False}, {'full': True}, {'logInput': False, 'full': True, 'eps': 0.01}]:
        for red in REDUCTIONS:
            name = f'poissonNllLoss-{red}' + opt_name(opts)
            r = rng_for(name)
            x = randn(r, 3, 4) if opts.get('logInput', True) else uniform(r, 0.1, 3.0, 3, 4)
            target = torch.tensor(r.randint(0, 5, size=(3, 4)).astype(float))
            fn = lambda i, t, o: F.poisson_nll_loss(i, t, log_input=o.get('logInput', True), full=o.get('full', False),
                                                    eps=o.get('eps', 1e-8), reduction=o['reduction'])
            # With full, PyTorch's target gradient is NaN at target 0 (0·log 0 in the masked Stirling term): input only.
            case_n(name, 'poissonNllLoss', fn, {'input': x, 'target': target}, ['input', 'target'],
                   {**opts, 'reduction': red}, ['input'] if opts.get('full') else ['input', 'target'])
    for shape_kind in ['same', 'lastOmitted', 'homoscedastic']:
        for opts in [{}, {'full': True, 'eps': 0.05}]:
            for red in REDUCTIONS:
                name = f'gaussianNllLoss-{shape_kind}-{red}' + opt_name(opts)
                r = rng_for(name)
                x, target = randn(r, 3, 4), randn(r, 3, 4)
                vshape = {'same': (3, 4), 'lastOmitted': (3,), 'homoscedastic': (3, 1)}[shape_kind]
                var = uniform(r, 0.01, 2.0, *vshape)
                var.reshape(-1)[0] = 0.001  # below eps in the second option set: clamped, gradient still flows
                fn = lambda i, t, v, o: F.gaussian_nll_loss(i, t, v, full=o.get('full', False), eps=o.get('eps', 1e-6),
                                                            reduction=o['reduction'])
                case_n(name, 'gaussianNllLoss', fn, {'input': x, 'target': target, 'var': var}, ['input', 'target', 'var'],
                       {**opts, 'reduction': red}, ['input', 'target', 'var'])


def pm1(r, *shape):
    return torch.tensor(r.choice([-1.0, 1.0], size=shape))


def margin_cases():
    for opts in [{}, {'margin': 0.5}]:
        for red in REDUCTIONS:
            name = f'marginRankingLoss-{red}' + opt_name(opts)
            r = rng_for(name)
            T = {'input1': randn(r, 6), 'input2': randn(r, 6), 'target': pm1(r, 6)}
            fn = lambda a, b, y, o: F.margin_ranking_loss(a, b, y, margin=o.get('margin', 0.0), reduction=o['reduction'])
            case_n(name, 'marginRankingLoss', fn, T, ['input1', 'input2', 'target'], {**opts, 'reduction': red},
                   ['input1', 'input2'])

            name = f'hingeEmbeddingLoss-{red}' + opt_name(opts)
            r = rng_for(name)
            T = {'input': uniform(r, 0, 2, 3, 4), 'target': pm1(r, 3, 4)}
            fn = lambda i, y, o: F.hinge_embedding_loss(i, y, margin=o.get('margin', 1.0), reduction=o['reduction'])
            case_n(name, 'hingeEmbeddingLoss', fn, T, ['input', 'target'], {**opts, 'reduction': red}, ['input'])

            for unbatched in [False, True]:
                name = f'cosineEmbeddingLoss-{red}' + opt_name(opts) + ('-unbatched' if unbatched else '')
                r = rng_for(name)
                shape = (5,) if unbatched else (4, 5)
                y = pm1(r) if unbatched else pm1(r, 4)
                T = {'input1': randn(r, *shape), 'input2': randn(r, *shape), 'target': y}
                fn = lambda a, b, y, o: F.cosine_embedding_loss(a, b, y, margin=o.get('margin', 0.0), reduction=o['reduction'])
                case_n(name, 'cosineEmbeddingLoss', fn, T, ['input1', 'input2', 'target'], {**opts, 'reduction': red},
                       ['input1', 'input2'])
        for red in REDUCTIONS:
            name = f'softMarginLoss-{red}'
            r = rng_for(name)
            x = randn(r, 3, 4) * 3
            x[0, 0] = 0.0
            T = {'input': x, 'target': pm1(r, 3, 4)}
            case_n(name, 'softMarginLoss', lambda i, y, o: F.soft_margin_loss(i, y, reduction=o['reduction']), T,
                   ['input', 'target'], {'reduction': red}, ['input'])


def triplet_cases():
    for opts in [{}, {'margin': 0.5, 'p': 1.0}, {'p': 3.0, 'eps': 1e-3}, {'swap': True}, {'margin': 2.0, 'swap': True, 'p': 1.5}]:
        for red in REDUCTIONS:
            for unbatched in [False, True]:
                name = f'tripletMarginLoss-{red}' + opt_name(opts) + ('-unbatched' if unbatched else '')
                r = rng_for(name)
                shape = (4,) if unbatched else (5, 4)
                T = {'anchor': randn(r, *shape), 'positive': randn(r, *shape), 'negative': randn(r, *shape)}
                fn = lambda a, p, n, o: F.triplet_margin_loss(a, p, n, margin=o.get('margin', 1.0), p=o.get('p', 2.0),
                                                              eps=o.get('eps', 1e-6), swap=o.get('swap', False),
                                                              reduction=o['reduction'])
                case_n(name, 'tripletMarginLoss', fn, T, ['anchor', 'positive', 'negative'], {**opts, 'reduction': red},
                       ['anchor', 'positive', 'negative'])


def multilabel_cases():
    for red in REDUCTIONS:
        for variant in ['batched', 'unbatched', 'empty']:
            if variant == 'empty' and red != 'none':
                continue  # PyTorch 1.13 reduces uninitialised memory there (we give 0/0 = NaN and 0, as its other losses)
            name = f'multiLabelMarginLoss-{variant}-{red}'
            r = rng_for(name)
            if variant == 'unbatched':
                x, target = randn(r, 5), torch.tensor([3, 0, -1, 1, 2])
            elif variant == 'empty':
                x, target = randn(r, 0, 5), torch.zeros(0, 5, dtype=torch.int64)
            else:
                # Rows: two labels then the -1 stop (labels after it ignored), a repeated label, all five, none.
                x = randn(r, 4, 5)
                target = torch.tensor([[3, 0, -1, 1, 4], [2, 2, -1, 0, 0], [4, 3, 2, 1, 0], [-1, 1, 2, 3, 4]])
            fn = lambda i, y, o: F.multilabel_margin_loss(i, y, reduction=o['reduction'])
            case_n(name, 'multiLabelMarginLoss', fn, {'input': x, 'target': target}, ['input', 'target'],
                   {'reduction': red}, ['input'])
        for variant in ['plain', 'weight', 'unbatched', 'empty']:
            name = f'multiLabelSoftMarginLoss-{variant}-{red}'
            r = rng_for(name)
            shape = (5,) if variant == 'unbatched' else (0, 5) if variant == 'empty' else (3, 5)
            T = {'input': randn(r, *shape) * 2, 'target': torch.tensor(r.randint(0, 2, size=shape).astype(float))}
            if variant == 'weight':
                T['weight'] = uniform(r, 0.2, 2.0, 5)
            fn = lambda i, y, o, T=T: F.multilabel_soft_margin_loss(i, y, weight=T.get('weight'), reduction=o['reduction'])
            case_n(name, 'multiLabelSoftMarginLoss', fn, T, ['input', 'target'], {'reduction': red}, ['input', 'target'])
        for variant, opts in [('plain', {}), ('p2', {'p': 2}), ('margin', {'margin': 0.7}), ('weight', {}),
                              ('p2-margin-weight', {'p': 2, 'margin': 1.5}), ('unbatched', {})]:
            name = f'multiMarginLoss-{variant}-{red}'
            r = rng_for(name)
            if variant == 'unbatched':
                x, target = randn(r, 5), torch.tensor(3)
            else:
                x, target = randn(r, 4, 5), torch.tensor(r.randint(0, 5, size=(4,)))
            T = {'input': x, 'target': target}
            if 'weight' in variant:
                T['weight'] = uniform(r, 0.2, 2.0, 5)
            fn = lambda i, y, o, T=T: F.multi_margin_loss(i, y, p=o.get('p', 1), margin=o.get('margin', 1.0),
                                                          weight=T.get('weight'), reduction=o['reduction'])
            case_n(name, 'multiMarginLoss', fn, T, ['input', 'target'], {**opts, 'reduction': red}, ['input'])


def ctc_cases():
    # Gradients are taken through log_softmax of free logits: PyTorch's CTC
    # backward assumes log-softmax inputs (it adds exp(logProbs)), which cancels there.
    variants = [
        ('padded', {}), ('concatenated', {'concat': True}), ('blank2', {'blank': 2}),
        ('repeats', {'repeats': True}), ('unbatched', {'unbatched': True}),
        ('impossible', {'impossible': True}), ('impossible-zeroInfinity', {'impossible': True, 'zeroInfinity': True}),
        ('emptyTarget', {'emptyTarget': True}),
    ]
    for vname, v in variants:
        for red in REDUCTIONS:
            name = f'ctcLoss-{vname}-{red}'
            r = rng_for(name)
            T, N, C, S = 8, 3, 5, 4
            blank = v.get('blank', 0)
            labels = [c for c in range(C) if c != blank]
            logits = randn(r, T, N, C) * 2
            input_lengths = torch.tensor([8, 6, 7])
            target_lengths = torch.tensor([4, 2, 3])
            targets = torch.tensor(r.choice(labels, size=(N, S)))
            if v.get('repeats'):
                targets[0] = torch.tensor([labels[0], labels[0], labels[1], labels[1]])
            if v.get('impossible'):
                input_lengths = torch.tensor([8, 3, 7])  # 4 labels with repeats need more than 3 frames
                target_lengths = torch.tensor([4, 4, 3])
                targets[1] = torch.tensor([labels[0], labels[0], labels[1], labels[1]])
            if v.get('emptyTarget'):
                target_lengths = torch.tensor([4, 0, 3])
            if v.get('unbatched'):
                logits, targets, input_lengths, target_lengths = logits[:, 0], targets[0, :3], torch.tensor(7), torch.tensor(3)
            if v.get('concat'):
                targets = torch.cat([targets[n, :target_lengths[n]] for n in range(N)])
            options = {'reduction': red}
            if 'blank' in v:
                options['blank'] = blank
            if v.get('zeroInfinity'):
                options['zeroInfinity'] = True
            tensors = {'logits': logits, 'targets': targets.to(torch.int64), 'inputLengths': input_lengths,
                       'targetLengths': target_lengths}
            fn = lambda x, tg, il, tl, o: F.ctc_loss(x.log_softmax(-1), tg, il, tl, blank=o.get('blank', 0),
                                                    reduction=o['reduction'], zero_infinity=o.get('zeroInfinity', False))
            # PyTorch's gradient of an impossible alignment (loss inf) is NaN: only the values are compared there.
            grads = [] if v.get('impossible') and not v.get('zeroInfinity') else ['logits']
            case_n(name, 'ctcLoss', fn, tensors, ['logits', 'targets', 'inputLengths', 'targetLengths'], options, grads)


def run_case_n(name, loss, fn, tensors, args, options, grad_args):
    leaves = {k: (v.clone().requires_grad_(True) if k in grad_args else v.clone()) for k, v in tensors.items()}
    out = fn(*[leaves[a] for a in args], options)
    cot = torch.tensor(np.round(rng_for(name + '/cotangent').uniform(-1, 1, size=tuple(out.shape)), 3))
    if grad_args:
        (out * cot).sum().backward()
    return {
        'name': name, 'loss': loss, 'options': options, 'args': args,
        'tensors': {k: encode(v) for k, v in tensors.items()},
        'cotangent': encode(cot), 'output': encode(out), 'grads': {k: encode(leaves[k].grad) for k in grad_args},
    }


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
    CASES_N.clear()
    poisson_gaussian_cases()
    margin_cases()
    triplet_cases()
    multilabel_cases()
    ctc_cases()
    results += [run_case_n(*c) for c in CASES_N]
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, 'losses.json'), 'w') as f:
        json.dump(results, f, sort_keys=True, indent=None, separators=(',', ':'))
        f.write('\n')
    return len(results)


if __name__ == '__main__':
    run_fixture_cli(generate, OUT_DIR)
