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
# CosineAnnealingWarmRestarts's T_0/T_mult (ASGD's t0 keeps its name).
SCHEDULER_RENAME = {'t0': 'T_0', 'tMult': 'T_mult'}

# LambdaLR/MultiplicativeLR functions by name; test/helpers.ts has the same table.
LAMBDAS = {
    'warmup5': lambda e: min(1.0, (e + 1) / 5),
    'inverseSqrt': lambda e: 1 / math.sqrt(e + 1),
    'exp95': lambda e: 0.95 ** e,
    'halveEvery4': lambda e: 0.5 if e % 4 == 0 else 1.0,
}


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
    options = dict(spec['options'])
    if 'lrLambda' in options:
        fn = options['lrLambda']
        options['lrLambda'] = [LAMBDAS[f] for f in fn] if isinstance(fn, list) else LAMBDAS[fn]
    kwargs = torch_kwargs(options)
    if spec['type'] == 'CosineAnnealingWarmRestarts':
        kwargs = {SCHEDULER_RENAME.get(k, k): v for k, v in torch_kwargs({k: v for k, v in options.items() if k not in SCHEDULER_RENAME}).items()}
        kwargs.update({SCHEDULER_RENAME[k]: v for k, v in options.items() if k in SCHEDULER_RENAME})
    return getattr(lr, spec['type'])(opt, **kwargs)


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
    ('nadam', {'type': 'NAdam', 'options': {'lr': 0.05}}),
    ('nadam-decay', {'type': 'NAdam', 'options': {'lr': 0.05, 'betas': [0.8, 0.99], 'weightDecay': 0.1, 'momentumDecay': 0.01, 'eps': 1e-6}}),
    ('radam', {'type': 'RAdam', 'options': {'lr': 0.05}}),
    ('radam-decay', {'type': 'RAdam', 'options': {'lr': 0.05, 'betas': [0.8, 0.9], 'weightDecay': 0.1}}),
    ('adamax', {'type': 'Adamax', 'options': {'lr': 0.05}}),
    ('adamax-decay', {'type': 'Adamax', 'options': {'lr': 0.05, 'betas': [0.8, 0.95], 'weightDecay': 0.1, 'eps': 1e-4}}),
    ('adamax-maximize', {'type': 'Adamax', 'options': {'lr': 0.01, 'maximize': True}}),
    ('adadelta', {'type': 'Adadelta', 'options': {}}),
    ('adadelta-decay', {'type': 'Adadelta', 'options': {'lr': 0.5, 'rho': 0.8, 'weightDecay': 0.1, 'eps': 1e-4}}),
    ('adadelta-maximize', {'type': 'Adadelta', 'options': {'lr': 0.1, 'maximize': True}}),
    ('rprop', {'type': 'Rprop', 'options': {}}),
    ('rprop-etas-bounds', {'type': 'Rprop', 'options': {'lr': 0.05, 'etas': [0.3, 1.5], 'stepSizes': [1e-3, 0.2]}}),
    ('rprop-maximize', {'type': 'Rprop', 'options': {'lr': 0.001, 'maximize': True}}),
    ('asgd', {'type': 'ASGD', 'options': {'lr': 0.01}}),
    ('asgd-averaging-decay', {'type': 'ASGD', 'options': {'lr': 0.01, 'lambd': 0.01, 'alpha': 0.5, 't0': 5, 'weightDecay': 0.1}}),
    ('asgd-maximize', {'type': 'ASGD', 'options': {'lr': 0.001, 't0': 2, 'maximize': True}}),
    ('nadam-groups', {'type': 'NAdam', 'options': {'lr': 0.02},
                      'groups': [{'params': ['W'], 'betas': [0.5, 0.9]}, {'params': ['b'], 'lr': 0.1, 'weightDecay': 0.2}]}),
    ('rprop-groups', {'type': 'Rprop', 'options': {'lr': 0.02},
                      'groups': [{'params': ['W']}, {'params': ['b'], 'lr': 0.1, 'etas': [0.4, 1.1]}]}),
]

# L-BFGS: step(closure) runs up to maxIter iterations; loss is the closure's first value each step.
LBFGS_CASES = [
    ('lbfgs', {'type': 'LBFGS', 'options': {'lr': 1, 'maxIter': 2, 'historySize': 4}}),
    ('lbfgs-lr', {'type': 'LBFGS', 'options': {'lr': 0.1, 'maxIter': 3, 'historySize': 5}}),
    ('lbfgs-strong-wolfe', {'type': 'LBFGS', 'options': {'lr': 1, 'maxIter': 2, 'historySize': 3, 'lineSearchFn': 'strong_wolfe'}}),
    # Overshooting (bracket, then zoom) and too short (extrapolate) first steps.
    ('lbfgs-strong-wolfe-overshoot', {'type': 'LBFGS', 'options': {'lr': 4, 'maxIter': 3, 'maxEval': 6, 'lineSearchFn': 'strong_wolfe'}}),
    ('lbfgs-strong-wolfe-short', {'type': 'LBFGS', 'options': {'lr': 0.02, 'maxIter': 2, 'historySize': 2, 'lineSearchFn': 'strong_wolfe'}}),
]

# Optimizer trajectories under a per-step scheduler (momentum cycled too).
SCHEDULED_CASES = [
    ('sgd-onecycle', {'type': 'SGD', 'options': {'lr': 0.01, 'momentum': 0.9}},
     {'type': 'OneCycleLR', 'options': {'maxLr': 0.05, 'totalSteps': STEPS}}),
    ('adam-onecycle', {'type': 'Adam', 'options': {'lr': 0.01}},
     {'type': 'OneCycleLR', 'options': {'maxLr': 0.1, 'totalSteps': STEPS, 'annealStrategy': 'linear'}}),
    ('sgd-cyclic', {'type': 'SGD', 'options': {'lr': 0.01, 'momentum': 0.9}},
     {'type': 'CyclicLR', 'options': {'baseLr': 0.001, 'maxLr': 0.02, 'stepSizeUp': 4, 'stepSizeDown': 6, 'mode': 'triangular2'}}),
    ('nadam-polynomial', {'type': 'NAdam', 'options': {'lr': 0.05}},
     {'type': 'PolynomialLR', 'options': {'totalIters': 15, 'power': 2.0}}),
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
        if opt_spec['type'] == 'ASGD':
            entry['ax'] = {'W': flat(opt.state[W]['ax']), 'b': flat(opt.state[b]['ax'])}
        steps.append(entry)
    case = {'name': name, 'optimizer': opt_spec, 'steps': steps}
    if sched_spec:
        case['scheduler'] = sched_spec
    return case


def lbfgs_trajectory(name, opt_spec):
    W0, b0, x, y = problem()
    W = W0.clone().requires_grad_(True)
    b = b0.clone().requires_grad_(True)
    opt = make_optimizer(opt_spec, {'W': W, 'b': b})

    def closure():
        opt.zero_grad()
        loss = ((x @ W.t() + b - y) ** 2).sum() + (b ** 2).sum()
        loss.backward()
        return loss

    steps = []
    for _ in range(STEPS):
        loss = opt.step(closure)
        steps.append({'W': flat(W), 'b': flat(b), 'lr': opt.param_groups[0]['lr'], 'loss': float(loss),
                      'funcEvals': opt.state[W]['func_evals']})
    return {'name': name, 'optimizer': opt_spec, 'steps': steps}


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
    ('lambda-warmup', {'type': 'LambdaLR', 'options': {'lrLambda': 'warmup5'}}, None),
    ('lambda-per-group', {'type': 'LambdaLR', 'options': {'lrLambda': ['inverseSqrt', 'exp95']}}, None),
    ('multiplicative', {'type': 'MultiplicativeLR', 'options': {'lrLambda': 'exp95'}}, None),
    ('multiplicative-per-group', {'type': 'MultiplicativeLR', 'options': {'lrLambda': ['halveEvery4', 'exp95']}}, None),
    ('cyclic-triangular', {'type': 'CyclicLR', 'options': {'baseLr': 0.01, 'maxLr': 0.1, 'stepSizeUp': 4}}, None),
    ('cyclic-triangular2-groups', {'type': 'CyclicLR', 'options': {'baseLr': [0.01, 0.02], 'maxLr': [0.1, 0.3], 'stepSizeUp': 3,
                                                                   'stepSizeDown': 5, 'mode': 'triangular2',
                                                                   'baseMomentum': [0.85, 0.8], 'maxMomentum': 0.95}}, None),
    ('cyclic-exp-range-no-momentum', {'type': 'CyclicLR', 'options': {'baseLr': 0.001, 'maxLr': 0.05, 'stepSizeUp': 5, 'mode': 'exp_range',
                                                                      'gamma': 0.9, 'cycleMomentum': False}}, None),
    ('warm-restarts', {'type': 'CosineAnnealingWarmRestarts', 'options': {'t0': 5}}, None),
    ('warm-restarts-mult', {'type': 'CosineAnnealingWarmRestarts', 'options': {'t0': 3, 'tMult': 2, 'etaMin': 0.001}}, None),
    ('polynomial', {'type': 'PolynomialLR', 'options': {}}, None),
    ('polynomial-power', {'type': 'PolynomialLR', 'options': {'totalIters': 12, 'power': 0.5}}, None),
    ('sequential-warmup-restarts', {'type': 'SequentialLR', 'milestones': [4], 'schedulers': [
        {'type': 'LinearLR', 'options': {'startFactor': 0.2, 'totalIters': 4}},
        {'type': 'CosineAnnealingWarmRestarts', 'options': {'t0': 6, 'tMult': 2}}]}, None),
    ('chained-lambda-polynomial', {'type': 'ChainedScheduler', 'schedulers': [
        {'type': 'MultiplicativeLR', 'options': {'lrLambda': 'exp95'}},
        {'type': 'PolynomialLR', 'options': {'totalIters': 20, 'power': 1.5}}]}, None),
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
    if sched_spec['type'] in ('OneCycleLR', 'CyclicLR'):
        case['momenta'] = momenta
    return case


def generate(out_dir):
    W, b, x, y = problem()
    optimizers = {
        'problem': {'W': {'shape': [3, 4], 'data': flat(W)}, 'b': {'shape': [3], 'data': flat(b)},
                    'x': {'shape': [5, 4], 'data': flat(x)}, 'y': {'shape': [5, 3], 'data': flat(y)}},
        'cases': [optimizer_trajectory(n, s) for n, s in OPTIMIZER_CASES] +
                 [optimizer_trajectory(n, o, s) for n, o, s in SCHEDULED_CASES] +
                 [lbfgs_trajectory(n, s) for n, s in LBFGS_CASES],
    }
    schedulers = {'steps': SCHEDULER_STEPS, 'cases': [scheduler_trajectory(*c) for c in SCHEDULER_CASES]}
    os.makedirs(out_dir, exist_ok=True)
    for fname, data in [('optimizers.json', optimizers), ('schedulers.json', schedulers)]:
        with open(os.path.join(out_dir, fname), 'w') as f:
            json.dump(data, f, sort_keys=True, separators=(',', ':'))
            f.write('\n')


if __name__ == '__main__':
    run_fixture_cli(generate, OUT_DIR)
