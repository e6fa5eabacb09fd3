"""The scatter fixture family of gen_torch_fixtures.py.

torch.scatter (tensor and value), scatter_add, scatter_reduce (sum, prod,
mean, amax, amin, with and without include_self; amax ties share the
gradient; prod through a zero; int mean rounds down), index_put (negative
indices, broadcast values, accumulate with repeats), index_copy, index_add
(alpha), index_fill, take_along_dim, masked_fill (number, 0-d tensor value, broadcast
mask), masked_select, masked_scatter, nonzero (also as_tuple) and argwhere. Indices never
repeat where PyTorch leaves the result undefined (scatter, index_put and
index_copy without accumulate). Ops returning a tuple are recorded once per
part, args.output naming it. gen_torch_fixtures.py imports this module and
passes itself as `g`, so the cases follow the same seeding and format rules
as every other family.
"""

import torch


def families(g):
    return [lambda: scatter(g)]


def scatter(g):
    f = g.Family('scatter')
    rows = [[1, 3], [0, 2], [2, 0]]
    repeats = [[0, 0], [3, 1], [2, 2]]

    f.add('scatter_dim1_src_larger', 'scatter', {'dim': 1},
          lambda r: [g.randn(r, (3, 4)), g.index(rows), g.randn(r, (3, 3))],
          lambda x, i, s: torch.scatter(x, 1, i, s[:, :2]))  # 1.13's backward cannot take a larger src
    f.add('scatter_dim0_index_smaller', 'scatter', {'dim': 0},
          lambda r: [g.randn(r, (3, 4)), g.index([[2, 0], [1, 2]]), g.randn(r, (2, 2))],
          lambda x, i, s: torch.scatter(x, 0, i, s))
    f.add('scatter_value', 'scatter', {'dim': -1, 'value': 0.5},
          lambda r: [g.randn(r, (3, 4)), g.index(rows)], lambda x, i: torch.scatter(x, -1, i, 0.5))
    f.add('scatter_int32', 'scatter', {'dim': 0},
          lambda r: [g.ints(r, (2, 3), -9, 10), g.index([[1, 0, 1]]), g.ints(r, (1, 3), -9, 10)],
          lambda x, i, s: torch.scatter(x, 0, i, s))
    f.add('scatterAdd_repeats', 'scatterAdd', {'dim': 1},
          lambda r: [g.randn(r, (3, 4)), g.index(repeats), g.randn(r, (3, 2))],
          lambda x, i, s: torch.scatter_add(x, 1, i, s))
    f.add('scatterAdd_3d_dim0', 'scatterAdd', {'dim': 0},
          lambda r: [g.randn(r, (2, 2, 3)), g.index([[[1, 1, 0], [0, 1, 1]]]), g.randn(r, (1, 2, 3))],
          lambda x, i, s: torch.scatter_add(x, 0, i, s))

    for reduce in ('sum', 'prod', 'mean', 'amax', 'amin'):
        for include_self in (True, False):
            f.add(f'scatterReduce_{reduce}_self{int(include_self)}', 'scatterReduce',
                  {'dim': 1, 'reduce': reduce, 'includeSelf': include_self},
                  lambda r: [g.distinct(r, (3, 4)), g.index(repeats), g.distinct(r, (3, 2))],
                  lambda x, i, s, red=reduce, inc=include_self: x.scatter_reduce(1, i, s, red, include_self=inc))
    f.add('scatterReduce_amax_ties', 'scatterReduce', {'dim': 0, 'reduce': 'amax', 'includeSelf': True},
          lambda r: [g.const([1.0, 2.0, 3.0]), g.index([2, 2, 0]), g.const([3.0, 3.0, -1.0])],
          lambda x, i, s: x.scatter_reduce(0, i, s, 'amax', include_self=True))
    f.add('scatterReduce_prod_zero', 'scatterReduce', {'dim': 0, 'reduce': 'prod', 'includeSelf': True},
          lambda r: [g.const([1.5, 0.0, -2.0]), g.index([0, 0, 1, 2]), g.const([0.0, 0.75, 2.0, -1.25])],
          lambda x, i, s: x.scatter_reduce(0, i, s, 'prod', include_self=True))
    f.add('scatterReduce_mean_int32', 'scatterReduce', {'dim': 0, 'reduce': 'mean', 'includeSelf': True},
          lambda r: [g.ints(r, (4,), -9, 10), g.index([0, 0, 3, 0]), g.ints(r, (4,), -9, 10)],
          lambda x, i, s: x.scatter_reduce(0, i, s, 'mean', include_self=True))

    f.add('indexPut_two_axes_negative', 'indexPut', {'accumulate': False},
          lambda r: [g.randn(r, (3, 4)), g.index([0, -1, 1]), g.index([3, 0, 0]), g.randn(r, (3,))],
          lambda x, i, j, v: x.index_put((i, j), v))
    f.add('indexPut_rows_broadcast', 'indexPut', {'accumulate': False},
          lambda r: [g.randn(r, (3, 4)), g.index([2, 0]), g.randn(r, (4,))],
          lambda x, i, v: x.index_put((i,), v))
    f.add('indexPut_accumulate_repeats', 'indexPut', {'accumulate': True},
          lambda r: [g.randn(r, (3, 2)), g.index([1, 0, 1, 1]), g.randn(r, (4, 2))],
          lambda x, i, v: x.index_put((i,), v, accumulate=True))
    f.add('indexCopy_dim1', 'indexCopy', {'dim': 1},
          lambda r: [g.randn(r, (2, 4)), g.index([3, 0]), g.randn(r, (2, 2))],
          lambda x, i, s: x.index_copy(1, i, s))
    f.add('indexAdd_alpha', 'indexAdd', {'dim': 0, 'alpha': -0.5},
          lambda r: [g.randn(r, (3, 2)), g.index([2, 0, 2]), g.randn(r, (3, 2))],
          lambda x, i, s: x.index_add(0, i, s, alpha=-0.5))
    f.add('indexFill_repeats_number', 'indexFill', {'dim': 1, 'value': -0.5},
          lambda r: [g.randn(r, (2, 4)), g.index([3, 0, 3])], lambda x, i: x.index_fill(1, i, -0.5))
    f.add('indexFill_tensor_value', 'indexFill', {'dim': 0},
          lambda r: [g.randn(r, (3, 2)), g.index([1, 2]), g.const(1.25)], lambda x, i, v: x.index_fill(0, i, v))
    f.add('takeAlongDim_dim1', 'takeAlongDim', {'dim': 1},
          lambda r: [g.randn(r, (3, 4)), g.index([[3, 0]])], lambda x, i: torch.take_along_dim(x, i, 1))
    f.add('takeAlongDim_flat', 'takeAlongDim', {'dim': None},
          lambda r: [g.randn(r, (2, 3)), g.index([5, 0, 5, 2])], lambda x, i: torch.take_along_dim(x, i))

    f.add('maskedFill_number', 'maskedFill', {'value': -1.5},
          lambda r: [g.randn(r, (2, 3)), g.bools(r, (3,))], lambda x, m: x.masked_fill(m, -1.5))
    f.add('maskedFill_tensor_value', 'maskedFill', {},
          lambda r: [g.randn(r, (2, 3)), g.bools(r, (2, 1)), g.const(0.75)],
          lambda x, m, v: x.masked_fill(m, v))
    f.add('maskedFill_mask_broadcasts_x', 'maskedFill', {'value': 2},
          lambda r: [g.randn(r, (3,)), g.bools(r, (2, 3))], lambda x, m: torch.masked_fill(x, m, 2.0))
    f.add('maskedSelect_broadcast', 'maskedSelect', {},
          lambda r: [g.randn(r, (2, 3)), g.const([True, False, True], 'bool', False)],
          lambda x, m: torch.masked_select(x, m))
    f.add('maskedScatter_broadcast', 'maskedScatter', {},
          lambda r: [g.randn(r, (2, 3)), g.const([True, False, True], 'bool', False), g.randn(r, (5,))],
          lambda x, m, s: torch.masked_scatter(x, m, s))
    f.add('nonzero', 'nonzero', {},
          lambda r: [g.const([[0.0, 1.5, 0.0], [-2.0, 0.0, 3.0]], grad=False)], lambda x: torch.nonzero(x))
    for k in range(2):
        f.add(f'nonzero_as_tuple_{k}', 'nonzero', {'asTuple': True, 'output': k},
              lambda r: [g.const([[0, 4, 4], [0, 0, 1]], 'int32')],
              lambda x, k=k: torch.nonzero(x, as_tuple=True)[k])
    f.add('argwhere_bool', 'argwhere', {}, lambda r: [g.const([[True, False], [True, True]], 'bool', False)],
          lambda x: torch.argwhere(x))
    return f
