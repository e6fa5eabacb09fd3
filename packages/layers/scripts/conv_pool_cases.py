"""Fixture cases of the conv, pooling, padding and resampling layers, for gen_torch_fixtures.py.

gen_torch_fixtures.py calls register(case, single) with its own case decorator and
single-input helper, so these cases follow its seeding and format rules.
"""

import torch
import torch.nn as nn


def register(case, single):
    def layer(name, spec, build, *shape):
        case(name, spec)(lambda inp: (build(), lambda i: single(i.randn(*shape))))

    def conv_config(i, o, k, stride, padding, dilation, groups=1, bias=True, mode='zeros'):
        return {'inChannels': i, 'outChannels': o, 'kernelSize': k, 'stride': stride, 'padding': padding,
                'dilation': dilation, 'groups': groups, 'bias': bias, 'paddingMode': mode}

    # Convolutions, with PyTorch's padding modes (the input padded first, as nn.ConvNd does).
    layer('conv1d_groups_reflect', {'type': 'Conv1d', 'config': conv_config(4, 6, [3], [1], [2], [2], 2, True, 'reflect')},
          lambda: nn.Conv1d(4, 6, 3, padding=2, dilation=2, groups=2, padding_mode='reflect'), 2, 4, 7)
    layer('conv1d_same_circular', {'type': 'Conv1d', 'config': conv_config(2, 3, [4], [1], 'same', [1], 1, False, 'circular')},
          lambda: nn.Conv1d(2, 3, 4, padding='same', bias=False, padding_mode='circular'), 2, 2, 6)
    layer('conv2d_replicate', {'type': 'Conv2d', 'config': conv_config(2, 3, [3, 3], [2, 1], [1, 2], [1, 1], 1, True, 'replicate')},
          lambda: nn.Conv2d(2, 3, 3, stride=(2, 1), padding=(1, 2), padding_mode='replicate'), 1, 2, 5, 4)
    layer('conv3d_groups', {'type': 'Conv3d', 'config': conv_config(2, 4, [2, 3, 3], [1, 2, 1], [1, 1, 0], [1, 1, 1], 2)},
          lambda: nn.Conv3d(2, 4, (2, 3, 3), stride=(1, 2, 1), padding=(1, 1, 0), groups=2), 2, 2, 3, 5, 4)
    layer('conv3d_unbatched_zeros', {'type': 'Conv3d', 'config': conv_config(1, 2, [2, 2, 2], [1, 1, 1], [0, 0, 0], [1, 1, 1])},
          lambda: nn.Conv3d(1, 2, 2), 1, 3, 3, 3)

    def convt_config(i, o, k, stride, padding, output_padding, groups=1, bias=True, dilation=None):
        return {'inChannels': i, 'outChannels': o, 'kernelSize': k, 'stride': stride, 'padding': padding,
                'outputPadding': output_padding, 'groups': groups, 'bias': bias, 'dilation': dilation or [1] * len(k)}

    layer('conv_transpose2d_unet_up', {'type': 'ConvTranspose2d', 'config': convt_config(4, 2, [2, 2], [2, 2], [0, 0], [0, 0])},
          lambda: nn.ConvTranspose2d(4, 2, 2, stride=2), 2, 4, 3, 3)
    layer('conv_transpose2d_groups_outpad', {'type': 'ConvTranspose2d', 'config': convt_config(4, 6, [3, 3], [2, 2], [1, 1], [1, 1], 2, False)},
          lambda: nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1, output_padding=1, groups=2, bias=False), 1, 4, 3, 4)
    layer('conv_transpose1d', {'type': 'ConvTranspose1d', 'config': convt_config(3, 2, [4], [2], [1], [0], 1, True, [1])},
          lambda: nn.ConvTranspose1d(3, 2, 4, stride=2, padding=1), 2, 3, 5)

    @case('conv_transpose2d_output_size', {'type': 'ConvTranspose2d', 'config': convt_config(2, 3, [3, 3], [2, 2], [1, 1], [0, 0])})
    def _(inp):
        def args(i):
            x = i.randn(1, 2, 3, 4)
            return (lambda m: m(x, output_size=[6, 8])), [x, [6, 8]]
        return nn.ConvTranspose2d(2, 3, 3, stride=2, padding=1), args

    # Resampling.
    layer('upsample_nearest_scale2', {'type': 'Upsample', 'config': {'scaleFactor': 2}}, lambda: nn.Upsample(scale_factor=2), 1, 2, 3, 2)
    layer('upsample_bilinear_size', {'type': 'Upsample', 'config': {'size': [5, 7], 'mode': 'bilinear', 'alignCorners': False}},
          lambda: nn.Upsample(size=(5, 7), mode='bilinear', align_corners=False), 2, 1, 3, 4)
    layer('upsample_bilinear_align_scale', {'type': 'Upsample', 'config': {'scaleFactor': 1.5, 'mode': 'bilinear', 'alignCorners': True}},
          lambda: nn.Upsample(scale_factor=1.5, mode='bilinear', align_corners=True), 1, 2, 4, 3)
    layer('upsample_linear_1d', {'type': 'Upsample', 'config': {'size': 9, 'mode': 'linear'}},
          lambda: nn.Upsample(size=9, mode='linear'), 2, 2, 4)
    layer('upsampling_nearest2d', {'type': 'UpsamplingNearest2d', 'config': {'size': [4, 5]}},
          lambda: nn.UpsamplingNearest2d(size=(4, 5)), 1, 2, 3, 3)
    layer('upsampling_bilinear2d', {'type': 'UpsamplingBilinear2d', 'config': {'scaleFactor': 2}},
          lambda: nn.UpsamplingBilinear2d(scale_factor=2), 1, 1, 3, 4)
    layer('pixel_shuffle', {'type': 'PixelShuffle', 'config': {'upscaleFactor': 2}}, lambda: nn.PixelShuffle(2), 2, 8, 2, 3)
    layer('pixel_unshuffle', {'type': 'PixelUnshuffle', 'config': {'downscaleFactor': 3}}, lambda: nn.PixelUnshuffle(3), 1, 2, 3, 6)
    layer('fold', {'type': 'Fold', 'config': {'outputSize': [4, 5], 'kernelSize': [2, 2], 'padding': 1, 'stride': [1, 2]}},
          lambda: nn.Fold((4, 5), 2, padding=1, stride=(1, 2)), 2, 8, 15)
    layer('unfold', {'type': 'Unfold', 'config': {'kernelSize': [2, 3], 'dilation': [2, 1], 'stride': 1}},
          lambda: nn.Unfold((2, 3), dilation=(2, 1)), 2, 2, 4, 5)

    # Padding layers: PyTorch's (left, right[, top, bottom]).
    layer('zero_pad2d', {'type': 'ZeroPad2d', 'config': {'padding': [1, 0, 2, 1]}}, lambda: nn.ZeroPad2d((1, 0, 2, 1)), 1, 2, 3, 3)
    layer('constant_pad2d', {'type': 'ConstantPad2d', 'config': {'padding': 1, 'value': 0.5}}, lambda: nn.ConstantPad2d(1, 0.5), 2, 2, 3)
    layer('constant_pad1d', {'type': 'ConstantPad1d', 'config': {'padding': [2, 1], 'value': -1}}, lambda: nn.ConstantPad1d((2, 1), -1.0), 2, 3, 4)
    layer('reflection_pad2d', {'type': 'ReflectionPad2d', 'config': {'padding': [2, 1, 1, 2]}}, lambda: nn.ReflectionPad2d((2, 1, 1, 2)), 1, 2, 4, 3)
    layer('reflection_pad1d', {'type': 'ReflectionPad1d', 'config': {'padding': 3}}, lambda: nn.ReflectionPad1d(3), 2, 2, 5)
    layer('replication_pad2d', {'type': 'ReplicationPad2d', 'config': {'padding': [3, 0, 1, 2]}}, lambda: nn.ReplicationPad2d((3, 0, 1, 2)), 1, 2, 3, 3)
    layer('replication_pad1d', {'type': 'ReplicationPad1d', 'config': {'padding': [1, 4]}}, lambda: nn.ReplicationPad1d((1, 4)), 2, 3)

    # Pooling options.
    layer('max_pool2d_ceil_dilation', {'type': 'MaxPool2d', 'config': {'kernelSize': 2, 'stride': 2, 'padding': 1, 'dilation': [1, 2], 'ceilMode': True}},
          lambda: nn.MaxPool2d(2, stride=2, padding=1, dilation=(1, 2), ceil_mode=True), 2, 2, 5, 7)
    layer('avg_pool2d_ceil_divisor', {'type': 'AvgPool2d', 'config': {'kernelSize': 3, 'stride': 2, 'padding': 1, 'ceilMode': True, 'divisorOverride': 4}},
          lambda: nn.AvgPool2d(3, stride=2, padding=1, ceil_mode=True, divisor_override=4), 1, 2, 6, 6)
    layer('max_pool1d_ceil', {'type': 'MaxPool1d', 'config': {'kernelSize': 3, 'stride': 2, 'ceilMode': True}},
          lambda: nn.MaxPool1d(3, stride=2, ceil_mode=True), 2, 3, 8)
    layer('avg_pool1d_exclude_pad', {'type': 'AvgPool1d', 'config': {'kernelSize': 3, 'stride': 2, 'padding': 1, 'countIncludePad': False}},
          lambda: nn.AvgPool1d(3, stride=2, padding=1, count_include_pad=False), 2, 2, 7)
    layer('max_pool3d_ceil', {'type': 'MaxPool3d', 'config': {'kernelSize': [2, 2, 3], 'stride': 2, 'padding': [1, 0, 1], 'ceilMode': True}},
          lambda: nn.MaxPool3d((2, 2, 3), stride=2, padding=(1, 0, 1), ceil_mode=True), 1, 2, 3, 4, 5)
    layer('avg_pool3d_exclude_pad', {'type': 'AvgPool3d', 'config': {'kernelSize': 2, 'stride': 1, 'padding': 1, 'countIncludePad': False}},
          lambda: nn.AvgPool3d(2, stride=1, padding=1, count_include_pad=False), 1, 1, 2, 3, 3)
    layer('lp_pool2d', {'type': 'LPPool2d', 'config': {'normType': 2, 'kernelSize': [2, 3], 'stride': 2, 'ceilMode': True}},
          lambda: nn.LPPool2d(2, (2, 3), stride=2, ceil_mode=True), 1, 2, 5, 7)
    layer('lp_pool1d', {'type': 'LPPool1d', 'config': {'normType': 2, 'kernelSize': 3, 'stride': 1}}, lambda: nn.LPPool1d(2, 3, stride=1), 2, 2, 6)
    layer('adaptive_max_pool2d', {'type': 'AdaptiveMaxPool2d', 'config': {'outputSize': [3, 2]}},
          lambda: nn.AdaptiveMaxPool2d((3, 2)), 2, 2, 7, 5)
    layer('adaptive_max_pool1d', {'type': 'AdaptiveMaxPool1d', 'config': {'outputSize': 3}}, lambda: nn.AdaptiveMaxPool1d(3), 2, 2, 8)
    layer('adaptive_avg_pool1d', {'type': 'AdaptiveAvgPool1d', 'config': {'outputSize': 4}}, lambda: nn.AdaptiveAvgPool1d(4), 2, 3, 7)

    @case('max_unpool2d', {'type': 'MaxUnpool2d', 'config': {'kernelSize': 2, 'stride': 2}})
    def _(inp):
        def args(i):
            y, idx = torch.nn.functional.max_pool2d(i.uniform(-2, 2, 1, 2, 4, 5), 2, return_indices=True)
            y.requires_grad_(True)
            i.grad_tensors.append(y)
            return (lambda m: m(y, idx, output_size=[4, 5])), [y, idx, [4, 5]]
        return nn.MaxUnpool2d(2, stride=2), args

    @case('max_unpool1d', {'type': 'MaxUnpool1d', 'config': {'kernelSize': 2}})
    def _(inp):
        def args(i):
            y, idx = torch.nn.functional.max_pool1d(i.uniform(-2, 2, 2, 2, 6), 2, return_indices=True)
            y.requires_grad_(True)
            i.grad_tensors.append(y)
            return (lambda m: m(y, idx)), [y, idx]
        return nn.MaxUnpool1d(2), args
