"""The batch_norm fixture family of gen_torch_fixtures.py.

F.batch_norm in training and evaluation, with and without weight and bias,
on [N, C], [N, C, L] and [N, C, H, W] input: the output and the gradients of
input, weight and bias; and the running mean and variance it updates in
place (ops batchNormRunningMean / batchNormRunningVar, whose output is the
updated statistic). Inputs are ordered x, running_mean, running_var, weight,
bias; args.affine says whether weight and bias are passed. gen_torch_fixtures.py
imports this module and passes itself as `g`, so the cases follow the same
seeding and format rules as every other family.
"""

import torch.nn.functional as F


def families(g):
    return [lambda: batch_norm(g)]


def batch_norm(g):
    f = g.Family('batch_norm')

    def inputs(shape, affine, grad=True):
        c = shape[1]

        def make(r):
            x = g.randn(r, shape, 1.5, 0.5)
            x.grad = grad
            stats = [g.const(g.r3(r.standard_normal(c) * 0.5), grad=False), g.const(g.r3(r.uniform(0.5, 2.0, c)), grad=False)]
            return [x] + stats + ([g.uniform(r, (c,), 0.5, 2.0), g.randn(r, (c,))] if affine else [])
        return make

    def bn(training, momentum, eps):
        return lambda x, rm, rv, w=None, b=None: F.batch_norm(x, rm, rv, w, b, training=training, momentum=momentum, eps=eps)

    for shape in [(5, 3), (4, 3, 5), (3, 4, 3, 2)]:
        dims = 'x'.join(map(str, shape))
        for affine in [False, True]:
            tag = f'{dims}{"_affine" if affine else ""}'
            args = {'affine': affine, 'momentum': 0.3, 'eps': 1e-3}
            f.add(f'train_{tag}', 'batchNorm', dict(args, training=True), inputs(shape, affine), bn(True, 0.3, 1e-3))
            f.add(f'eval_{tag}', 'batchNorm', dict(args, training=False), inputs(shape, affine), bn(False, 0.3, 1e-3))
        for which, pick in [('Mean', 1), ('Var', 2)]:
            f.add(f'running{which}_{dims}', f'batchNormRunning{which}', {'affine': False, 'momentum': 0.3, 'eps': 1e-3, 'training': True},
                  inputs(shape, False, grad=False),
                  lambda x, rm, rv, pick=pick: (F.batch_norm(x, rm, rv, training=True, momentum=0.3, eps=1e-3), rm, rv)[pick])
    return f
