"""The scan_sort fixture family of gen_torch_fixtures.py.

Scans (cumsum, cumprod incl. zeros, logcumsumexp), stable sorts (ties, NaN,
±Inf, descending), argsort, topk, kthvalue, median/nanmedian (lower middle,
NaN), max(dim)/min(dim) values and indices, amax/amin (ties share the
gradient), any/all/count_nonzero, and vector norms (p = 2, 1, 3, 0.5, ±inf,
0, 'fro'; over dims; the gradient at 0). Ops that return (values, indices)
are recorded twice, with args.output naming the part. gen_torch_fixtures.py
imports this module and passes itself as `g`, so the cases follow the same
seeding and format rules as every other family.
"""

import numpy as np
import torch

nan = float('nan')
inf = float('inf')


def families(g):
    return [lambda: scan_sort(g)]


def scan_sort(g):
    f = g.Family('scan_sort')

    # Scans. cumsum/cumprod of int32 stay int32 in Tensile (int64 in PyTorch, same values).
    for dim in (0, 1, -1):
        f.add(f'cumsum_dim{dim}', 'cumsum', {'dim': dim}, lambda r: [g.randn(r, (2, 3, 4))], lambda x, d=dim: torch.cumsum(x, d))
        f.add(f'cumprod_dim{dim}', 'cumprod', {'dim': dim}, lambda r: [g.uniform(r, (2, 3, 4), -1.5, 1.5)],
              lambda x, d=dim: torch.cumprod(x, d))
        f.add(f'logcumsumexp_dim{dim}', 'logcumsumexp', {'dim': dim}, lambda r: [g.randn(r, (2, 3, 4), 2.0)],
              lambda x, d=dim: torch.logcumsumexp(x, d))
    # cumprod's gradient with zeros: exact, no 0/0 (one zero, two zeros, a zero first).
    f.add('cumprod_zeros', 'cumprod', {'dim': 1},
          lambda r: [g.const([[0.5, 0.0, 1.5, 2.0], [1.2, -0.7, 0.0, 0.0], [0.0, 2.0, 3.0, -1.0]])],
          lambda x: torch.cumprod(x, 1))
    f.add('cumsum_int32', 'cumsum', {'dim': 1}, lambda r: [g.ints(r, (3, 4), -5, 6)], lambda x: torch.cumsum(x, 1))
    f.add('cumprod_int32', 'cumprod', {'dim': 0}, lambda r: [g.ints(r, (3, 4), -3, 4)], lambda x: torch.cumprod(x, 0))
    f.add('cumsum_bool', 'cumsum', {'dim': 0}, lambda r: [g.bools(r, (6,))], lambda x: torch.cumsum(x, 0))
    f.add('logcumsumexp_inf', 'logcumsumexp', {'dim': 0}, lambda r: [g.const([-inf, 1000.0, -inf, 1000.0, 2.0], grad=False)],
          lambda x: torch.logcumsumexp(x, 0))
    f.add('cumsum_scalar', 'cumsum', {'dim': 0}, lambda r: [g.const(1.5)], lambda x: torch.cumsum(x, 0))

    # Sorts: always stable in Tensile, so compare with stable=True.
    special = [[3.0, 1.0, 3.0, nan, -0.0, 0.0], [2.0, -inf, inf, 2.0, 1.0, 2.0], [-1.0, nan, 4.0, nan, 0.0, -2.0]]
    for desc in (False, True):
        for part in ('values', 'indices'):
            label = f'sort_{"desc" if desc else "asc"}_{part}'
            f.add(f'{label}_dim1', 'sort', {'dim': 1, 'descending': desc, 'output': part},
                  lambda r: [g.distinct(r, (3, 5))],
                  lambda x, d=desc, p=part: getattr(torch.sort(x, dim=1, descending=d, stable=True), p))
            f.add(f'{label}_dim0', 'sort', {'dim': 0, 'descending': desc, 'output': part},
                  lambda r: [g.distinct(r, (4, 3))],
                  lambda x, d=desc, p=part: getattr(torch.sort(x, dim=0, descending=d, stable=True), p))
            f.add(f'{label}_ties_nan', 'sort', {'dim': -1, 'descending': desc, 'output': part},
                  lambda r: [g.const(special, grad=False)],
                  lambda x, d=desc, p=part: getattr(torch.sort(x, dim=-1, descending=d, stable=True), p))
        f.add(f'argsort_{"desc" if desc else "asc"}', 'argsort', {'dim': 1, 'descending': desc},
              lambda r: [g.const(special, grad=False)], lambda x, d=desc: torch.sort(x, dim=1, descending=d, stable=True).indices)
    f.add('sort_int32_values', 'sort', {'dim': 1, 'descending': False, 'output': 'values'}, lambda r: [g.ints(r, (3, 6), -3, 4)],
          lambda x: torch.sort(x, dim=1, stable=True).values)
    f.add('sort_int32_indices', 'sort', {'dim': 1, 'descending': True, 'output': 'indices'}, lambda r: [g.ints(r, (3, 6), -3, 4)],
          lambda x: torch.sort(x, dim=1, descending=True, stable=True).indices)

    # Selections (distinct values: PyTorch leaves the index among ties unspecified for these).
    for part in ('values', 'indices'):
        f.add(f'topk_largest_{part}', 'topk', {'k': 3, 'dim': 1, 'largest': True, 'output': part},
              lambda r: [g.distinct(r, (3, 6))], lambda x, p=part: getattr(torch.topk(x, 3, 1), p))
        f.add(f'topk_smallest_dim0_{part}', 'topk', {'k': 2, 'dim': 0, 'largest': False, 'output': part},
              lambda r: [g.distinct(r, (5, 3))], lambda x, p=part: getattr(torch.topk(x, 2, 0, largest=False), p))
        f.add(f'kthvalue_{part}', 'kthvalue', {'k': 2, 'dim': -1, 'keepdim': False, 'output': part},
              lambda r: [g.distinct(r, (3, 5))], lambda x, p=part: getattr(torch.kthvalue(x, 2, -1), p))
        f.add(f'kthvalue_keepdim_{part}', 'kthvalue', {'k': 4, 'dim': 0, 'keepdim': True, 'output': part},
              lambda r: [g.distinct(r, (4, 3))], lambda x, p=part: getattr(torch.kthvalue(x, 4, 0, keepdim=True), p))
        f.add(f'median_even_{part}', 'median', {'dim': 1, 'keepdim': False, 'output': part},
              lambda r: [g.distinct(r, (3, 6))], lambda x, p=part: getattr(torch.median(x, 1), p))
        f.add(f'median_odd_keepdim_{part}', 'median', {'dim': 0, 'keepdim': True, 'output': part},
              lambda r: [g.distinct(r, (5, 2))], lambda x, p=part: getattr(torch.median(x, 0, keepdim=True), p))
        f.add(f'median_nan_{part}', 'median', {'dim': 1, 'keepdim': False, 'output': part},
              lambda r: [g.const([[1.0, nan, 2.0, nan], [4.0, 1.0, 2.0, 3.0]], grad=False)],
              lambda x, p=part: getattr(torch.median(x, 1), p))
        f.add(f'nanmedian_{part}', 'nanmedian', {'dim': 1, 'keepdim': False, 'output': part},
              lambda r: [g.const([[1.0, nan, 2.0, nan], [4.0, 1.0, 2.0, 3.0], [nan, 5.0, nan, nan]], grad=False)],
              lambda x, p=part: getattr(torch.nanmedian(x, 1), p))
        f.add(f'max_dim_{part}', 'maxDim', {'dim': 1, 'keepdim': False, 'output': part},
              lambda r: [g.distinct(r, (3, 4))], lambda x, p=part: getattr(torch.max(x, 1), p))
        f.add(f'min_dim_keepdim_{part}', 'minDim', {'dim': 0, 'keepdim': True, 'output': part},
              lambda r: [g.distinct(r, (3, 4))], lambda x, p=part: getattr(torch.min(x, 0, keepdim=True), p))
        # Ties: the first index; its gradient goes to that index alone.
        f.add(f'max_dim_ties_{part}', 'maxDim', {'dim': 1, 'keepdim': False, 'output': part},
              lambda r: [g.const([[1.0, 3.0, 3.0, 2.0], [-1.0, -1.0, -1.0, -2.0]])], lambda x, p=part: getattr(torch.max(x, 1), p))
    f.add('median_all', 'median', {}, lambda r: [g.distinct(r, (3, 4))], lambda x: torch.median(x))
    f.add('nanmedian_all', 'nanmedian', {}, lambda r: [g.const([3.0, nan, 1.0, 2.0, nan], grad=False)], lambda x: torch.nanmedian(x))

    # amax/amin: ties share the gradient evenly; several dims.
    f.add('amax_ties', 'amax', {'axis': 1, 'keepdims': False}, lambda r: [g.const([[1.0, 3.0, 3.0, 2.0], [-1.0, -1.0, -1.0, -2.0]])],
          lambda x: torch.amax(x, 1))
    f.add('amin_dims', 'amin', {'axis': [0, 2], 'keepdims': True}, lambda r: [g.distinct(r, (2, 3, 2))],
          lambda x: torch.amin(x, (0, 2), keepdim=True))

    # any/all/count_nonzero: bool and int32 results.
    f.add('any_dim', 'any', {'axis': 1, 'keepdims': False}, lambda r: [g.const([[0.0, 0.0, 1.5], [0.0, 0.0, 0.0]], grad=False)],
          lambda x: torch.any(x, 1))
    f.add('all_dim_keepdim', 'all', {'axis': 0, 'keepdims': True}, lambda r: [g.const([[1.0, 0.0, 2.0], [3.0, 4.0, -1.0]], grad=False)],
          lambda x: torch.all(x, 0, keepdim=True))
    f.add('any_int32', 'any', {}, lambda r: [g.ints(r, (3, 4), 0, 2)], lambda x: torch.any(x))
    f.add('count_nonzero_dims', 'countNonzero', {'axis': [0, 1], 'keepdims': False},
          lambda r: [g.ints(r, (3, 4, 2), -1, 2)], lambda x: torch.count_nonzero(x, (0, 1)))

    # Norms (torch.linalg.vector_norm is what torch.norm(x, p, dim) computes for a number p).
    for p in (2, 1, 3, 0.5, inf, -inf, 0):
        label = {inf: 'inf', -inf: 'neginf'}.get(p, str(p).replace('.', '_'))
        f.add(f'norm_p{label}_dim1', 'norm', {'p': p if np.isfinite(p) else ('Infinity' if p > 0 else '-Infinity'), 'dim': 1,
                                              'keepdim': False},
              lambda r: [g.distinct(r, (3, 4))], lambda x, p=p: torch.linalg.vector_norm(x, p, 1))
    f.add('norm_fro', 'norm', {'p': 'fro'}, lambda r: [g.randn(r, (3, 4))], lambda x: torch.norm(x))
    f.add('norm_p2_dims_keepdim', 'norm', {'p': 2, 'dim': [0, 2], 'keepdim': True}, lambda r: [g.randn(r, (2, 3, 2))],
          lambda x: torch.linalg.vector_norm(x, 2, (0, 2), keepdim=True))
    # At 0 the 2-norm's gradient is 0 (PyTorch masks it), not NaN.
    f.add('norm_at_zero', 'norm', {'p': 2, 'dim': 1, 'keepdim': False}, lambda r: [g.const([[0.0, 0.0, 0.0], [3.0, 0.0, -4.0]])],
          lambda x: torch.linalg.vector_norm(x, 2, 1))
    f.add('norm_inf_ties', 'norm', {'p': 'Infinity', 'dim': 1, 'keepdim': False}, lambda r: [g.const([[1.0, -3.0, 3.0], [2.0, 0.5, -1.0]])],
          lambda x: torch.linalg.vector_norm(x, inf, 1))
    return f
