"""The conv_ext and pool_ext fixture families of gen_torch_fixtures.py.

Conv1d/3d, transposed conv, fold/unfold, padding modes, interpolate and pixel
shuffle (conv_ext); pooling options, adaptive max pooling, max-unpooling and
power pooling (pool_ext). gen_torch_fixtures.py imports this module and passes
itself as `g` (Family, the input generators), so the cases follow the same
seeding and format rules as every other family.
"""

import numpy as np
import torch
import torch.nn.functional as F


def families(g):
    return [lambda: conv_ext(g), lambda: pool_ext(g)]


def conv_ext(g):
    f = g.Family('conv_ext')

    def conv(label, op, args, xs, ws, bias, fn):
        def inputs(r):
            return [g.randn(r, xs), g.randn(r, ws, 0.5)] + ([g.randn(r, (bias,))] if bias else [])
        f.add(label, op, args, inputs, fn)

    # conv1d: weight [out, in/groups, k].
    conv('conv1d_basic', 'conv1d', {}, (2, 3, 7), (4, 3, 3), 4, lambda x, w, b: F.conv1d(x, w, b))
    conv('conv1d_stride2_pad1', 'conv1d', {'stride': 2, 'padding': 1}, (1, 2, 8), (3, 2, 3), 0,
         lambda x, w: F.conv1d(x, w, stride=2, padding=1))
    conv('conv1d_dilation2_groups2', 'conv1d', {'dilation': 2, 'groups': 2, 'padding': 2}, (2, 4, 7), (6, 2, 3), 6,
         lambda x, w, b: F.conv1d(x, w, b, padding=2, dilation=2, groups=2))
    conv('conv1d_same_even_kernel', 'conv1d', {'padding': 'same'}, (1, 2, 6), (3, 2, 4), 0,
         lambda x, w: F.conv1d(x, w, padding='same'))
    conv('conv1d_valid', 'conv1d', {'padding': 'valid'}, (1, 2, 5), (2, 2, 2), 0,
         lambda x, w: F.conv1d(x, w, padding='valid'))
    conv('conv1d_unbatched', 'conv1d', {'padding': 1}, (3, 5), (2, 3, 3), 2, lambda x, w, b: F.conv1d(x, w, b, padding=1))

    # conv3d: weight [out, in/groups, kd, kh, kw].
    conv('conv3d_basic_bias', 'conv3d', {}, (2, 2, 4, 4, 3), (3, 2, 2, 3, 2), 3, lambda x, w, b: F.conv3d(x, w, b))
    conv('conv3d_stride_pad', 'conv3d', {'stride': [2, 1, 2], 'padding': [1, 0, 1]}, (1, 2, 5, 4, 5), (2, 2, 3, 2, 3), 0,
         lambda x, w: F.conv3d(x, w, stride=(2, 1, 2), padding=(1, 0, 1)))
    conv('conv3d_dilation_groups', 'conv3d', {'dilation': [2, 1, 1], 'groups': 2, 'padding': 1}, (1, 4, 5, 3, 3),
         (4, 2, 2, 2, 2), 4, lambda x, w, b: F.conv3d(x, w, b, padding=1, dilation=(2, 1, 1), groups=2))
    conv('conv3d_same', 'conv3d', {'padding': 'same'}, (1, 1, 4, 4, 4), (2, 1, 2, 3, 2), 0,
         lambda x, w: F.conv3d(x, w, padding='same'))
    conv('conv3d_unbatched', 'conv3d', {'stride': 2}, (2, 4, 3, 5), (1, 2, 2, 2, 3), 1,
         lambda x, w, b: F.conv3d(x, w, b, stride=2))

    # Transposed: weight [in, out/groups, k…].
    conv('convTranspose1d_basic', 'convTranspose1d', {}, (2, 3, 5), (3, 2, 3), 2, lambda x, w, b: F.conv_transpose1d(x, w, b))
    conv('convTranspose1d_stride_pad_outpad', 'convTranspose1d', {'stride': 2, 'padding': 1, 'outputPadding': 1},
         (1, 2, 4), (2, 3, 3), 0, lambda x, w: F.conv_transpose1d(x, w, stride=2, padding=1, output_padding=1))
    conv('convTranspose1d_groups_dilation', 'convTranspose1d', {'groups': 2, 'dilation': 2, 'stride': 3},
         (1, 4, 3), (4, 1, 2), 2, lambda x, w, b: F.conv_transpose1d(x, w, b, stride=3, groups=2, dilation=2))
    conv('convTranspose1d_unbatched', 'convTranspose1d', {'stride': 2}, (2, 3), (2, 1, 2), 0,
         lambda x, w: F.conv_transpose1d(x, w, stride=2))
    conv('convTranspose2d_basic', 'convTranspose2d', {}, (2, 3, 3, 4), (3, 2, 2, 3), 2,
         lambda x, w, b: F.conv_transpose2d(x, w, b))
    conv('convTranspose2d_unet_up', 'convTranspose2d', {'stride': 2}, (1, 4, 3, 3), (4, 2, 2, 2), 2,
         lambda x, w, b: F.conv_transpose2d(x, w, b, stride=2))
    conv('convTranspose2d_stride_pad_outpad', 'convTranspose2d', {'stride': [2, 3], 'padding': [1, 0], 'outputPadding': [1, 2]},
         (1, 2, 3, 3), (2, 3, 3, 3), 0,
         lambda x, w: F.conv_transpose2d(x, w, stride=(2, 3), padding=(1, 0), output_padding=(1, 2)))
    conv('convTranspose2d_groups', 'convTranspose2d', {'groups': 2, 'padding': 1}, (2, 4, 3, 3), (4, 3, 3, 3), 6,
         lambda x, w, b: F.conv_transpose2d(x, w, b, padding=1, groups=2))
    # outputPadding below the dilation (not the stride) is allowed too.
    conv('convTranspose2d_dilation_outpad', 'convTranspose2d', {'dilation': 3, 'outputPadding': 2}, (1, 2, 3, 2),
         (2, 2, 2, 2), 0, lambda x, w: F.conv_transpose2d(x, w, dilation=3, output_padding=2))
    conv('convTranspose2d_unbatched', 'convTranspose2d', {'stride': 2, 'padding': 1}, (2, 3, 3), (2, 1, 3, 3), 1,
         lambda x, w, b: F.conv_transpose2d(x, w, b, stride=2, padding=1))

    # fold / unfold (col2im / im2col).
    f.add('fold_basic', 'fold', {'outputSize': [4, 5], 'kernelSize': [2, 3]}, lambda r: [g.randn(r, (2, 12, 9))],
          lambda x: F.fold(x, (4, 5), (2, 3)))
    f.add('fold_stride_pad_dilation', 'fold',
          {'outputSize': [5, 5], 'kernelSize': 2, 'stride': 2, 'padding': 1, 'dilation': [1, 2]},
          lambda r: [g.randn(r, (1, 8, 9))], lambda x: F.fold(x, (5, 5), 2, dilation=(1, 2), padding=1, stride=2))
    f.add('fold_unbatched', 'fold', {'outputSize': [3, 3], 'kernelSize': 2}, lambda r: [g.randn(r, (8, 4))],
          lambda x: F.fold(x, (3, 3), 2))
    f.add('unfold_unbatched', 'unfold', {'kernelSize': [2, 3], 'stride': [1, 2], 'padding': 1},
          lambda r: [g.randn(r, (2, 3, 4))], lambda x: F.unfold(x, (2, 3), padding=1, stride=(1, 2)))

    # Padding modes: PyTorch's flat list, last axis first.
    pads = [
        ('pad_reflect_1d', (2, 3, 5), [2, 3], 'reflect'),
        ('pad_reflect_2d', (1, 2, 4, 5), [1, 2, 3, 1], 'reflect'),
        ('pad_replicate_2d', (1, 2, 3, 4), [2, 0, 1, 3], 'replicate'),
        ('pad_replicate_3d', (1, 1, 2, 3, 2), [1, 1, 0, 2, 2, 1], 'replicate'),
        ('pad_circular_2d', (1, 2, 3, 4), [1, 2, 3, 0], 'circular'),
        ('pad_circular_full_wrap', (2, 2, 3), [3, 3], 'circular'),
        ('pad_reflect_unbatched', (2, 4), [3, 1], 'reflect'),
        ('pad_reflect_crop', (1, 2, 5), [-1, 2], 'reflect'),
    ]
    for label, xs, p, mode in pads:
        f.add(label, 'padMode', {'pads': p, 'mode': mode}, (lambda xs: lambda r: [g.randn(r, xs)])(xs),
              (lambda p, mode: lambda x: F.pad(x, p, mode=mode))(p, mode))
    f.add('pad_constant_flat', 'padMode', {'pads': [1, 0, 2, 1], 'mode': 'constant', 'value': 0.5},
          lambda r: [g.randn(r, (2, 3, 2))], lambda x: F.pad(x, [1, 0, 2, 1], value=0.5))

    # interpolate: PyTorch's coordinate rules, with sizes and with scale factors.
    interp = [
        ('nearest_scale2', (1, 2, 3, 4), {'scaleFactor': 2}),
        ('nearest_size_odd', (1, 2, 4, 3), {'size': [7, 5]}),
        ('nearest_down', (1, 1, 7, 6), {'size': [3, 4]}),
        ('nearest_scale_1_7', (1, 1, 5, 4), {'scaleFactor': [1.7, 0.6]}),
        ('nearest_exact', (1, 2, 4, 3), {'size': [7, 5], 'mode': 'nearest-exact'}),
        ('nearest_1d', (2, 2, 5), {'size': 8}),
        ('nearest_3d', (1, 1, 2, 3, 2), {'scaleFactor': [2, 1.5, 1]}),
        ('linear_half_pixel', (2, 2, 4), {'size': 7, 'mode': 'linear'}),
        ('linear_align_corners', (1, 2, 4), {'size': 7, 'mode': 'linear', 'alignCorners': True}),
        ('linear_down', (1, 1, 9), {'size': 4, 'mode': 'linear'}),
        ('bilinear_half_pixel', (1, 2, 3, 4), {'size': [5, 7], 'mode': 'bilinear'}),
        ('bilinear_align_corners', (1, 2, 3, 4), {'size': [5, 7], 'mode': 'bilinear', 'alignCorners': True}),
        ('bilinear_scale_1_5', (1, 1, 4, 5), {'scaleFactor': 1.5, 'mode': 'bilinear'}),
        ('bilinear_scale_1_5_recompute', (1, 1, 4, 5), {'scaleFactor': 1.5, 'mode': 'bilinear',
                                                        'recomputeScaleFactor': True}),
        ('bilinear_down', (1, 1, 7, 8), {'size': [3, 3], 'mode': 'bilinear'}),
        ('bicubic_half_pixel', (1, 2, 4, 4), {'size': [6, 7], 'mode': 'bicubic'}),
        ('bicubic_align_corners', (1, 1, 4, 5), {'size': [7, 3], 'mode': 'bicubic', 'alignCorners': True}),
        ('trilinear', (1, 1, 2, 3, 3), {'size': [3, 4, 5], 'mode': 'trilinear'}),
        ('area_2d', (1, 2, 7, 5), {'size': [3, 2], 'mode': 'area'}),
        ('area_1d_scale', (1, 2, 9), {'scaleFactor': 0.5, 'mode': 'area'}),
        ('area_3d', (1, 2, 5, 4, 6), {'size': [2, 3, 4], 'mode': 'area'}),
        ('nearest_exact_1d_down', (1, 2, 7), {'scaleFactor': 0.45, 'mode': 'nearest-exact'}),
        ('trilinear_align_corners_scale', (1, 1, 2, 2, 3), {'scaleFactor': [1.5, 2, 1.3], 'mode': 'trilinear',
                                                           'alignCorners': True}),
    ]
    for label, xs, args in interp:
        def fn(x, a=args):
            return F.interpolate(x, size=a.get('size'), scale_factor=a.get('scaleFactor'), mode=a.get('mode', 'nearest'),
                                 align_corners=a.get('alignCorners'), recompute_scale_factor=a.get('recomputeScaleFactor'))
        f.add('interpolate_' + label, 'interpolate', args, (lambda xs: lambda r: [g.randn(r, xs)])(xs), fn)

    f.add('pixel_shuffle', 'pixelShuffle', {'upscaleFactor': 2}, lambda r: [g.randn(r, (2, 8, 2, 3))],
          lambda x: F.pixel_shuffle(x, 2))
    f.add('pixel_shuffle_batch_dims', 'pixelShuffle', {'upscaleFactor': 3}, lambda r: [g.randn(r, (2, 1, 9, 1, 2))],
          lambda x: F.pixel_shuffle(x, 3))
    f.add('pixel_unshuffle', 'pixelUnshuffle', {'downscaleFactor': 2}, lambda r: [g.randn(r, (1, 2, 4, 6))],
          lambda x: F.pixel_unshuffle(x, 2))
    return f


def pool_ext(g):
    f = g.Family('pool_ext')
    dist = lambda xs: lambda r: [g.distinct(r, xs)]
    nan = float('nan')

    # max pooling: ceilMode (a last window starting in the input, or in the padding), dilation, 1-D.
    maxp = [
        ('max2d_ceil', 'maxPool2d', {'kernelSize': 3, 'stride': 2, 'ceilMode': True}, (1, 2, 6, 6)),
        ('max2d_ceil_pad', 'maxPool2d', {'kernelSize': 2, 'stride': 2, 'padding': 1, 'ceilMode': True}, (1, 1, 5, 6)),
        ('max2d_ceil_dilation', 'maxPool2d', {'kernelSize': 2, 'stride': [2, 3], 'dilation': 2, 'ceilMode': True},
         (1, 2, 7, 8)),
        ('max1d_basic', 'maxPool1d', {'kernelSize': 2}, (2, 3, 8)),
        ('max1d_ceil_pad_dilation', 'maxPool1d', {'kernelSize': 3, 'stride': 2, 'padding': 1, 'dilation': 2,
                                                  'ceilMode': True}, (1, 2, 9)),
        ('max1d_unbatched', 'maxPool1d', {'kernelSize': 3, 'stride': 1}, (2, 6)),
    ]
    for label, op, args, xs in maxp:
        fn = (lambda op, a: lambda x: torch_max(op, x, a))(op, args)
        f.add(label, op, args, dist(xs), fn)
        # The same pool's indices (flat per plane, int32 here, int64 in PyTorch).
        fi = (lambda op, a: lambda x: torch_max(op, x, a, True))(op, args)
        f.add(label + '_indices', op + 'Indices', dict(args, returnIndices=True), dist(xs), fi)

    # Ties go to the first index; NaN propagates (one per window: PyTorch keeps the last NaN, argmax the first).
    ties = np.array([[[[1.0, 1.0, 0.5, 2.0], [1.0, 0.0, 2.0, 2.0], [3.0, 3.0, -1.0, -1.0], [3.0, 3.0, -1.0, -1.0]]]])
    f.add('max2d_ties_indices', 'maxPool2dIndices', {'kernelSize': 2, 'returnIndices': True},
          lambda r: [g.const(ties)], lambda x: F.max_pool2d(x, 2, return_indices=True)[1])
    f.add('max2d_ties', 'maxPool2d', {'kernelSize': 2}, lambda r: [g.const(ties)], lambda x: F.max_pool2d(x, 2))
    withnan = np.array([[[1.0, nan, 3.0, 0.5, -2.0, nan]]])
    f.add('max1d_nan', 'maxPool1d', {'kernelSize': 2}, lambda r: [g.const(withnan, grad=False)],
          lambda x: F.max_pool1d(x, 2))
    f.add('max1d_nan_indices', 'maxPool1dIndices', {'kernelSize': 2, 'returnIndices': True},
          lambda r: [g.const(withnan, grad=False)], lambda x: F.max_pool1d(x, 2, return_indices=True)[1])
    f.add('max2d_empty_batch', 'maxPool2d', {'kernelSize': 2}, lambda r: [g.const(np.zeros((0, 2, 4, 4)))],
          lambda x: F.max_pool2d(x, 2))

    # average pooling: ceilMode (windows past the padding are not counted), countIncludePad, divisorOverride.
    avgp = [
        ('avg2d_ceil_include_pad', 'avgPool2d', {'kernelSize': 3, 'stride': 2, 'padding': 1, 'ceilMode': True},
         (1, 2, 6, 6)),
        ('avg2d_ceil_exclude_pad', 'avgPool2d', {'kernelSize': 3, 'stride': 2, 'padding': 1, 'ceilMode': True,
                                                 'countIncludePad': False}, (1, 2, 6, 7)),
        ('avg2d_ceil_no_pad', 'avgPool2d', {'kernelSize': 2, 'stride': 2, 'ceilMode': True}, (1, 1, 5, 5)),
        ('avg2d_divisor_override', 'avgPool2d', {'kernelSize': 2, 'stride': 1, 'padding': 1, 'divisorOverride': 3},
         (1, 2, 3, 4)),
        ('avg1d_basic', 'avgPool1d', {'kernelSize': 3, 'stride': 2}, (2, 2, 7)),
        ('avg1d_ceil_exclude_pad', 'avgPool1d', {'kernelSize': 2, 'stride': 2, 'padding': 1, 'ceilMode': True,
                                                 'countIncludePad': False}, (1, 2, 6)),
        ('avg1d_unbatched', 'avgPool1d', {'kernelSize': 2}, (3, 5)),
    ]
    for label, op, args, xs in avgp:
        f.add(label, op, args, (lambda xs: lambda r: [g.randn(r, xs)])(xs), (lambda op, a: lambda x: torch_avg(op, x, a))(op, args))

    f.add('lp2d_p2', 'lpPool2d', {'normType': 2, 'kernelSize': 2}, lambda r: [g.uniform(r, (1, 2, 4, 5), 0.2, 2)],
          lambda x: F.lp_pool2d(x, 2, 2))
    f.add('lp2d_p3_stride_ceil', 'lpPool2d', {'normType': 3, 'kernelSize': [2, 3], 'stride': 2, 'ceilMode': True},
          lambda r: [g.uniform(r, (1, 1, 5, 6), 0.2, 2)], lambda x: F.lp_pool2d(x, 3, (2, 3), 2, ceil_mode=True))
    f.add('lp1d_p2', 'lpPool1d', {'normType': 2, 'kernelSize': 3, 'stride': 2}, lambda r: [g.uniform(r, (2, 2, 7), 0.2, 2)],
          lambda x: F.lp_pool1d(x, 2, 3, 2))

    # adaptive pooling, windows [floor(i n / out), ceil((i + 1) n / out)).
    f.add('adaptive_max2d', 'adaptiveMaxPool2d', {'outputSize': [3, 2]}, dist((2, 2, 7, 5)),
          lambda x: F.adaptive_max_pool2d(x, (3, 2)))
    f.add('adaptive_max2d_indices', 'adaptiveMaxPool2dIndices', {'outputSize': [3, 2], 'returnIndices': True},
          dist((2, 2, 7, 5)), lambda x: F.adaptive_max_pool2d(x, (3, 2), return_indices=True)[1])
    f.add('adaptive_max2d_none_up', 'adaptiveMaxPool2d', {'outputSize': [None, 6]}, dist((1, 2, 3, 4)),
          lambda x: F.adaptive_max_pool2d(x, (None, 6)))
    f.add('adaptive_max1d', 'adaptiveMaxPool1d', {'outputSize': 3}, dist((2, 2, 8)), lambda x: F.adaptive_max_pool1d(x, 3))
    f.add('adaptive_max1d_indices_unbatched', 'adaptiveMaxPool1dIndices', {'outputSize': 4, 'returnIndices': True},
          dist((3, 7)), lambda x: F.adaptive_max_pool1d(x, 4, return_indices=True)[1])
    f.add('adaptive_avg1d', 'adaptiveAvgPool1d', {'outputSize': 3}, lambda r: [g.randn(r, (2, 2, 7))],
          lambda x: F.adaptive_avg_pool1d(x, 3))
    f.add('adaptive_avg2d', 'adaptiveAvgPool2d', {'outputSize': [2, 3]}, lambda r: [g.randn(r, (1, 2, 5, 7))],
          lambda x: F.adaptive_avg_pool2d(x, (2, 3)))

    # 3-D pooling: a 2-D pool per depth plane, then over the window's depth.
    f.add('max3d_ceil_pad', 'maxPool3d', {'kernelSize': [2, 3, 2], 'stride': 2, 'padding': [1, 1, 0], 'ceilMode': True},
          dist((1, 2, 4, 5, 5)), lambda x: F.max_pool3d(x, (2, 3, 2), 2, (1, 1, 0), ceil_mode=True))
    f.add('max3d_dilation_indices', 'maxPool3dIndices', {'kernelSize': 2, 'stride': 1, 'dilation': [2, 1, 1], 'returnIndices': True},
          dist((2, 1, 4, 3, 3)), lambda x: F.max_pool3d(x, 2, 1, 0, (2, 1, 1), return_indices=True)[1])
    f.add('max3d_unbatched', 'maxPool3d', {'kernelSize': 2}, dist((2, 4, 4, 2)), lambda x: F.max_pool3d(x, 2))
    f.add('avg3d_ceil_exclude_pad', 'avgPool3d', {'kernelSize': 3, 'stride': 2, 'padding': 1, 'ceilMode': True,
                                                  'countIncludePad': False}, lambda r: [g.randn(r, (1, 2, 4, 5, 6))],
          lambda x: F.avg_pool3d(x, 3, 2, 1, ceil_mode=True, count_include_pad=False))
    f.add('avg3d_include_pad_divisor', 'avgPool3d', {'kernelSize': [2, 2, 3], 'padding': [1, 0, 1], 'divisorOverride': 5},
          lambda r: [g.randn(r, (1, 1, 3, 4, 5))], lambda x: F.avg_pool3d(x, (2, 2, 3), None, (1, 0, 1), divisor_override=5))

    # max-unpooling of a pool's own output and indices (the overlapping pool repeats some indices).
    def unpool_inputs(pool, xs):
        def make(r):
            x = torch.tensor(g.distinct(r, xs).array)
            y, idx = pool(x)
            return [g.Inp(y.numpy()), g.Inp(idx.numpy(), 'int32', grad=False)]
        return make
    f.add('unpool2d', 'maxUnpool2d', {'kernelSize': 2}, unpool_inputs(lambda x: F.max_pool2d(x, 2, return_indices=True), (1, 2, 4, 6)),
          lambda y, i: F.max_unpool2d(y, i, 2))
    f.add('unpool2d_output_size', 'maxUnpool2d', {'kernelSize': 2, 'stride': 2, 'outputSize': [5, 7]},
          unpool_inputs(lambda x: F.max_pool2d(x, 2, return_indices=True), (1, 1, 5, 7)),
          lambda y, i: F.max_unpool2d(y, i, 2, 2, output_size=(5, 7)))
    f.add('unpool2d_overlapping', 'maxUnpool2d', {'kernelSize': 3, 'stride': 2, 'padding': 1},
          unpool_inputs(lambda x: F.max_pool2d(x, 3, 2, 1, return_indices=True), (1, 1, 5, 5)),
          lambda y, i: F.max_unpool2d(y, i, 3, 2, 1))
    f.add('unpool1d', 'maxUnpool1d', {'kernelSize': 2, 'stride': 2}, unpool_inputs(lambda x: F.max_pool1d(x, 2, return_indices=True), (2, 2, 6)),
          lambda y, i: F.max_unpool1d(y, i, 2))
    return f


def torch_max(op, x, a, indices=False):
    fn = F.max_pool1d if op == 'maxPool1d' else F.max_pool2d
    out = fn(x, a['kernelSize'], a.get('stride'), a.get('padding', 0), a.get('dilation', 1), a.get('ceilMode', False),
             return_indices=indices)
    return out[1] if indices else out


def torch_avg(op, x, a):
    if op == 'avgPool1d':
        return F.avg_pool1d(x, a['kernelSize'], a.get('stride'), a.get('padding', 0), a.get('ceilMode', False),
                            a.get('countIncludePad', True))
    return F.avg_pool2d(x, a['kernelSize'], a.get('stride'), a.get('padding', 0), a.get('ceilMode', False),
                        a.get('countIncludePad', True), a.get('divisorOverride'))
