"""Loads a Tensile ResNet (apps/cli/src/models/resnet.ts) into the same network written with
PyTorch's own layers (nn.Conv2d, nn.BatchNorm2d or nn.GroupNorm, nn.MaxPool2d,
nn.AdaptiveAvgPool2d, nn.Linear in torchvision's BasicBlock layout), with
load_state_dict(strict=True), and compares the logits on the same input: in eval mode (BatchNorm's
running statistics), and in training mode (batch statistics) when the file holds `output_train`.

    tensile predict runs/mnist-resnet/model.tensile --samples 8 --save io.safetensors
    /usr/bin/python3 apps/cli/scripts/crosscheck_resnet.py runs/mnist-resnet/model.tensile io.safetensors
"""
import argparse
import os
import sys

import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tensile_io import architecture, load_into, read_safetensors, report  # noqa: E402


def norm_layer(kind, channels, groups):
    return nn.BatchNorm2d(channels) if kind == "batch" else nn.GroupNorm(groups, channels)


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride, norm, groups):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = norm_layer(norm, cout, groups)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = norm_layer(norm, cout, groups)
        self.downsample = None
        if stride != 1 or cin != cout:
            self.downsample = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), norm_layer(norm, cout, groups))

    def forward(self, x):
        h = self.bn2(self.conv2(torch.relu(self.bn1(self.conv1(x)))))
        return torch.relu(h + (self.downsample(x) if self.downsample is not None else x))


class ResNet(nn.Module):
    def __init__(self, c):
        super().__init__()
        widths, blocks = c["widths"], c["blocks"]
        norm, groups = c.get("norm", "batch"), c.get("groups", 8)
        self.conv1 = nn.Conv2d(c.get("inChannels", 1), widths[0], 3, 1, 1, bias=False)
        self.bn1 = norm_layer(norm, widths[0], groups)
        self.maxpool = nn.MaxPool2d(3, 2, 1) if c.get("stemPool") else None
        channels = widths[0]
        for s, (width, n) in enumerate(zip(widths, blocks)):
            stage = [BasicBlock(channels if b == 0 else width, width, 2 if b == 0 and s > 0 else 1, norm, groups) for b in range(n)]
            setattr(self, f"layer{s + 1}", nn.Sequential(*stage))
            channels = width
        self.stages = len(widths)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(channels, c["numClasses"])

    def forward(self, x):
        h = torch.relu(self.bn1(self.conv1(x)))
        if self.maxpool is not None:
            h = self.maxpool(h)
        for s in range(self.stages):
            h = getattr(self, f"layer{s + 1}")(h)
        return self.fc(torch.flatten(self.avgpool(h), 1))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model", help="a Tensile model file of a ResNet")
    parser.add_argument("io", help="the input and Tensile's logits (tensile predict --save)")
    parser.add_argument("--tol", type=float, default=1e-4)
    args = parser.parse_args()
    tensors, metadata = read_safetensors(args.model)
    spec = architecture(metadata)
    assert spec["type"] == "ResNet", f"expected a ResNet model file, got {spec['type']}"
    model = load_into(ResNet(spec["config"]), tensors)
    io, _ = read_safetensors(args.io)
    pairs = []
    with torch.no_grad():
        pairs.append(("logits (eval: running statistics)", io["output"], model.eval()(io["input"])))
        if "output_train" in io:
            pairs.append(("logits (training: batch statistics)", io["output_train"], model.train()(io["input"])))
    report("ResNet", pairs, args.tol)


if __name__ == "__main__":
    main()
