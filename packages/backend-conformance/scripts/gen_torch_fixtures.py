#!/usr/bin/python3
"""Generates PyTorch reference fixtures for Tensile's core ops.

Run with Debian's Python, which has torch (PyTorch 1.13 here):

    /usr/bin/python3 packages/backend-conformance/scripts/gen_torch_fixtures.py          # rewrite fixtures
    /usr/bin/python3 packages/backend-conformance/scripts/gen_torch_fixtures.py --check  # compare, exit 1 on drift

Output: packages/backend-conformance/fixtures/core/<family>.json, one file per
op family. Each file is

    { "family": "<family>", "cases": [ <case>, ... ] }

with one case per line, and each case is

    {
      "name": "<family>/<what it tests>",            unique across all files
      "op": "<Tensile API name>",                    e.g. "matmul", "sum", "conv2d"
      "args": { ... },                               op options by their Tensile names
      "inputs": [ { "shape": [...], "dtype": "float64" | "int32" | "bool",
                    "data": [...flat, row-major...], "grad": true | false } ],
      "output": { "shape": [...], "dtype": "...", "data": [...] },
      "cotangent": null | { "shape": [...], "data": [...] },
      "grads": [ null | { "shape": [...], "data": [...] } ]   one per input
    }

Gradients are those of sum(output * cotangent) with respect to each input
whose "grad" is true (a random cotangent makes every gradient entry carry
information, unlike the all-ones seed of sum(output)). Ops with integer or
bool outputs have cotangent null and all grads null.

Inputs come from numpy's legacy RandomState (a frozen stream) seeded by the
CRC-32 of the case name, so a case's inputs never change when other cases
are added. Inputs are rounded to 3 decimals (short, and exact enough that
float32 backends see the same values up to float32 rounding); values that
would sit on a kink are kept away from it (no ties for max/pooling, no
remainder near a jump, positive domains for log/sqrt/pow).

Determinism: keys are sorted, floats are written by Python's repr (shortest
round-trip form), there are no timestamps, so two runs give byte-identical
files. --check regenerates into a temporary directory and compares each
committed file with the fresh one: structure, shapes, dtypes and ints must
match exactly and floats to 1e-12 relative, so that last-ulp differences of
libm/vectorised kernels on another CPU do not fail CI while any real change does.
"""

import argparse
import json
import warnings
import math
import os
import shutil
import sys
import tempfile
import zlib

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
OUT_DIR = os.path.normpath(os.path.join(HERE, '..', 'fixtures', 'core'))
CHECK_RTOL = 1e-12
CHECK_ATOL = 1e-13

# 'same' padding with an even kernel makes a padded copy; that is what we test.
warnings.filterwarnings('ignore', message="Using padding='same'")
torch.set_num_threads(1)  # reduction order, hence the last bits, stays fixed
torch.set_default_dtype(torch.float64)


# ----------------------------------------------------------------------------
# Input generators. Each takes the case's RandomState.

class Inp:
    """One input: a numpy array, its Tensile dtype and whether it needs a gradient."""

    def __init__(self, array, dtype='float64', grad=None):
        self.array = np.asarray(array)
        self.dtype = dtype
        self.grad = (dtype == 'float64') if grad is None else grad


def r3(a):
    return np.round(np.asarray(a, dtype=np.float64), 3)


def randn(rng, shape, scale=1.0, shift=0.0):
    return Inp(r3(rng.standard_normal(shape) * scale + shift))


def uniform(rng, shape, lo, hi):
    return Inp(r3(rng.uniform(lo, hi, shape)))


def distinct(rng, shape, spacing=0.25):
    """Values at least spacing - 0.1 apart: no ties, so max/argmax/pooling gradients are unambiguous."""
    n = int(np.prod(shape)) if len(shape) else 1
    vals = (rng.permutation(n) - n / 2.0) * spacing + rng.uniform(-0.05, 0.05, n)
    return Inp(r3(vals).reshape(shape))


def ints(rng, shape, lo, hi, nonzero=False):
    a = rng.randint(lo, hi, size=shape).astype(np.int64)
    if nonzero:
        a[a == 0] = 1
    return Inp(a, 'int32', grad=False)


def bools(rng, shape):
    return Inp(rng.rand(*shape) < 0.5, 'bool', grad=False)


def index(values):
    return Inp(np.asarray(values, dtype=np.int64), 'int32', grad=False)


def const(values, dtype='float64', grad=None):
    return Inp(np.asarray(values, dtype=np.float64 if dtype == 'float64' else None), dtype, grad)


# ----------------------------------------------------------------------------
# Case construction.

def torch_tensor(inp):
    if inp.dtype == 'float64':
        return torch.tensor(inp.array, dtype=torch.float64, requires_grad=inp.grad)
    if inp.dtype == 'int32':
        # int64 in torch: indices must be int64, and int arithmetic matches int32 on these small values
        return torch.tensor(inp.array, dtype=torch.int64)
    return torch.tensor(inp.array, dtype=torch.bool)


def out_dtype(t):
    if t.dtype == torch.float64:
        return 'float64'
    if t.dtype == torch.float32:
        return 'float32'  # int / int: PyTorch's true division gives float32 whatever the run dtype
    if t.dtype == torch.bool:
        return 'bool'
    if t.dtype in (torch.int64, torch.int32):
        return 'int32'
    raise ValueError(f'unexpected output dtype {t.dtype}')


def flat(array, dtype):
    a = np.asarray(array).reshape(-1)
    if dtype in ('float64', 'float32'):
        # JSON has no NaN/Infinity: those are the strings "NaN", "Infinity", "-Infinity" (JS Number() reads them).
        return [float(v) if math.isfinite(v) else {'nan': 'NaN', 'inf': 'Infinity', '-inf': '-Infinity'}[repr(float(v))]
                for v in a]
    if dtype == 'int32':
        vals = [int(v) for v in a]
        for v in vals:
            if not -2**31 <= v < 2**31:
                raise ValueError(f'int32 value out of range: {v}')
        return vals
    return [bool(v) for v in a]


def make_case(name, op, args, inputs, fn):
    """Runs fn on the torch versions of inputs and records output, cotangent and gradients."""
    rng = np.random.RandomState(zlib.crc32(('cotangent:' + name).encode()))
    ts = [torch_tensor(i) for i in inputs]
    out = fn(*ts)
    odt = out_dtype(out)
    case = {
        'name': name,
        'op': op,
        'args': args,
        'inputs': [
            {'shape': list(i.array.shape), 'dtype': i.dtype, 'data': flat(i.array, i.dtype), 'grad': bool(i.grad)}
            for i in inputs
        ],
        'output': {'shape': list(out.shape), 'dtype': odt, 'data': flat(out.detach().numpy(), odt)},
        'cotangent': None,
        'grads': [None] * len(inputs),
    }
    if odt == 'float64' and any(i.grad for i in inputs):
        cot = r3(rng.standard_normal(tuple(out.shape)))
        (out * torch.tensor(cot)).sum().backward()
        case['cotangent'] = {'shape': list(out.shape), 'data': flat(cot, 'float64')}
        for k, (i, t) in enumerate(zip(inputs, ts)):
            if i.grad:
                g = t.grad if t.grad is not None else torch.zeros_like(t)
                case['grads'][k] = {'shape': list(g.shape), 'data': flat(g.numpy(), 'float64')}
    else:
        for i in inputs:
            i.grad = False
        case['inputs'] = [dict(c, grad=False) for c in case['inputs']]
    return case


class Family:
    def __init__(self, name):
        self.name = name
        self.cases = []

    def add(self, label, op, args, make_inputs, fn):
        """make_inputs(rng) -> list of Inp; fn(*torch_tensors) -> torch output."""
        name = f'{self.name}/{label}'
        rng = np.random.RandomState(zlib.crc32(name.encode()))
        self.cases.append(make_case(name, op, args, make_inputs(rng), fn))


# ----------------------------------------------------------------------------
# Families.

def unary():
    f = Family('unary')
    fns = {
        'neg': torch.neg, 'abs': torch.abs, 'exp': torch.exp, 'expm1': torch.expm1, 'sin': torch.sin,
        'cos': torch.cos, 'tanh': torch.tanh, 'sigmoid': torch.sigmoid, 'erf': torch.erf,
        'relu': torch.relu, 'sign': torch.sign, 'square': torch.square, 'floor': torch.floor,
        'ceil': torch.ceil,
    }
    for op, fn in fns.items():
        f.add(op, op, {}, lambda r: [randn(r, (3, 4), 1.5)], fn)
    positive = {'log': torch.log, 'sqrt': torch.sqrt, 'rsqrt': torch.rsqrt, 'reciprocal': torch.reciprocal}
    for op, fn in positive.items():
        f.add(op, op, {}, lambda r: [uniform(r, (3, 4), 0.2, 3.0)], fn)
    f.add('log1p', 'log1p', {}, lambda r: [uniform(r, (3, 4), -0.6, 2.0)], torch.log1p)
    f.add('exp_scalar', 'exp', {}, lambda r: [const(0.7)], torch.exp)
    f.add('tanh_size1_dims', 'tanh', {}, lambda r: [randn(r, (1, 3, 1))], torch.tanh)
    f.add('sigmoid_large', 'sigmoid', {}, lambda r: [const([-40.0, -5.0, 0.0, 5.0, 40.0])], torch.sigmoid)
    # round is half-to-even, as PyTorch and IEEE roundeven.
    f.add('round_halves', 'round', {},
          lambda r: [const([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 0.49, -0.51, 3.7, -3.2])], torch.round)
    f.add('clamp', 'clamp', {'min': -0.5, 'max': 0.8}, lambda r: [randn(r, (3, 4))],
          lambda x: torch.clamp(x, -0.5, 0.8))
    f.add('clamp_min_only', 'clamp', {'min': 0.1, 'max': None}, lambda r: [randn(r, (2, 5))],
          lambda x: torch.clamp(x, min=0.1))
    f.add('clamp_max_only', 'clamp', {'min': None, 'max': -0.2}, lambda r: [randn(r, (2, 5))],
          lambda x: torch.clamp(x, max=-0.2))
    for op, fn in {'neg': torch.neg, 'abs': torch.abs, 'square': torch.square, 'sign': torch.sign,
                   'relu': torch.relu}.items():
        f.add(f'{op}_int32', op, {}, lambda r: [ints(r, (2, 5), -9, 10)], fn)
    f.add('logicalNot', 'logicalNot', {}, lambda r: [bools(r, (2, 4))], torch.logical_not)
    return f


def binary():
    f = Family('binary')
    arith = {'add': torch.add, 'sub': torch.sub, 'mul': torch.mul, 'div': torch.div,
             'maximum': torch.maximum, 'minimum': torch.minimum}
    for op, fn in arith.items():
        f.add(op, op, {}, lambda r: [randn(r, (3, 4)), randn(r, (3, 4))], fn)
    nonzero = lambda r, s: Inp(r3(r.uniform(0.5, 2.0, s) * np.where(r.rand(*s) < 0.5, -1, 1)))
    f.add('add_broadcast_col_row', 'add', {}, lambda r: [randn(r, (3, 1)), randn(r, (1, 4))], torch.add)
    f.add('mul_broadcast_trailing', 'mul', {}, lambda r: [randn(r, (2, 3, 4)), randn(r, (4,))], torch.mul)
    f.add('sub_broadcast_left', 'sub', {}, lambda r: [randn(r, (4,)), randn(r, (2, 3, 4))], torch.sub)
    f.add('div_broadcast_both', 'div', {}, lambda r: [randn(r, (2, 1, 4)), nonzero(r, (3, 1))], torch.div)
    f.add('mul_scalar_tensor', 'mul', {}, lambda r: [const(1.7), randn(r, (2, 3))], torch.mul)
    f.add('maximum_broadcast', 'maximum', {}, lambda r: [randn(r, (2, 3)), randn(r, (3,))], torch.maximum)
    f.add('minimum_size1', 'minimum', {}, lambda r: [randn(r, (1, 3, 1)), randn(r, (2, 1, 4))], torch.minimum)
    f.add('pow', 'pow', {}, lambda r: [uniform(r, (3, 4), 0.3, 2.0), randn(r, (3, 4))], torch.pow)
    f.add('pow_broadcast_exponent', 'pow', {}, lambda r: [uniform(r, (2, 3), 0.3, 2.0), randn(r, (3,))],
          torch.pow)
    # JS numbers as the second operand (t.add(x, 2.5)): "other" in args.
    for op, fn, other in [('add', torch.add, 2.5), ('sub', torch.sub, -1.25), ('mul', torch.mul, -1.5),
                          ('div', torch.div, 4.0), ('pow', torch.pow, 3.0)]:
        f.add(f'{op}_number', op, {'other': other}, lambda r: [randn(r, (2, 3))], lambda x: fn(x, other))

    def remainder_inputs(r):
        b = r3(r.uniform(0.5, 2.0, (3, 4)) * np.where(r.rand(3, 4) < 0.5, -1, 1))
        a = r3(r.standard_normal((3, 4)) * 3)
        q = a / b
        frac = q - np.floor(q)
        a = np.where((frac < 0.05) | (frac > 0.95), a + 0.3 * b, a)  # stay off the jumps
        return [Inp(r3(a)), Inp(b)]
    f.add('mod', 'mod', {}, remainder_inputs, torch.remainder)

    def comparable(r, shape):
        return Inp(np.round(r.uniform(-2, 2, shape) * 2) / 2)  # halves, so ties occur
    for op, fn in {'eq': torch.eq, 'ne': torch.ne, 'lt': torch.lt, 'le': torch.le, 'gt': torch.gt,
                   'ge': torch.ge}.items():
        f.add(op, op, {}, lambda r: [comparable(r, (3, 4)), comparable(r, (4,))], fn)
    f.add('gt_number', 'gt', {'other': 0.5}, lambda r: [comparable(r, (2, 4))], lambda x: torch.gt(x, 0.5))

    f.add('add_int32', 'add', {}, lambda r: [ints(r, (2, 3), -20, 20), ints(r, (3,), -20, 20)], torch.add)
    f.add('sub_int32', 'sub', {}, lambda r: [ints(r, (2, 3), -20, 20), ints(r, (2, 3), -20, 20)], torch.sub)
    f.add('mul_int32', 'mul', {}, lambda r: [ints(r, (2, 3), -20, 20), ints(r, (2, 1), -20, 20)], torch.mul)
    # int32 / int32 is true division to float32, as PyTorch's `/`; floorDivide rounds toward -inf and stays int32;
    # remainder takes the divisor's sign.
    f.add('div_int32_true', 'div', {}, lambda r: [ints(r, (2, 4), -20, 20), ints(r, (2, 4), -5, 6, True)],
          lambda a, b: (a / b).float())
    f.add('floorDivide_int32', 'floorDivide', {},
          lambda r: [ints(r, (2, 4), -20, 20), ints(r, (2, 4), -5, 6, True)], torch.floor_divide)
    f.add('floorDivide', 'floorDivide', {}, lambda r: [Inp(i.array, grad=False) for i in remainder_inputs(r)],
          torch.floor_divide)
    f.add('mod_int32', 'mod', {}, lambda r: [ints(r, (2, 4), -20, 20), ints(r, (2, 4), -5, 6, True)],
          torch.remainder)
    f.add('maximum_int32', 'maximum', {}, lambda r: [ints(r, (2, 4), -9, 9), ints(r, (4,), -9, 9)],
          torch.maximum)

    f.add('logicalAnd', 'logicalAnd', {}, lambda r: [bools(r, (3, 4)), bools(r, (4,))], torch.logical_and)
    f.add('logicalOr', 'logicalOr', {}, lambda r: [bools(r, (3, 1)), bools(r, (1, 4))], torch.logical_or)
    f.add('logicalXor', 'logicalXor', {}, lambda r: [bools(r, (2, 4)), bools(r, (2, 4))], torch.logical_xor)
    return f


def reduce():
    f = Family('reduce')
    shape = (3, 4, 5)
    for op, fn in {'sum': torch.sum, 'mean': torch.mean}.items():
        f.add(f'{op}_all', op, {'axis': None, 'keepdims': False}, lambda r: [randn(r, shape)], fn)
        f.add(f'{op}_axis0', op, {'axis': 0, 'keepdims': False}, lambda r: [randn(r, shape)],
              lambda x: fn(x, 0))
        f.add(f'{op}_axis_neg1_keepdims', op, {'axis': -1, 'keepdims': True}, lambda r: [randn(r, shape)],
              lambda x: fn(x, -1, keepdim=True))
        f.add(f'{op}_axes_0_2', op, {'axis': [0, 2], 'keepdims': False}, lambda r: [randn(r, shape)],
              lambda x: fn(x, (0, 2)))
        f.add(f'{op}_axes_neg_keepdims', op, {'axis': [-2, -1], 'keepdims': True}, lambda r: [randn(r, shape)],
              lambda x: fn(x, (-2, -1), keepdim=True))
        f.add(f'{op}_size1_axis', op, {'axis': 0, 'keepdims': False}, lambda r: [randn(r, (1, 4))],
              lambda x: fn(x, 0))
    f.add('sum_int32', 'sum', {'axis': 1, 'keepdims': False}, lambda r: [ints(r, (3, 4), -9, 10)],
          lambda x: torch.sum(x, 1))
    for op, fn in {'max': torch.amax, 'min': torch.amin}.items():
        f.add(f'{op}_all', op, {'axis': None, 'keepdims': False}, lambda r: [distinct(r, shape)],
              lambda x: fn(x, tuple(range(x.dim()))))
        f.add(f'{op}_axis1', op, {'axis': 1, 'keepdims': False}, lambda r: [distinct(r, shape)],
              lambda x: fn(x, 1))
        f.add(f'{op}_axis_neg1_keepdims', op, {'axis': -1, 'keepdims': True}, lambda r: [distinct(r, shape)],
              lambda x: fn(x, -1, keepdim=True))
        f.add(f'{op}_axes_0_2', op, {'axis': [0, 2], 'keepdims': False}, lambda r: [distinct(r, shape)],
              lambda x: fn(x, (0, 2)))
    signed = lambda r, s: Inp(r3(r.uniform(0.5, 1.5, s) * np.where(r.rand(*s) < 0.3, -1, 1)))
    f.add('prod_all', 'prod', {'axis': None, 'keepdims': False}, lambda r: [signed(r, (2, 5))], torch.prod)
    f.add('prod_axis1_keepdims', 'prod', {'axis': 1, 'keepdims': True}, lambda r: [signed(r, shape)],
          lambda x: torch.prod(x, 1, keepdim=True))
    for op, fn in {'argmax': torch.argmax, 'argmin': torch.argmin}.items():
        f.add(f'{op}_all', op, {'axis': None, 'keepdims': False}, lambda r: [distinct(r, shape)], fn)
        f.add(f'{op}_axis1', op, {'axis': 1, 'keepdims': False}, lambda r: [distinct(r, shape)],
              lambda x: fn(x, 1))
        f.add(f'{op}_axis_neg1_keepdims', op, {'axis': -1, 'keepdims': True}, lambda r: [distinct(r, shape)],
              lambda x: fn(x, -1, keepdim=True))
    return f


def matmul():
    f = Family('matmul')

    def mm(trans_a=False, trans_b=False):
        def fn(a, b):
            return torch.matmul(a.transpose(-1, -2) if trans_a else a, b.transpose(-1, -2) if trans_b else b)
        return fn

    def flags(ta, tb):
        return {'transA': ta, 'transB': tb}

    f.add('2d', 'matmul', flags(False, False), lambda r: [randn(r, (3, 4)), randn(r, (4, 5))], mm())
    f.add('2d_transA', 'matmul', flags(True, False), lambda r: [randn(r, (4, 3)), randn(r, (4, 5))], mm(True))
    f.add('2d_transB', 'matmul', flags(False, True), lambda r: [randn(r, (3, 4)), randn(r, (5, 4))],
          mm(False, True))
    f.add('2d_transA_transB', 'matmul', flags(True, True), lambda r: [randn(r, (4, 3)), randn(r, (5, 4))],
          mm(True, True))
    f.add('batched', 'matmul', flags(False, False), lambda r: [randn(r, (2, 3, 4)), randn(r, (2, 4, 5))], mm())
    f.add('batched_trans', 'matmul', flags(True, True), lambda r: [randn(r, (2, 4, 3)), randn(r, (2, 5, 4))],
          mm(True, True))
    f.add('batch_broadcast', 'matmul', flags(False, False),
          lambda r: [randn(r, (2, 1, 3, 4)), randn(r, (3, 4, 2))], mm())
    f.add('shared_right', 'matmul', flags(False, False), lambda r: [randn(r, (2, 3, 4)), randn(r, (4, 5))], mm())
    f.add('shared_right_transB', 'matmul', flags(False, True),
          lambda r: [randn(r, (2, 3, 4)), randn(r, (5, 4))], mm(False, True))
    f.add('shared_left', 'matmul', flags(False, False), lambda r: [randn(r, (3, 4)), randn(r, (2, 4, 5))], mm())
    f.add('shared_left_transA', 'matmul', flags(True, False),
          lambda r: [randn(r, (4, 3)), randn(r, (2, 4, 5))], mm(True))
    f.add('vector_matrix', 'matmul', flags(False, False), lambda r: [randn(r, (4,)), randn(r, (4, 5))], mm())
    f.add('matrix_vector', 'matmul', flags(False, False), lambda r: [randn(r, (3, 4)), randn(r, (4,))], mm())
    f.add('vector_vector', 'matmul', flags(False, False), lambda r: [randn(r, (4,)), randn(r, (4,))], mm())
    f.add('batched_matrix_vector', 'matmul', flags(False, False),
          lambda r: [randn(r, (2, 3, 4)), randn(r, (4,))], mm())
    f.add('outer_size1', 'matmul', flags(False, False), lambda r: [randn(r, (3, 1)), randn(r, (1, 4))], mm())
    f.add('inner_size1_rows', 'matmul', flags(False, False), lambda r: [randn(r, (1, 4)), randn(r, (4, 1))],
          mm())
    return f


def shape():
    f = Family('shape')
    x234 = lambda r: [randn(r, (2, 3, 4))]
    f.add('reshape', 'reshape', {'shape': [4, 6]}, x234, lambda x: x.reshape(4, 6))
    f.add('reshape_infer', 'reshape', {'shape': [-1, 4]}, x234, lambda x: x.reshape(-1, 4))
    f.add('reshape_to_scalar', 'reshape', {'shape': []}, lambda r: [randn(r, (1, 1))], lambda x: x.reshape(()))
    f.add('flatten', 'flatten', {'start': 0, 'end': -1}, x234, torch.flatten)
    f.add('flatten_from1', 'flatten', {'start': 1, 'end': -1}, x234, lambda x: torch.flatten(x, 1))
    f.add('flatten_0_1', 'flatten', {'start': 0, 'end': 1}, x234, lambda x: torch.flatten(x, 0, 1))
    f.add('transpose_default', 'transpose', {'a': -2, 'b': -1}, x234, lambda x: x.transpose(-2, -1))
    f.add('transpose_0_2', 'transpose', {'a': 0, 'b': 2}, x234, lambda x: x.transpose(0, 2))
    f.add('permute', 'permute', {'perm': [2, 0, 1]}, x234, lambda x: x.permute(2, 0, 1))
    f.add('permute_4d', 'permute', {'perm': [0, 3, 1, 2]}, lambda r: [randn(r, (2, 2, 3, 2))],
          lambda x: x.permute(0, 3, 1, 2))
    f.add('expand', 'expand', {'shape': [2, 3, 4]}, lambda r: [randn(r, (3, 1))], lambda x: x.expand(2, 3, 4))
    f.add('expand_row', 'expand', {'shape': [3, 4]}, lambda r: [randn(r, (1, 4))], lambda x: x.expand(3, 4))
    f.add('squeeze_axis', 'squeeze', {'axis': 1}, lambda r: [randn(r, (2, 1, 3, 1))], lambda x: x.squeeze(1))
    f.add('squeeze_all', 'squeeze', {'axis': None}, lambda r: [randn(r, (2, 1, 3, 1))], lambda x: x.squeeze())
    f.add('squeeze_neg_axis', 'squeeze', {'axis': -1}, lambda r: [randn(r, (2, 1, 3, 1))],
          lambda x: x.squeeze(-1))
    f.add('unsqueeze_0', 'unsqueeze', {'axis': 0}, lambda r: [randn(r, (2, 3))], lambda x: x.unsqueeze(0))
    f.add('unsqueeze_neg1', 'unsqueeze', {'axis': -1}, lambda r: [randn(r, (2, 3))], lambda x: x.unsqueeze(-1))
    # slice ranges: [start, stop, step], null = the whole axis, a number = one index (axis kept).
    f.add('slice_ranges', 'slice', {'ranges': [[0, 1], [1, None]]}, x234, lambda x: x[0:1, 1:])
    f.add('slice_step', 'slice', {'ranges': [None, None, [None, None, 2]]}, x234, lambda x: x[:, :, ::2])
    f.add('slice_negative', 'slice', {'ranges': [None, [-2, None], [-3, -1]]}, x234, lambda x: x[:, -2:, -3:-1])
    f.add('slice_index_keeps_axis', 'slice', {'ranges': [1, None, [1, 3]]}, x234, lambda x: x[1:2, :, 1:3])
    f.add('slice_reverse', 'slice', {'ranges': [None, [None, None, -1]]}, x234, lambda x: x.flip(1))
    f.add('narrow', 'narrow', {'axis': 1, 'start': 1, 'length': 2}, x234, lambda x: x.narrow(1, 1, 2))
    f.add('narrow_neg_axis', 'narrow', {'axis': -1, 'start': 0, 'length': 3}, x234, lambda x: x.narrow(-1, 0, 3))
    f.add('flip_0_2', 'flip', {'axes': [0, 2]}, x234, lambda x: x.flip(0, 2))
    f.add('flip_neg1', 'flip', {'axes': -1}, x234, lambda x: x.flip(-1))
    # pad pairs are [before, after] for the last len(pads) axes, in axis order.
    f.add('pad', 'pad', {'pads': [[1, 2], [0, 1]], 'value': 0}, x234, lambda x: F.pad(x, (0, 1, 1, 2)))
    f.add('pad_value', 'pad', {'pads': [[2, 0]], 'value': 1.5}, x234, lambda x: F.pad(x, (2, 0), value=1.5))
    f.add('concat_axis0', 'concat', {'axis': 0}, lambda r: [randn(r, (2, 3)), randn(r, (4, 3))],
          lambda a, b: torch.cat([a, b], 0))
    f.add('concat_neg_axis_three', 'concat', {'axis': -1},
          lambda r: [randn(r, (2, 1)), randn(r, (2, 3)), randn(r, (2, 2))], lambda *xs: torch.cat(xs, -1))
    f.add('stack_axis1', 'stack', {'axis': 1}, lambda r: [randn(r, (2, 3)), randn(r, (2, 3))],
          lambda a, b: torch.stack([a, b], 1))
    f.add('stack_neg_axis', 'stack', {'axis': -1}, lambda r: [randn(r, (3,)), randn(r, (3,)), randn(r, (3,))],
          lambda *xs: torch.stack(xs, -1))
    # split returns a list: "index" picks the piece the case checks.
    f.add('split_sizes', 'split', {'sizes': [1, 3], 'axis': 1, 'index': 1}, lambda r: [randn(r, (2, 4))],
          lambda x: torch.split(x, [1, 3], 1)[1])
    f.add('split_equal_last_short', 'split', {'sizes': 2, 'axis': -1, 'index': 2}, lambda r: [randn(r, (2, 5))],
          lambda x: torch.split(x, 2, -1)[2])
    f.add('cast_float_to_int32', 'cast', {'dtype': 'int32'},
          lambda r: [const([-2.7, -1.2, -0.5, 0.0, 0.4, 1.9, 3.5], grad=False)], lambda x: x.to(torch.int32))
    f.add('cast_int32_to_float', 'cast', {'dtype': 'float64'}, lambda r: [ints(r, (2, 3), -9, 10)],
          lambda x: x.to(torch.float64))
    f.add('cast_float_to_bool', 'cast', {'dtype': 'bool'}, lambda r: [const([0.0, -1.5, 2.0, 0.0], grad=False)],
          lambda x: x.to(torch.bool))
    return f


def indexing():
    f = Family('indexing')
    f.add('indexSelect_axis0_repeats', 'indexSelect', {'axis': 0},
          lambda r: [randn(r, (4, 3)), index([0, 2, 2, 3, 0])], lambda x, i: torch.index_select(x, 0, i))
    f.add('indexSelect_neg_axis', 'indexSelect', {'axis': -1},
          lambda r: [randn(r, (2, 3, 4)), index([3, 1])], lambda x, i: torch.index_select(x, -1, i))
    f.add('gather_axis1', 'gather', {'axis': 1},
          lambda r: [randn(r, (3, 4)), index([[0, 3], [1, 1], [2, 0]])], lambda x, i: torch.gather(x, 1, i))
    f.add('gather_axis0', 'gather', {'axis': 0},
          lambda r: [randn(r, (3, 4)), index([[2, 0, 1, 2], [0, 0, 2, 1]])], lambda x, i: torch.gather(x, 0, i))
    f.add('where', 'where', {}, lambda r: [bools(r, (3, 4)), randn(r, (3, 4)), randn(r, (3, 4))], torch.where)
    f.add('where_broadcast', 'where', {}, lambda r: [bools(r, (3, 1)), randn(r, (3, 4)), randn(r, (4,))],
          torch.where)
    return f


def composite():
    f = Family('composite')
    for op, fn in {'softmax': torch.softmax, 'logSoftmax': torch.log_softmax}.items():
        f.add(f'{op}_last', op, {'axis': -1}, lambda r: [randn(r, (3, 5))], lambda x: fn(x, -1))
        f.add(f'{op}_axis0', op, {'axis': 0}, lambda r: [randn(r, (3, 5))], lambda x: fn(x, 0))
        f.add(f'{op}_middle_3d', op, {'axis': 1}, lambda r: [randn(r, (2, 3, 4))], lambda x: fn(x, 1))
        f.add(f'{op}_large_values', op, {'axis': -1}, lambda r: [randn(r, (2, 4), 10.0, 500.0)],
              lambda x: fn(x, -1))
    f.add('logsumexp_last', 'logsumexp', {'axis': -1, 'keepdims': False}, lambda r: [randn(r, (3, 5))],
          lambda x: torch.logsumexp(x, -1))
    f.add('logsumexp_axes_keepdims', 'logsumexp', {'axis': [0, 2], 'keepdims': True},
          lambda r: [randn(r, (2, 3, 4))], lambda x: torch.logsumexp(x, (0, 2), keepdim=True))
    f.add('logsumexp_all', 'logsumexp', {'axis': None, 'keepdims': False}, lambda r: [randn(r, (2, 3))],
          lambda x: torch.logsumexp(x, (0, 1)))
    f.add('logsumexp_large', 'logsumexp', {'axis': 1, 'keepdims': False}, lambda r: [randn(r, (2, 4), 5.0, 800.0)],
          lambda x: torch.logsumexp(x, 1))
    # linear(x, weight [out, in], bias?): x · weightᵀ + bias; a third input is the bias.
    f.add('linear', 'linear', {}, lambda r: [randn(r, (4, 3)), randn(r, (5, 3)), randn(r, (5,))], F.linear)
    f.add('linear_no_bias', 'linear', {}, lambda r: [randn(r, (4, 3)), randn(r, (2, 3))], F.linear)
    f.add('linear_3d_input', 'linear', {}, lambda r: [randn(r, (2, 3, 4)), randn(r, (5, 4)), randn(r, (5,))],
          F.linear)
    for op, fn in {'var': torch.var, 'std': torch.std}.items():
        f.add(f'{op}_axis1', op, {'axis': 1, 'unbiased': True, 'keepdims': False},
              lambda r: [randn(r, (3, 5))], lambda x: fn(x, 1))
        f.add(f'{op}_biased_keepdims', op, {'axis': -1, 'unbiased': False, 'keepdims': True},
              lambda r: [randn(r, (3, 5))], lambda x: fn(x, -1, unbiased=False, keepdim=True))
        f.add(f'{op}_axes_0_2', op, {'axis': [0, 2], 'unbiased': True, 'keepdims': False},
              lambda r: [randn(r, (2, 3, 4))], lambda x: fn(x, (0, 2)))
        f.add(f'{op}_all', op, {'axis': None, 'unbiased': True, 'keepdims': False},
              lambda r: [randn(r, (3, 4))], fn)
    return f


def conv2d():
    f = Family('conv2d')

    def conv(args, x_shape, w_shape, bias=False):
        def inputs(r):
            return [randn(r, x_shape), randn(r, w_shape, 0.5)] + ([randn(r, (w_shape[0],))] if bias else [])

        def fn(x, w, b=None):
            pad = args.get('padding', 0)
            return F.conv2d(x, w, b, stride=args.get('stride', 1), padding=pad, dilation=args.get('dilation', 1),
                            groups=args.get('groups', 1))
        return inputs, fn

    specs = [
        ('basic', {}, (2, 3, 6, 6), (4, 3, 3, 3)),
        ('stride2_pad1', {'stride': 2, 'padding': 1}, (2, 3, 7, 7), (4, 3, 3, 3)),
        ('per_axis_stride_padding', {'stride': [2, 1], 'padding': [1, 2]}, (1, 2, 6, 5), (3, 2, 3, 3)),
        ('dilation2', {'dilation': 2, 'padding': 2}, (1, 2, 7, 7), (3, 2, 3, 3)),
        ('dilation_per_axis', {'dilation': [1, 2], 'stride': [1, 2]}, (1, 2, 6, 8), (2, 2, 2, 3)),
        ('groups2', {'groups': 2, 'padding': 1}, (1, 4, 5, 5), (6, 2, 3, 3)),
        ('depthwise', {'groups': 3, 'padding': 1}, (2, 3, 5, 5), (3, 1, 3, 3)),
        ('pointwise_1x1', {}, (2, 3, 4, 4), (5, 3, 1, 1)),
        ('rect_kernel', {'padding': [0, 1]}, (1, 2, 5, 6), (2, 2, 2, 3)),
        ('same_odd_kernel', {'padding': 'same'}, (1, 2, 5, 5), (3, 2, 3, 3)),
        # An even kernel needs an odd total pad: PyTorch puts the extra row/column at the bottom/right.
        ('same_even_kernel_asymmetric', {'padding': 'same'}, (1, 2, 5, 6), (2, 2, 2, 4)),
        ('same_dilated_even', {'padding': 'same', 'dilation': 3}, (1, 1, 7, 7), (2, 1, 2, 2)),
        ('valid', {'padding': 'valid'}, (1, 2, 5, 5), (2, 2, 3, 3)),
        ('kernel_equals_input', {}, (2, 2, 3, 3), (3, 2, 3, 3)),
    ]
    # A third input is the bias [out].
    specs.append(('with_bias', {'stride': 2, 'padding': 1}, (2, 2, 5, 5), (3, 2, 3, 3), True))
    specs.append(('groups2_with_bias', {'groups': 2}, (1, 4, 4, 4), (4, 2, 2, 2), True))
    for label, args, xs, ws, *bias in specs:
        inputs, fn = conv(args, xs, ws, bool(bias and bias[0]))
        full = {'stride': 1, 'padding': 0, 'dilation': 1, 'groups': 1}
        full.update(args)
        f.add(label, 'conv2d', full, inputs, fn)
    return f


def pooling():
    f = Family('pooling')
    maxp = [
        ('max_k2', {'kernelSize': 2}, (2, 3, 6, 6)),
        ('max_k3_s2_p1', {'kernelSize': 3, 'stride': 2, 'padding': 1}, (1, 2, 7, 7)),
        ('max_overlapping_k3_s1', {'kernelSize': 3, 'stride': 1}, (1, 2, 5, 5)),
        ('max_rect', {'kernelSize': [2, 3], 'stride': [1, 2]}, (1, 2, 5, 7)),
        ('max_dilation2', {'kernelSize': 2, 'stride': 1, 'dilation': 2}, (1, 2, 6, 6)),
        ('max_negative_with_padding', {'kernelSize': 2, 'stride': 2, 'padding': 1}, (1, 1, 5, 5)),
    ]
    for label, args, xs in maxp:
        full = {'kernelSize': args['kernelSize'], 'stride': args.get('stride', args['kernelSize']),
                'padding': args.get('padding', 0), 'dilation': args.get('dilation', 1)}
        if label == 'max_k2':
            del full['stride']  # the default stride is the kernel size
        shift = -20.0 if 'negative' in label else 0.0
        # Distinct values: the gradient goes to the one arg-max of each window.
        make = (lambda xs, shift: lambda r: [Inp(distinct(r, xs).array + shift)])(xs, shift)
        fn = (lambda a: lambda x: F.max_pool2d(x, a['kernelSize'], a.get('stride', a['kernelSize']),
                                               a['padding'], a['dilation']))(full)
        f.add(label, 'maxPool2d', full, make, fn)
    avgp = [
        ('avg_k2', {'kernelSize': 2}, (2, 3, 6, 6)),
        ('avg_k3_s2_p1_include_pad', {'kernelSize': 3, 'stride': 2, 'padding': 1, 'countIncludePad': True},
         (1, 2, 7, 7)),
        ('avg_k3_s2_p1_exclude_pad', {'kernelSize': 3, 'stride': 2, 'padding': 1, 'countIncludePad': False},
         (1, 2, 7, 7)),
        ('avg_rect', {'kernelSize': [3, 2], 'stride': [2, 1]}, (1, 2, 7, 5)),
        ('avg_overlapping', {'kernelSize': 2, 'stride': 1, 'padding': 1, 'countIncludePad': False}, (1, 1, 4, 4)),
    ]
    for label, args, xs in avgp:
        full = {'kernelSize': args['kernelSize'], 'stride': args.get('stride', args['kernelSize']),
                'padding': args.get('padding', 0), 'countIncludePad': args.get('countIncludePad', True)}
        if label == 'avg_k2':
            del full['stride']
        fn = (lambda a: lambda x: F.avg_pool2d(x, a['kernelSize'], a.get('stride', a['kernelSize']),
                                               a['padding'], count_include_pad=a['countIncludePad']))(full)
        f.add(label, 'avgPool2d', full, (lambda xs: lambda r: [randn(r, xs)])(xs), fn)
    return f


def edge():
    """Special values (NaN, ±inf, ±0, ties), empty tensors, int32, and inputs PyTorch takes that are easy to refuse."""
    f = Family('edge')
    nan, inf = float('nan'), float('inf')
    fixed = lambda *xs: (lambda r: [const(x) if not isinstance(x, Inp) else x for x in xs])
    nograd = lambda x: const(x, grad=False)
    int32 = lambda x: Inp(np.asarray(x, dtype=np.int64), 'int32', grad=False)

    # clamp is min(max(x, lo), hi): with lo > hi every entry is hi; NaN stays NaN with a zero gradient.
    f.add('clamp_min_above_max', 'clamp', {'min': 2, 'max': -1}, fixed([1.0, 2.0, 3.0, nan, -5.0]),
          lambda x: torch.clamp(x, 2, -1))
    f.add('clamp_nan_inf', 'clamp', {'min': -1, 'max': 1}, fixed([nan, inf, -inf, 0.5, -0.0]),
          lambda x: torch.clamp(x, -1, 1))
    f.add('clamp_int32_min_above_max', 'clamp', {'min': 2, 'max': -1}, fixed(int32([1, 2, 3, -4])),
          lambda x: torch.clamp(x, 2, -1))
    f.add('clamp_empty', 'clamp', {'min': 0, 'max': 1}, fixed(np.zeros((0, 3))), lambda x: torch.clamp(x, 0, 1))
    # C's pow: a base of 1 gives 1 for any exponent, -1 ** ±inf is 1.
    f.add('pow_unit_base', 'pow', {}, fixed(nograd([1.0, 1.0, 1.0, -1.0, -1.0, nan, 2.0, 0.5, 0.0, -0.0, -8.0]),
                                             nograd([nan, inf, -inf, inf, -inf, 0.0, nan, -inf, -1.0, -3.0, 1 / 3])),
          torch.pow)
    # sign(NaN) is 0 in PyTorch 1.13; the gradient of sign is 0 everywhere.
    f.add('sign_nan_zero_inf', 'sign', {}, fixed([nan, -0.0, 0.0, -inf, inf, -2.5, 1e-30]), torch.sign)
    f.add('abs_relu_at_zero', 'relu', {}, fixed([0.0, -0.0, 1.0, -1.0]), torch.relu)
    f.add('abs_at_zero', 'abs', {}, fixed([0.0, -0.0, 1.5, -1.5]), torch.abs)

    # Reductions: a zero std has gradient 0, var with correction >= n gives inf (its gradient ±inf, or
    # finite for correction > n, as PyTorch's formula 2(x - mean)/(n - correction) says).
    f.add('std_zero', 'std', {'axis': 1, 'unbiased': True, 'keepdims': False},
          fixed([[2.0, 2.0, 2.0], [1.0, 2.0, 4.0]]), lambda x: torch.std(x, 1))
    f.add('std_all_equal', 'std', {'axis': None, 'unbiased': False, 'keepdims': False},
          fixed([[0.5, 0.5], [0.5, 0.5]]), lambda x: torch.std(x, unbiased=False))
    f.add('var_correction_n', 'var', {'axis': 0, 'correction': 3, 'keepdims': False}, fixed([1.0, 2.0, 4.0]),
          lambda x: torch.var(x, 0, correction=3))
    f.add('var_correction_above_n', 'var', {'axis': 0, 'correction': 4, 'keepdims': False}, fixed([1.0, 2.0, 4.0]),
          lambda x: torch.var(x, 0, correction=4))
    f.add('std_correction_n', 'std', {'axis': 1, 'correction': 2, 'keepdims': False},
          fixed([[1.0, 2.0], [3.0, 3.5]]), lambda x: torch.std(x, 1, correction=2))
    f.add('var_single_unbiased', 'var', {'axis': 0, 'unbiased': True, 'keepdims': False}, fixed([5.0]),
          lambda x: torch.var(x, 0))
    f.add('std_empty', 'std', {'axis': None, 'unbiased': True, 'keepdims': False}, fixed(nograd(np.zeros(0))),
          torch.std)
    # prod's gradient is the product of the other entries, zeros included.
    f.add('prod_one_zero', 'prod', {'axis': None, 'keepdims': False}, fixed([1.5, 0.0, 2.0]), torch.prod)
    f.add('prod_two_zeros', 'prod', {'axis': None, 'keepdims': False}, fixed([1.5, 0.0, 2.0, 0.0]), torch.prod)
    f.add('prod_two_zeros_nan', 'prod', {'axis': None, 'keepdims': False}, fixed([0.0, nan, 0.0]), torch.prod)
    f.add('prod_axis1_zeros', 'prod', {'axis': 1, 'keepdims': False},
          fixed([[1.5, 0.0, 2.0], [1.0, 2.0, 3.0], [0.0, 0.0, 1.0]]), lambda x: torch.prod(x, 1))
    f.add('prod_axis0_zeros_keepdims', 'prod', {'axis': 0, 'keepdims': True},
          fixed([[1.5, 0.0, 2.0], [1.0, 2.0, -0.0], [0.0, 0.5, 1.0]]), lambda x: torch.prod(x, 0, keepdim=True))
    f.add('prod_empty', 'prod', {'axis': None, 'keepdims': False}, fixed(np.zeros((2, 0))), torch.prod)
    f.add('prod_int32', 'prod', {'axis': 1, 'keepdims': False}, fixed(int32([[2, -3, 4], [0, 5, 7]])),
          lambda x: torch.prod(x, 1))
    f.add('sum_empty_axis', 'sum', {'axis': 0, 'keepdims': False}, fixed(np.zeros((0, 3))), lambda x: torch.sum(x, 0))
    f.add('mean_empty', 'mean', {'axis': None, 'keepdims': False}, fixed(nograd(np.zeros(0))), torch.mean)
    # Ties: max/min share the gradient evenly, argmax/argmin take the first; NaN wins max/min.
    f.add('max_ties', 'max', {'axis': 1, 'keepdims': False}, fixed([[1.0, 3.0, 3.0, 2.0], [-1.0, -1.0, -1.0, -2.0]]),
          lambda x: torch.amax(x, 1))
    f.add('min_ties_all', 'min', {'axis': None, 'keepdims': False}, fixed([[0.0, -0.0, 1.0], [2.0, 0.0, 3.0]]),
          lambda x: torch.amin(x, (0, 1)))
    f.add('argmax_ties', 'argmax', {'axis': 1, 'keepdims': False}, fixed([[1.0, 3.0, 3.0, 2.0], [-1.0, -1.0, -1.0, -2.0]]),
          lambda x: torch.argmax(x, 1))
    f.add('argmin_ties_all', 'argmin', {'axis': None, 'keepdims': False}, fixed([[2.0, 0.0, 1.0], [0.0, 0.0, 3.0]]),
          torch.argmin)
    f.add('max_nan', 'max', {'axis': None, 'keepdims': False}, fixed(nograd([1.0, nan, 3.0])),
          lambda x: torch.amax(x, 0))
    f.add('argmax_int32_ties', 'argmax', {'axis': None, 'keepdims': False}, fixed(int32([4, 9, -1, 9])), torch.argmax)
    f.add('maximum_ties_nan', 'maximum', {}, fixed([1.0, 2.0, nan, 0.0], [1.0, 3.0, 0.0, -0.0]), torch.maximum)
    f.add('minimum_ties_inf', 'minimum', {}, fixed([1.0, -inf, inf, 0.5], [1.0, 0.0, inf, 0.5]), torch.minimum)

    # Division: int / int is true division (float32); floorDivide rounds toward -inf; remainder has the divisor's sign.
    f.add('div_int32_true', 'div', {}, fixed(int32([1, -1, 7, -7, 0, 9]), int32([2, 2, 2, 2, 2, -4])),
          lambda a, b: (a / b).float())
    f.add('div_int32_by_number', 'div', {'other': 4}, fixed(int32([1, -1, 7, -8])), lambda a: (a / 4).float())
    f.add('div_bool', 'div', {}, fixed(Inp(np.array([True, False, True]), 'bool', grad=False),
                                       Inp(np.array([True, True, True]), 'bool', grad=False)),
          lambda a, b: (a / b).float())
    f.add('floorDivide_int32_signs', 'floorDivide', {},
          fixed(int32([1, -1, 7, -7, 7, -7, 0, 6, -6]), int32([2, 2, 2, 2, -2, -2, 3, 3, -3])), torch.floor_divide)
    f.add('floorDivide_int32_number', 'floorDivide', {'other': 3}, fixed(int32([[-7, -6, -5], [5, 6, 7]])),
          lambda a: torch.floor_divide(a, 3))
    f.add('floorDivide_float_special', 'floorDivide', {},
          # 1 // 0.1 is 9 (fmod's answer), not floor(1 / 0.1) = 10, in float32 and float64 alike.
          fixed(nograd([1.0, -1.0, 7.5, -7.5, 5.0, -5.0, 0.0, inf, -inf, nan, 5.5, -5.5, 5.5, 1.0, -1.0, 2.5]),
                nograd([2.0, 2.0, -2.0, -2.0, 0.0, 0.0, 0.0, 2.0, 2.0, 2.0, inf, inf, -inf, 0.1, 0.1, -0.5])),
          torch.floor_divide)
    f.add('floorDivide_empty', 'floorDivide', {}, fixed(int32(np.zeros((0, 2))), int32([3, -3])), torch.floor_divide)
    f.add('mod_float_special', 'mod', {},
          fixed(nograd([5.0, -5.0, 0.0, -0.0, inf, nan, 5.5, -5.5, 5.5, -5.5, 1.0]),
                nograd([0.0, 0.0, 2.0, 2.0, 2.0, 2.0, inf, inf, -inf, -inf, 0.1])),
          torch.remainder)
    f.add('mod_int32_signs', 'mod', {}, fixed(int32([7, -7, 7, -7, 0, 6]), int32([3, 3, -3, -3, -3, -3])),
          torch.remainder)

    # Found by a random comparison with PyTorch on special values: gradients at NaN, ±0 and ±inf.
    f.add('relu_nan_grad', 'relu', {}, fixed([nan, 0.0, -0.0, 1.0, -1.0]), torch.relu)
    f.add('rsqrt_signed_zero', 'rsqrt', {}, fixed([0.0, -0.0, 4.0, inf]), torch.rsqrt)
    f.add('pow_grads_at_zero', 'pow', {}, fixed([0.0, 0.0, 0.0, 0.0, nan, 2.0, -0.0], [0.0, -1.0, 2.0, nan, 0.0, 0.0, 3.0]),
          torch.pow)
    f.add('mod_grad_infinite_divisor', 'mod', {}, fixed([1.0, -1.0, 0.5, -2.5], [-inf, inf, 2.0, inf]), torch.remainder)
    f.add('prod_axis1_nan_inf_zeros', 'prod', {'axis': 1, 'keepdims': False},
          fixed([[nan, 1.0, 2.0, 3.0], [inf, 1.0, -inf, 0.0], [0.0, 2.0, 3.0, 4.0]]), lambda x: torch.prod(x, 1))
    f.add('prod_inf_no_zero', 'prod', {'axis': None, 'keepdims': False}, fixed([1.5, inf, 2.0]), torch.prod)
    f.add('logsumexp_empty_axis', 'logsumexp', {'axis': 0, 'keepdims': False}, fixed(np.zeros((0, 3))),
          lambda x: torch.logsumexp(x, 0))
    f.add('clamp_int32_fractional_bounds', 'clamp', {'min': 0.5, 'max': 2.5}, fixed(int32([0, 1, 2, 3, -7])),
          lambda x: torch.clamp(x, 0.5, 2.5).float())
    f.add('maximum_bool', 'maximum', {}, fixed(Inp(np.array([True, False, True, False]), 'bool', grad=False),
                                               Inp(np.array([True, True, False, False]), 'bool', grad=False)),
          torch.maximum)
    # Large quotients: exact in float32 and float64 alike (powers of two over small divisors).
    f.add('mod_large_quotient', 'mod', {},
          fixed(nograd([2.0 ** 100, 2.0 ** 101, -2.0 ** 100, 2.0 ** 90, -2.0 ** 60]), nograd([3.0, 3.0, 5.0, 0.75, -7.0])),
          torch.remainder)
    f.add('pow_negative_infinity_base', 'pow', {},
          fixed(nograd([-inf, -inf, -inf, -inf, -inf, -inf]), nograd([0.5, -0.5, 3.0, -3.0, 2.0, inf])), torch.pow)
    for op, fn in {'floor': torch.floor, 'ceil': torch.ceil, 'round': torch.round}.items():
        f.add(f'{op}_int32', op, {}, fixed(int32([-7, 0, 3, 2147483647])), fn)
    # Type promotion with bools: two bools add as or, multiply as and; a bool beside an int promotes.
    b1 = lambda: Inp(np.array([True, False, True, False]), 'bool', grad=False)
    b2 = lambda: Inp(np.array([True, True, False, False]), 'bool', grad=False)
    f.add('add_bool', 'add', {}, lambda r: [b1(), b2()], torch.add)
    f.add('mul_bool', 'mul', {}, lambda r: [b1(), b2()], torch.mul)
    f.add('floorDivide_bool_by_int32', 'floorDivide', {}, lambda r: [b1(), int32([2, -2, -1, 3])], torch.floor_divide)
    # |x - mean| > 1.8e19 squares to inf in float32; PyTorch's std stays finite (double accumulation).
    f.add('std_large_values', 'std', {'axis': 1, 'unbiased': True, 'keepdims': False},
          fixed([[1e30, -1.0, -5.0, 1e-30], [2e20, -2e20, 1.0, 0.0]]), lambda x: torch.std(x, 1))

    # Unbatched [C, H, W] input, accepted by PyTorch: the result is unbatched too.
    f.add('conv2d_unbatched', 'conv2d', {'stride': 1, 'padding': 1, 'dilation': 1, 'groups': 1},
          lambda r: [randn(r, (2, 4, 5)), randn(r, (3, 2, 3, 3), 0.5), randn(r, (3,))],
          lambda x, w, b: F.conv2d(x, w, b, padding=1))
    f.add('maxPool2d_unbatched', 'maxPool2d', {'kernelSize': 2, 'stride': 2, 'padding': 0, 'dilation': 1},
          lambda r: [distinct(r, (3, 4, 6))], lambda x: F.max_pool2d(x, 2))
    f.add('avgPool2d_unbatched', 'avgPool2d', {'kernelSize': 3, 'stride': 1, 'padding': 1, 'countIncludePad': False},
          lambda r: [randn(r, (2, 4, 4))], lambda x: F.avg_pool2d(x, 3, 1, 1, count_include_pad=False))
    # Negative pads crop, also mixed with positive ones.
    f.add('pad_negative_crop', 'pad', {'pads': [[-1, -2]], 'value': 0}, lambda r: [randn(r, (2, 3, 5))],
          lambda x: F.pad(x, (-1, -2)))
    f.add('pad_negative_and_positive', 'pad', {'pads': [[1, -2], [-1, 2]], 'value': 0.5},
          lambda r: [randn(r, (2, 3, 4))], lambda x: F.pad(x, (-1, 2, 1, -2), value=0.5))
    f.add('pad_crop_to_empty', 'pad', {'pads': [[0, 0], [-4, 0]], 'value': 0}, lambda r: [randn(r, (2, 3, 4))],
          lambda x: F.pad(x, (-4, 0, 0, 0)))
    return f


def math_ops():
    """Core's composed math ops: unary-table composites, fmod/hypot/lerp/addcmul/addcdiv/nanToNum, activations."""
    f = Family('math')
    sqrt1m = lambda r: [uniform(r, (3, 4), -0.95, 0.95)]
    domains = {
        'tan': (torch.tan, lambda r: [uniform(r, (3, 4), -1.3, 1.3)]),
        'asin': (torch.asin, sqrt1m), 'acos': (torch.acos, sqrt1m), 'atanh': (torch.atanh, sqrt1m),
        'atan': (torch.atan, lambda r: [randn(r, (3, 4), 2.0)]),
        'sinh': (torch.sinh, lambda r: [randn(r, (3, 4), 2.0)]), 'cosh': (torch.cosh, lambda r: [randn(r, (3, 4), 2.0)]),
        'asinh': (torch.asinh, lambda r: [randn(r, (3, 4), 3.0)]),
        'acosh': (torch.acosh, lambda r: [uniform(r, (3, 4), 1.05, 6.0)]),
        'log2': (torch.log2, lambda r: [uniform(r, (3, 4), 0.1, 9.0)]), 'log10': (torch.log10, lambda r: [uniform(r, (3, 4), 0.1, 9.0)]),
        'exp2': (torch.exp2, lambda r: [randn(r, (3, 4), 3.0)]),
        'frac': (torch.frac, lambda r: [randn(r, (3, 4), 3.0)]),
        'mish': (F.mish, lambda r: [randn(r, (3, 4), 3.0)]),
        'hardswish': (F.hardswish, lambda r: [uniform(r, (3, 4), -5.0, 5.0)]),
        'hardsigmoid': (F.hardsigmoid, lambda r: [uniform(r, (3, 4), -5.0, 5.0)]),
        'relu6': (F.relu6, lambda r: [uniform(r, (3, 4), -3.0, 9.0)]),
        'selu': (F.selu, lambda r: [randn(r, (3, 4), 2.0)]),
        'logsigmoid': (F.logsigmoid, lambda r: [randn(r, (3, 4), 4.0)]),
    }
    for op, (fn, inputs) in domains.items():
        f.add(op, op, {}, inputs, fn)
    f.add('trunc', 'trunc', {}, lambda r: [randn(r, (3, 4), 3.0)], torch.trunc)
    f.add('elu_alpha', 'elu', {'alpha': 0.7}, lambda r: [randn(r, (3, 4), 2.0)], lambda x: F.elu(x, 0.7))
    f.add('celu_alpha', 'celu', {'alpha': 1.5}, lambda r: [randn(r, (3, 4), 2.0)], lambda x: F.celu(x, 1.5))
    f.add('leakyRelu_slope', 'leakyRelu', {'negativeSlope': 0.2}, lambda r: [randn(r, (3, 4))],
          lambda x: F.leaky_relu(x, 0.2))
    f.add('gelu', 'gelu', {'approximate': 'none'}, lambda r: [randn(r, (3, 4), 2.0)], F.gelu)
    f.add('gelu_tanh', 'gelu', {'approximate': 'tanh'}, lambda r: [randn(r, (3, 4), 2.0)],
          lambda x: F.gelu(x, approximate='tanh'))
    # Large and special values: overflow-free forms, ±inf, NaN (no gradients through NaN).
    # Within float32's range (the float32 run compares with these float64 results).
    special = [float('nan'), float('inf'), float('-inf'), -0.5, 0.0, 2.5, -30.0, 30.0]
    for op, fn in {'asinh': torch.asinh, 'sinh': torch.sinh, 'cosh': torch.cosh, 'atan': torch.atan,
                   'trunc': torch.trunc, 'frac': torch.frac, 'logsigmoid': F.logsigmoid, 'mish': F.mish,
                   'selu': F.selu, 'exp2': torch.exp2}.items():
        f.add(f'{op}_special', op, {}, lambda r: [const(special, grad=False)], fn)
    f.add('asinh_huge', 'asinh', {}, lambda r: [const([1e30, -1e20, 3e8, -1e-30])], torch.asinh)
    f.add('acosh_edges', 'acosh', {}, lambda r: [const([1.0, 0.5, 1e30, float('inf')], grad=False)], torch.acosh)
    f.add('asin_acos_atanh_edges', 'atanh', {}, lambda r: [const([1.0, -1.0, 1.5, 0.0], grad=False)], torch.atanh)
    for op, fn in {'isFinite': torch.isfinite, 'isPosInf': torch.isposinf, 'isNegInf': torch.isneginf}.items():
        f.add(op, op, {}, lambda r: [const(special, grad=False)], fn)
        f.add(f'{op}_int32', op, {}, lambda r: [ints(r, (2, 3), -9, 10)], fn)
    for op, fn in {'trunc': torch.trunc, 'relu6': F.relu6}.items():
        f.add(f'{op}_int32', op, {}, lambda r: [ints(r, (2, 5), -9, 10)], fn)
    # fmod: sign of the dividend; |a/b| kept off whole numbers, where it jumps.
    def off_whole(r, shape, lo, hi):
        a = r.uniform(lo, hi, shape)
        return Inp(r3(np.floor(a) + 0.2 + 0.6 * (a - np.floor(a))))
    f.add('fmod', 'fmod', {}, lambda r: [off_whole(r, (3, 4), -6, 6), const([1.0, -1.0, 1.0, -1.0])], torch.fmod)
    f.add('fmod_scalar', 'fmod', {'other': -1.5}, lambda r: [uniform(r, (3, 4), -0.7, 0.7)], lambda x: torch.fmod(x, -1.5))
    f.add('fmod_divisor_grad', 'fmod', {}, lambda r: [const([-1.3, 1.45, -1.7, 1.2, 0.35, -0.6]),
                                                    const([0.9, -0.8, 0.75, 0.9, -0.8, 0.75])], torch.fmod)
    f.add('fmod_int32', 'fmod', {}, lambda r: [ints(r, (2, 5), -20, 20), ints(r, (2, 5), -5, 6, True)], torch.fmod)
    f.add('fmod_special', 'fmod', {}, lambda r: [const(special, grad=False), const([2.0] * 4 + [float('inf')] * 4, grad=False)],
          torch.fmod)
    f.add('hypot', 'hypot', {}, lambda r: [randn(r, (3, 4), 2.0), randn(r, (4,), 2.0)], torch.hypot)
    # Squares that overflow / underflow float32, where √(a² + b²) written plainly would give inf / 0.
    f.add('hypot_large', 'hypot', {}, lambda r: [const([3e30, 1e-30, 0.5]), const([4e30, 1e-30, 0.0])], torch.hypot)
    f.add('lerp', 'lerp', {}, lambda r: [randn(r, (3, 4)), randn(r, (3, 4)), uniform(r, (4,), -0.5, 1.5)], torch.lerp)
    f.add('lerp_scalar', 'lerp', {'weight': 0.75}, lambda r: [randn(r, (3, 4)), randn(r, (4,))],
          lambda a, b: torch.lerp(a, b, 0.75))
    f.add('addcmul', 'addcmul', {'value': -0.5}, lambda r: [randn(r, (3, 4)), randn(r, (3, 1)), randn(r, (4,))],
          lambda a, b, c: torch.addcmul(a, b, c, value=-0.5))
    f.add('addcdiv', 'addcdiv', {'value': 2.0}, lambda r: [randn(r, (3, 4)), randn(r, (3, 4)), uniform(r, (4,), 0.5, 2.0)],
          lambda a, b, c: torch.addcdiv(a, b, c, value=2.0))
    # The default for ±inf is the dtype's largest finite value, so that case is in the conformance suite (per dtype).
    f.add('nanToNum', 'nanToNum', {}, lambda r: [const([float('nan'), -0.5, 2.5, float('nan')])], torch.nan_to_num)
    f.add('nanToNum_options', 'nanToNum', {'nan': 1.0, 'posinf': 9.0, 'neginf': -9.0}, lambda r: [const(special)],
          lambda x: torch.nan_to_num(x, 1.0, 9.0, -9.0))
    return f


def shape_ops():
    """Core's composed indexing and shape ops: triangles, diagonals, tiling, rolling, moving axes, meshgrid, einsum."""
    f = Family('shape_ops')
    f.add('tril', 'tril', {'diagonal': 0}, lambda r: [randn(r, (3, 4))], torch.tril)
    f.add('tril_batch_offset', 'tril', {'diagonal': 1}, lambda r: [randn(r, (2, 3, 3))], lambda x: torch.tril(x, 1))
    f.add('triu_negative_offset', 'triu', {'diagonal': -1}, lambda r: [randn(r, (4, 3))], lambda x: torch.triu(x, -1))
    f.add('triu_int32', 'triu', {'diagonal': 1}, lambda r: [ints(r, (3, 3), -9, 10)], lambda x: torch.triu(x, 1))
    f.add('diag_vector', 'diag', {'diagonal': 0}, lambda r: [randn(r, (3,))], torch.diag)
    f.add('diag_vector_above', 'diag', {'diagonal': 2}, lambda r: [randn(r, (3,))], lambda x: torch.diag(x, 2))
    f.add('diag_vector_below', 'diag', {'diagonal': -1}, lambda r: [randn(r, (2,))], lambda x: torch.diag(x, -1))
    f.add('diag_matrix', 'diag', {'diagonal': 1}, lambda r: [randn(r, (3, 4))], lambda x: torch.diag(x, 1))
    f.add('diagonal', 'diagonal', {'offset': 0, 'dim1': 0, 'dim2': 1}, lambda r: [randn(r, (3, 4))], torch.diagonal)
    f.add('diagonal_3d_offset', 'diagonal', {'offset': -1, 'dim1': 2, 'dim2': 0}, lambda r: [randn(r, (3, 2, 4))],
          lambda x: torch.diagonal(x, -1, 2, 0))
    f.add('diagonal_neg_dims', 'diagonal', {'offset': 1, 'dim1': -1, 'dim2': -2}, lambda r: [randn(r, (2, 3, 3))],
          lambda x: torch.diagonal(x, 1, -1, -2))
    f.add('repeat', 'repeat', {'sizes': [2, 3]}, lambda r: [randn(r, (2, 2))], lambda x: x.repeat(2, 3))
    f.add('repeat_new_axes', 'repeat', {'sizes': [2, 1, 2]}, lambda r: [randn(r, (3,))], lambda x: x.repeat(2, 1, 2))
    f.add('tile_short_dims', 'tile', {'dims': [2]}, lambda r: [randn(r, (2, 3))], lambda x: torch.tile(x, (2,)))
    f.add('roll_dims', 'roll', {'shifts': [1, -2], 'dims': [0, 1]}, lambda r: [randn(r, (3, 4))],
          lambda x: torch.roll(x, (1, -2), (0, 1)))
    f.add('roll_flat', 'roll', {'shifts': 5, 'dims': None}, lambda r: [randn(r, (2, 3))], lambda x: torch.roll(x, 5))
    f.add('roll_int32_neg_dim', 'roll', {'shifts': -1, 'dims': -1}, lambda r: [ints(r, (2, 3), -9, 10)],
          lambda x: torch.roll(x, -1, -1))
    f.add('unflatten', 'unflatten', {'dim': 1, 'sizes': [2, -1]}, lambda r: [randn(r, (3, 6))],
          lambda x: x.unflatten(1, (2, -1)))
    f.add('movedim', 'movedim', {'source': [0, 1], 'destination': [2, 0]}, lambda r: [randn(r, (2, 3, 4))],
          lambda x: torch.movedim(x, (0, 1), (2, 0)))
    f.add('moveaxis_neg', 'movedim', {'source': -1, 'destination': 0}, lambda r: [randn(r, (2, 3, 4))],
          lambda x: torch.moveaxis(x, -1, 0))
    for indexing in ('ij', 'xy'):
        for k in (0, 1):
            # Output k depends on input k only: the others take no gradient.
            f.add(f'meshgrid_{indexing}_{k}', 'meshgrid', {'indexing': indexing, 'index': k},
                  lambda r, k=k: [Inp(randn(r, (n,)).array, grad=i == k) for i, n in enumerate((2, 3, 4))],
                  lambda a, b, c, k=k, indexing=indexing: torch.meshgrid(a, b, c, indexing=indexing)[k])
    einsums = [
        ('matmul', 'ij,jk->ik', [(2, 3), (3, 4)]),
        ('batched', 'bij,bjk->bik', [(2, 2, 3), (2, 3, 2)]),
        ('outer', 'i,j->ij', [(3,), (2,)]),
        ('dot', 'i,i->', [(4,), (4,)]),
        ('trace', 'ii', [(3, 3)]),
        ('diagonal', 'ii->i', [(3, 3)]),
        ('transpose', 'ij->ji', [(2, 3)]),
        ('sum_axis', 'ijk->ik', [(2, 3, 4)]),
        ('implicit', 'ij,jk', [(2, 3), (3, 2)]),
        ('ellipsis_broadcast', '...ij,...jk->...ik', [(2, 1, 2, 3), (3, 3, 2)]),
        ('ellipsis_implicit', 'b...i,bi', [(2, 3, 4), (2, 4)]),
        ('three_operands', 'ij,jk,kl->il', [(2, 3), (3, 4), (4, 2)]),
        ('bilinear', 'bn,anm,bm->ba', [(2, 3), (4, 3, 2), (2, 2)]),
        ('size1_broadcast', 'bij,bjk->bik', [(2, 2, 3), (1, 3, 2)]),
    ]
    for label, eq, shapes in einsums:
        f.add(f'einsum_{label}', 'einsum', {'equation': eq}, lambda r, shapes=shapes: [randn(r, s) for s in shapes],
              lambda *xs, eq=eq: torch.einsum(eq, *xs))
    # one_hot: int in, int out (int64 in PyTorch, int32 here). numClasses -1 (max + 1) reads the
    # indices synchronously, which webgpu cannot: core's tests check it on cpu.
    f.add('oneHot', 'oneHot', {'numClasses': 5}, lambda r: [ints(r, (2, 3), 0, 5)], lambda x: F.one_hot(x, 5))
    f.add('einsum_int32', 'einsum', {'equation': 'ij,jk->ik'}, lambda r: [ints(r, (2, 3), -5, 6), ints(r, (3, 2), -5, 6)],
          lambda a, b: torch.einsum('ij,jk->ik', a, b))
    return f


FAMILIES = [unary, binary, reduce, matmul, shape, indexing, composite, conv2d, pooling, edge, math_ops, shape_ops]

# conv1d/3d, transposed conv, fold, padding modes, interpolate (conv_ext); pooling options, unpooling (pool_ext).
import conv_pool_families  # noqa: E402

FAMILIES += conv_pool_families.families(sys.modules[__name__])

# cumsum/cumprod/logcumsumexp, sort/argsort/topk/kthvalue/median, amax/amin, any/all/countNonzero, norm (scan_sort).
import scan_sort_families  # noqa: E402

FAMILIES += scan_sort_families.families(sys.modules[__name__])

# scatter/scatterAdd/scatterReduce, indexPut/indexCopy/indexAdd, takeAlongDim, maskedFill/maskedSelect, nonzero/argwhere (scatter).
import scatter_families  # noqa: E402

FAMILIES += scatter_families.families(sys.modules[__name__])

# F.batch_norm: training and evaluation, affine or not, and the running statistics it updates (batch_norm).
import batch_norm_families  # noqa: E402

FAMILIES += batch_norm_families.families(sys.modules[__name__])


# ----------------------------------------------------------------------------
# Writing and checking.

def render(family):
    lines = [json.dumps(c, sort_keys=True, separators=(',', ':'), allow_nan=False) for c in family.cases]
    return '{"family":' + json.dumps(family.name) + ',"cases":[\n' + ',\n'.join(lines) + '\n]}\n'


def generate(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    names = set()
    written = []
    for make in FAMILIES:
        family = make()
        for c in family.cases:
            if c['name'] in names:
                raise ValueError(f'duplicate case name {c["name"]}')
            names.add(c['name'])
        path = os.path.join(out_dir, family.name + '.json')
        with open(path, 'w', encoding='utf-8', newline='\n') as fh:
            fh.write(render(family))
        written.append((path, len(family.cases)))
    return written


def diff_values(a, b, where, out):
    """Appends human-readable differences between two parsed fixtures to out."""
    if len(out) >= 20:
        return
    if isinstance(a, bool) or isinstance(b, bool) or isinstance(a, str) or a is None or b is None:
        if a != b or type(a) is not type(b):
            out.append(f'{where}: committed {a!r}, fresh {b!r}')
    elif isinstance(a, (int, float)) and isinstance(b, (int, float)):
        if isinstance(a, int) and isinstance(b, int):
            if a != b:
                out.append(f'{where}: committed {a}, fresh {b}')
        elif abs(a - b) > CHECK_ATOL + CHECK_RTOL * abs(b):
            out.append(f'{where}: committed {a!r}, fresh {b!r}')
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            out.append(f'{where}: committed length {len(a)}, fresh length {len(b)}')
            return
        for i, (x, y) in enumerate(zip(a, b)):
            diff_values(x, y, f'{where}[{i}]', out)
    elif isinstance(a, dict) and isinstance(b, dict):
        if set(a) != set(b):
            out.append(f'{where}: keys differ: committed {sorted(a)}, fresh {sorted(b)}')
            return
        for k in sorted(a):
            sub = f'{where}.{k}' if where else k
            if k == 'cases':
                by_name = {c.get('name'): c for c in b[k]}
                for i, c in enumerate(a[k]):
                    if c.get('name') not in by_name:
                        out.append(f'case {c.get("name")}: missing from fresh output')
                    else:
                        diff_values(c, by_name[c['name']], f'case {c["name"]}', out)
                known = {c.get('name') for c in a[k]}
                for c in b[k]:
                    if c.get('name') not in known:
                        out.append(f'case {c.get("name")}: new, not committed')
            else:
                diff_values(a[k], b[k], sub, out)
    else:
        out.append(f'{where}: committed {a!r}, fresh {b!r}')


def check():
    tmp = tempfile.mkdtemp(prefix='tensile-torch-fixtures-')
    try:
        fresh = generate(tmp)
        failures = 0
        fresh_names = {os.path.basename(p) for p, _ in fresh}
        committed_names = set(os.listdir(OUT_DIR)) if os.path.isdir(OUT_DIR) else set()
        for name in sorted(committed_names - fresh_names):
            if name.endswith('.json'):
                print(f'{name}: committed but no longer generated')
                failures += 1
        for path, _ in fresh:
            name = os.path.basename(path)
            committed = os.path.join(OUT_DIR, name)
            if not os.path.exists(committed):
                print(f'{name}: generated but not committed')
                failures += 1
                continue
            with open(committed, 'rb') as fh:
                old_bytes = fh.read()
            with open(path, 'rb') as fh:
                new_bytes = fh.read()
            if old_bytes == new_bytes:
                continue
            diffs = []
            try:
                old = json.loads(old_bytes)
            except ValueError as err:
                old = None
                diffs.append(f'committed file is not valid JSON: {err}')
            if old is not None:
                diff_values(old, json.loads(new_bytes), '', diffs)
            if diffs:
                failures += 1
                print(f'{name}: differs from a fresh run')
                for d in diffs[:20]:
                    print(f'  {d}')
            else:
                print(f'{name}: bytes differ only in the last bits of floats (within {CHECK_RTOL:g}); ok')
        if failures:
            print(f'{failures} fixture file(s) out of date: regenerate with '
                  f'/usr/bin/python3 {os.path.relpath(__file__)}', file=sys.stderr)
            return 1
        print(f'torch fixtures up to date ({len(fresh)} files, torch {torch.__version__})')
        return 0
    finally:
        shutil.rmtree(tmp)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--check', action='store_true', help='compare committed fixtures with a fresh run')
    args = parser.parse_args()
    if args.check:
        sys.exit(check())
    total_bytes = 0
    for path, count in generate(OUT_DIR):
        size = os.path.getsize(path)
        total_bytes += size
        print(f'{os.path.relpath(path)}: {count} cases, {size} bytes')
    print(f'total {total_bytes} bytes (torch {torch.__version__})')


if __name__ == '__main__':
    main()
