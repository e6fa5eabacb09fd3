#!/usr/bin/python3
"""Generates PyTorch reference trajectories for @tensile/optim.

Run with Debian's Python, which has torch (PyTorch 1.13 here):

    /usr/bin/python3 packages/optim/scripts/gen_torch_fixtures.py          # rewrite fixtures
    /usr/bin/python3 packages/optim/scripts/gen_torch_fixtures.py --check  # compare, exit 1 on drift

Writes packages/optim/fixtures/optimizers.json and schedulers.json.

optimizers.json: the problem (W [3, 4], b [3], x [5, 4], y [5, 3], float64) and
cases { name, optimizer: { type, options, groups? }, scheduler?, steps: [
{ W, b, lr, momentum? } after each of 20 steps ] }. The loss is
sum((x·Wᵀ + b - y)²) + sum(b²).

schedulers.json: cases { name, lrs: [[lr per group] after construction and after
each of 25 steps], momenta?, spec } where spec is our construction:
{ optimizer: { type, options, groups? }, scheduler: <scheduler spec>, metrics? }
and a <scheduler spec> is { type, options } or, for SequentialLR and
ChainedScheduler, { type, schedulers: [<scheduler spec>], milestones? }.

Options are written with our names (camelCase); this script maps them to
torch's. Everything is deterministic (fixed inputs, float64), so two runs give
identical files. --check regenerates into a temporary directory and compares
floats to 1e-12 relative.
"""

import json
import math
import os
import re
import sys
import warnings

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
OUT_DIR = os.path.normpath(os.path.join(HERE, '..', 'fixtures'))

sys.path.insert(0, os.path.normpath(os.path.join(HERE, '..', '..', '..', 'scripts')))
from fixture_check import run_fixture_cli  # noqa: E402  (shared --check logic)
torch.set_default_dtype(torch.float64)
torch.set_num_threads(1)
warnings.filterwarnings('ignore')

STEPS = 20
SCHEDULER_STEPS = 25

RENAME = {'tMax': 'T_max'}


def torch_kwargs(options):
    out = {}
    for key, value in options.items():
        name = RENAME.get(key) or re.sub(r'([A-Z])', lambda m: '_' + m.group(1).lower(), key)
        out[name] = tuple(value) if key == 'betas' else value
    return out


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def problem():
    W = torch.tensor([[0.5, -0.3, 0.8, 0.1], [-0.6, 0.2, 0.4, -0.9], [0.3, 0.7, -0.2, 0.5]])
    b = torch.tensor([0.1, -0.2, 0.3])
    x = torch.tensor([[math.sin(i * 4 + j + 1) for j in range(4)] for i in range(5)])
    y = torch.tensor([[math.cos(i * 3 + j * 2) for j in range(3)] for i in range(5)])
    return W, b, x, y


def make_optimizer(spec, named):
    cls = getattr(torch.optim, spec['type'])
    if 'groups' in spec:
        groups = [{**torch_kwargs({k: v for k, v in g.items() if k != 'params'}), 'params': [named[p] for p in g['params']]}
                  for g in spec['groups']]
        return cls(groups, **torch_kwargs(spec['options']))
    return cls(list(named.values()), **torch_kwargs(spec['options']))


def make_scheduler(spec, opt):
    lr = torch.optim.lr_scheduler
    if spec['type'] == 'SequentialLR':
        return lr.SequentialLR(opt, [make_scheduler(s, opt) for s in spec['schedulers']], spec['milestones'])
    if spec['type'] == 'ChainedScheduler':
        return lr.ChainedScheduler([make_scheduler(s, opt) for s in spec['schedulers']])
    return getattr(lr, spec['type'])(opt, **torch_kwargs(spec['options']))


def momentum_of(opt):
    g = opt.param_groups[0]
    return g['betas'][0] if 'betas' in g else g.get('momentum')


OPTIMIZER_CASES = [
    ('sgd', {'type': 'SGD', 'options': {'lr': 0.01}}),
    ('sgd-momentum', {'type': 'SGD', 'options': {'lr': 0.01, 'momentum': 0.9}}),
    ('sgd-momentum-dampening', {'type': 'SGD', 'options': {'lr': 0.01, 'momentum': 0.9, 'dampening': 0.3}}),
    ('sgd-nesterov', {'type': 'SGD', 'options': {'lr': 0.01, 'momentum': 0.8, 'nesterov': True}}),
    ('sgd-weight-decay', {'type': 'SGD', 'options': {'lr': 0.01, 'weightDecay': 0.1}}),
    ('sgd-maximize', {'type': 'SGD', 'options': {'lr': 0.001, 'momentum': 0.5, 'weightDecay': 0.1, 'maximize': True}}),
    ('adam', {'type': 'Adam', 'options': {'lr': 0.05}}),
    ('adam-amsgrad', {'type': 'Adam', 'options': {'lr': 0.05, 'amsgrad': True, 'betas': [0.8, 0.9]}}),
    ('adam-weight-decay', {'type': 'Adam', 'options': {'lr': 0.05, 'weightDecay': 0.1, 'eps': 1e-6}}),
    ('adam-maximize', {'type': 'Adam', 'options': {'lr': 0.01, 'maximize': True}}),
    ('adamw', {'type': 'AdamW', 'options': {'lr': 0.05}}),
    ('adamw-amsgrad-decay', {'type': 'AdamW', 'options': {'lr': 0.05, 'weightDecay': 0.3, 'amsgrad': True}}),
    ('rmsprop', {'type': 'RMSprop', 'options': {'lr': 0.01}}),
    ('rmsprop-momentum', {'type': 'RMSprop', 'options': {'lr': 0.01, 'momentum': 0.9, 'alpha': 0.9}}),
    ('rmsprop-centered', {'type': 'RMSprop', 'options': {'lr': 0.01, 'centered': True}}),
    ('rmsprop-centered-momentum-decay', {'type': 'RMSprop', 'options': {'lr': 0.005, 'centered': True, 'momentum': 0.5, 'weightDecay': 0.1, 'maximize': False}}),
    ('adagrad', {'type': 'Adagrad', 'options': {'lr': 0.1}}),
    ('adagrad-lr-decay', {'type': 'Adagrad', 'options': {'lr': 0.1, 'lrDecay': 0.05, 'weightDecay': 0.1}}),
    ('adagrad-initial-accumulator', {'type': 'Adagrad', 'options': {'lr': 0.1, 'initialAccumulatorValue': 0.5, 'eps': 1e-8}}),
    ('sgd-groups-lr-mult', {'type': 'SGD', 'options': {'lr': 0.01, 'weightDecay': 5e-4, 'momentum': 0.9},
                            'groups': [{'params': ['W']}, {'params': ['b'], 'lr': 0.02, 'weightDecay': 0}]}),
    ('adam-groups', {'type': 'Adam', 'options': {'lr': 0.02},
                     'groups': [{'params': ['W'], 'betas': [0.5, 0.9]}, {'params': ['b'], 'lr': 0.1, 'amsgrad': True}]}),
]

# Optimizer trajectories under a per-step scheduler (momentum cycled too).
SCHEDULED_CASES = [
    ('sgd-onecycle', {'type': 'SGD', 'options': {'lr': 0.01, 'momentum': 0.9}},
     {'type': 'OneCycleLR', 'options': {'maxLr': 0.05, 'totalSteps': STEPS}}),
    ('adam-onecycle', {'type': 'Adam', 'options': {'lr': 0.01}},
     {'type': 'OneCycleLR', 'options': {'maxLr': 0.1, 'totalSteps': STEPS, 'annealStrategy': 'linear'}}),
    ('sgd-warmup-cosine', {'type': 'SGD', 'options': {'lr': 0.02, 'momentum': 0.9}},
     {'type': 'SequentialLR', 'schedulers': [{'type': 'LinearLR', 'options': {'startFactor': 0.1, 'totalIters': 5}},
                                             {'type': 'CosineAnnealingLR', 'options': {'tMax': 15}}], 'milestones': [5]}),
]


def optimizer_trajectory(name, opt_spec, sched_spec=None):
    W0, b0, x, y = problem()
    W = W0.clone().requires_grad_(True)
    b = b0.clone().requires_grad_(True)
    opt = make_optimizer(opt_spec, {'W': W, 'b': b})
    sched = make_scheduler(sched_spec, opt) if sched_spec else None
    steps = []
    for _ in range(STEPS):
        opt.zero_grad()
        loss = ((x @ W.t() + b - y) ** 2).sum() + (b ** 2).sum()
        loss.backward()
        lr = opt.param_groups[0]['lr']
        momentum = momentum_of(opt)
        opt.step()
        if sched:
            sched.step()
        entry = {'W': flat(W), 'b': flat(b), 'lr': lr, 'loss': float(loss)}
        if sched and momentum is not None:
            entry['momentum'] = momentum
        steps.append(entry)
    case = {'name': name, 'optimizer': opt_spec, 'steps': steps}
    if sched_spec:
        case['scheduler'] = sched_spec
    return case


SCHEDULER_CASES = [
    ('step', {'type': 'StepLR', 'options': {'stepSize': 3, 'gamma': 0.5}}, None),
    ('multistep', {'type': 'MultiStepLR', 'options': {'milestones': [3, 7, 7, 12], 'gamma': 0.5}}, None),
    ('exponential', {'type': 'ExponentialLR', 'options': {'gamma': 0.9}}, None),
    ('cosine', {'type': 'CosineAnnealingLR', 'options': {'tMax': 10, 'etaMin': 0.001}}, None),
    ('linear-warmup', {'type': 'LinearLR', 'options': {'startFactor': 0.25, 'endFactor': 1.0, 'totalIters': 8}}, None),
    ('linear-decay', {'type': 'LinearLR', 'options': {'startFactor': 1.0, 'endFactor': 0.1, 'totalIters': 10}}, None),
    ('constant', {'type': 'ConstantLR', 'options': {'factor': 0.5, 'totalIters': 4}}, None),
    ('plateau-min', {'type': 'ReduceLROnPlateau', 'options': {'patience': 2, 'factor': 0.5, 'cooldown': 1, 'minLr': 0.01}},
     [1.0, 0.9, 0.8, 0.8, 0.8, 0.8, 0.79999, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6]),
    ('plateau-max-abs', {'type': 'ReduceLROnPlateau', 'options': {'mode': 'max', 'patience': 1, 'factor': 0.2, 'threshold': 0.05,
                                                                  'thresholdMode': 'abs', 'minLr': [0.001, 0.002]}},
     [0.5, 0.6, 0.62, 0.64, 0.7, 0.71, 0.72, 0.73, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.96, 0.96, 0.96, 0.96, 0.96, 0.96, 0.96, 0.96, 0.96, 0.96, 0.96]),
    ('onecycle-cos', {'type': 'OneCycleLR', 'options': {'maxLr': [0.5, 0.2], 'totalSteps': SCHEDULER_STEPS + 1}}, None),
    ('onecycle-linear-epochs', {'type': 'OneCycleLR', 'options': {'maxLr': 0.3, 'epochs': 5, 'stepsPerEpoch': 6, 'annealStrategy': 'linear',
                                                                  'pctStart': 0.25, 'divFactor': 10, 'finalDivFactor': 100}}, None),
    ('onecycle-three-phase', {'type': 'OneCycleLR', 'options': {'maxLr': 0.4, 'totalSteps': 30, 'threePhase': True,
                                                                'baseMomentum': 0.8, 'maxMomentum': 0.9}}, None),
    ('sequential-warmup-cosine', {'type': 'SequentialLR', 'milestones': [5], 'schedulers': [
        {'type': 'LinearLR', 'options': {'startFactor': 0.1, 'totalIters': 5}},
        {'type': 'CosineAnnealingLR', 'options': {'tMax': 20, 'etaMin': 0.0}}]}, None),
    ('sequential-three', {'type': 'SequentialLR', 'milestones': [2, 10], 'schedulers': [
        {'type': 'ConstantLR', 'options': {'factor': 0.1, 'totalIters': 2}},
        {'type': 'ExponentialLR', 'options': {'gamma': 0.9}},
        {'type': 'StepLR', 'options': {'stepSize': 4, 'gamma': 0.5}}]}, None),
    ('chained-constant-exponential', {'type': 'ChainedScheduler', 'schedulers': [
        {'type': 'ConstantLR', 'options': {'factor': 0.1, 'totalIters': 3}},
        {'type': 'ExponentialLR', 'options': {'gamma': 0.9}}]}, None),
    ('chained-warmup-multistep', {'type': 'ChainedScheduler', 'schedulers': [
        {'type': 'LinearLR', 'options': {'startFactor': 0.5, 'totalIters': 4}},
        {'type': 'MultiStepLR', 'options': {'milestones': [6, 15], 'gamma': 0.3}}]}, None),
]


def scheduler_trajectory(name, sched_spec, metrics):
    p1 = torch.zeros(2, requires_grad=True)
    p2 = torch.zeros(3, requires_grad=True)
    opt_spec = {'type': 'SGD', 'options': {'lr': 0.1, 'momentum': 0.9},
                'groups': [{'params': ['p1']}, {'params': ['p2'], 'lr': 0.05}]}
    opt = make_optimizer(opt_spec, {'p1': p1, 'p2': p2})
    sched = make_scheduler(sched_spec, opt)
    lrs = [[g['lr'] for g in opt.param_groups]]
    momenta = [[g['momentum'] for g in opt.param_groups]]
    for i in range(SCHEDULER_STEPS):
        opt.step()
        if metrics is not None:
            sched.step(metrics[i])
        else:
            sched.step()
        lrs.append([g['lr'] for g in opt.param_groups])
        momenta.append([g['momentum'] for g in opt.param_groups])
    spec = {'optimizer': opt_spec, 'scheduler': sched_spec}
    if metrics is not None:
        spec['metrics'] = metrics
    case = {'name': name, 'spec': spec, 'lrs': lrs}
    if sched_spec['type'] == 'OneCycleLR':
        case['momenta'] = momenta
    return case


def generate(out_dir):
    W, b, x, y = problem()
    optimizers = {
        'problem': {'W': {'shape': [3, 4], 'data': flat(W)}, 'b': {'shape': [3], 'data': flat(b)},
                    'x': {'shape': [5, 4], 'data': flat(x)}, 'y': {'shape': [5, 3], 'data': flat(y)}},
        'cases': [optimizer_trajectory(n, s) for n, s in OPTIMIZER_CASES] +
                 [optimizer_trajectory(n, o, s) for n, o, s in SCHEDULED_CASES],
    }
    schedulers = {'steps': SCHEDULER_STEPS, 'cases': [scheduler_trajectory(*c) for c in SCHEDULER_CASES]}
    os.makedirs(out_dir, exist_ok=True)
    for fname, data in [('optimizers.json', optimizers), ('schedulers.json', schedulers)]:
        with open(os.path.join(out_dir, fname), 'w') as f:
            json.dump(data, f, sort_keys=True, separators=(',', ':'))
            f.write('\n')


if __name__ == '__main__':
    run_fixture_cli(generate, OUT_DIR)
