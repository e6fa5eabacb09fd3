#!/usr/bin/python3
"""Generates PyTorch reference values for Tensile's higher-order autograd.

Run with Debian's Python, which has torch (PyTorch 1.13 here):

    /usr/bin/python3 packages/backend-conformance/scripts/gen_higher_order_fixtures.py          # rewrite
    /usr/bin/python3 packages/backend-conformance/scripts/gen_higher_order_fixtures.py --check  # CI: exit 1 on drift

Output: packages/backend-conformance/fixtures/higher-order/mlp.json with two cases:

- "gradient-penalty": a WGAN-GP critic term on a small MLP critic
  D(x) = linear(tanh(linear(x, w1, b1)), w2, b2) at x̂ = eps·real + (1 - eps)·fake:
  penalty = mean_i (‖∇ₓ̂ D(x̂)_i‖₂ - 1)², with its gradient with respect to
  the critic parameters (torch.autograd.grad(create_graph=True), then backward).
- "hvp": a Hessian-vector product of an MLP regression loss
  mean((linear(tanh(linear(x, w1, b1)), w2, b2) - y)²) with respect to all
  its parameters (torch.autograd.functional.hvp), along a random direction v.

Format: { "cases": [ { "name", "tensors": { name: { "shape", "data" } }, "expected": { name: { "shape", "data" } } } ] }
with inputs in "tensors" (float64 values with 3 decimals, from numpy's frozen
RandomState seeded by the CRC-32 of the case name) and PyTorch's float64
results in "expected". Keys sorted, floats by repr, no timestamps: two runs
give identical files. --check compares structure and shapes exactly and
floats to 1e-12 relative (last-bit libm differences between CPUs pass).
"""

import argparse
import json
import os
import sys
import zlib

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.normpath(os.path.join(HERE, '..', 'fixtures', 'higher-order', 'mlp.json'))
torch.set_num_threads(1)
torch.set_default_dtype(torch.float64)


def rng_for(name):
    return np.random.RandomState(zlib.crc32(name.encode()))


def draw(rng, shape, lo=-1.0, hi=1.0):
    return torch.tensor(np.round(rng.uniform(lo, hi, size=shape), 3))


def enc(t):
    t = t.detach()
    return {'shape': list(t.shape), 'data': [float(v) for v in t.reshape(-1).tolist()]}


def mlp(x, w1, b1, w2, b2):
    return torch.nn.functional.linear(torch.tanh(torch.nn.functional.linear(x, w1, b1)), w2, b2)


def gradient_penalty():
    name = 'gradient-penalty'
    rng = rng_for(name)
    t = {
        'real': draw(rng, (4, 3)), 'fake': draw(rng, (4, 3)), 'eps': draw(rng, (4, 1), 0, 1),
        'w1': draw(rng, (5, 3)), 'b1': draw(rng, (5,)), 'w2': draw(rng, (1, 5)), 'b2': draw(rng, (1,)),
    }
    params = [t[k].clone().requires_grad_(True) for k in ('w1', 'b1', 'w2', 'b2')]
    xhat = (t['eps'] * t['real'] + (1 - t['eps']) * t['fake']).requires_grad_(True)
    (gx,) = torch.autograd.grad(mlp(xhat, *params).sum(), xhat, create_graph=True)
    penalty = ((gx.norm(dim=1) - 1) ** 2).mean()
    # b2 does not reach ∇ₓD: its gradient is None in PyTorch, zeros in Tensile.
    grads = torch.autograd.grad(penalty, params, allow_unused=True)
    grads = [torch.zeros_like(p) if g is None else g for p, g in zip(params, grads)]
    expected = {'penalty': enc(penalty), 'gradX': enc(gx)}
    expected.update({'grad_' + k: enc(g) for k, g in zip(('w1', 'b1', 'w2', 'b2'), grads)})
    return {'name': name, 'tensors': {k: enc(v) for k, v in t.items()}, 'expected': expected}


def hvp():
    name = 'hvp'
    rng = rng_for(name)
    keys = ('w1', 'b1', 'w2', 'b2')
    shapes = {'w1': (4, 3), 'b1': (4,), 'w2': (2, 4), 'b2': (2,)}
    t = {'x': draw(rng, (5, 3)), 'y': draw(rng, (5, 2))}
    t.update({k: draw(rng, shapes[k]) for k in keys})
    t.update({'v_' + k: draw(rng, shapes[k]) for k in keys})

    def loss(*ps):
        return ((mlp(t['x'], *ps) - t['y']) ** 2).mean()

    value, products = torch.autograd.functional.hvp(loss, tuple(t[k] for k in keys), tuple(t['v_' + k] for k in keys))
    expected = {'loss': enc(value)}
    expected.update({'hvp_' + k: enc(p) for k, p in zip(keys, products)})
    return {'name': name, 'tensors': {k: enc(v) for k, v in t.items()}, 'expected': expected}


def render():
    cases = [gradient_penalty(), hvp()]
    lines = ',\n'.join('  ' + json.dumps(c, sort_keys=True) for c in cases)
    return '{"cases": [\n' + lines + '\n]}\n'


def close(a, b, path):
    if isinstance(a, dict) and isinstance(b, dict):
        if sorted(a) != sorted(b):
            return f'{path}: keys {sorted(a)} != {sorted(b)}'
        for k in a:
            err = close(a[k], b[k], f'{path}.{k}')
            if err:
                return err
        return None
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return f'{path}: length {len(a)} != {len(b)}'
        for i, (x, y) in enumerate(zip(a, b)):
            err = close(x, y, f'{path}[{i}]')
            if err:
                return err
        return None
    if isinstance(a, float) and isinstance(b, float):
        return None if abs(a - b) <= 1e-13 + 1e-12 * abs(b) else f'{path}: {a} != {b}'
    return None if a == b else f'{path}: {a!r} != {b!r}'


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--check', action='store_true', help='compare with the committed file, exit 1 on drift')
    args = parser.parse_args()
    fresh = render()
    if args.check:
        with open(OUT) as f:
            err = close(json.load(f), json.loads(fresh), 'mlp.json')
        if err:
            print(f'gen_higher_order_fixtures: {OUT} is stale: {err}', file=sys.stderr)
            sys.exit(1)
        print(f'gen_higher_order_fixtures: {OUT} up to date')
        return
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, 'w') as f:
        f.write(fresh)
    print(f'wrote {OUT}')


if __name__ == '__main__':
    main()
