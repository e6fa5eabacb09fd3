"""Loads a Tensile U-Net (apps/cli/src/models/unet.ts) into the same network written with
PyTorch's own layers (nn.Conv2d, nn.BatchNorm2d, nn.MaxPool2d, nn.ConvTranspose2d, nn.Upsample,
skip connections by torch.cat), with load_state_dict(strict=True), and compares the outputs on the
same input: in eval mode, and in training mode (batch statistics) when the file holds `output_train`.

    tensile predict runs/mnist-unet/model.tensile --samples 8 --save io.safetensors
    /usr/bin/python3 apps/cli/scripts/crosscheck_unet.py runs/mnist-unet/model.tensile io.safetensors
"""
import argparse
import os
import sys

import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tensile_io import architecture, load_into, read_safetensors, report  # noqa: E402


def double_conv(cin, cout):
    return nn.Sequential(
        nn.Conv2d(cin, cout, 3, padding=1, bias=False),
        nn.BatchNorm2d(cout),
        nn.ReLU(),
        nn.Conv2d(cout, cout, 3, padding=1, bias=False),
        nn.BatchNorm2d(cout),
        nn.ReLU(),
    )


def up_step(mode, cin, cout):
    if mode == "transposed":
        return nn.ConvTranspose2d(cin, cout, 2, stride=2)
    extra = {"align_corners": False} if mode == "bilinear" else {}
    return nn.Sequential(nn.Upsample(scale_factor=2, mode=mode, **extra), nn.Conv2d(cin, cout, 1))


class UNet(nn.Module):
    def __init__(self, c):
        super().__init__()
        ch = c["channels"]
        depth = len(ch) - 1
        up = c.get("up") or ["transposed"] * depth
        self.down = nn.ModuleList(double_conv(c.get("inChannels", 1) if k == 0 else ch[k - 1], ch[k]) for k in range(len(ch)))
        self.pool = nn.MaxPool2d(2)
        self.up = nn.ModuleList(up_step(m, ch[depth - i], ch[depth - i - 1]) for i, m in enumerate(up))
        self.dec = nn.ModuleList(double_conv(2 * ch[depth - i - 1], ch[depth - i - 1]) for i in range(depth))
        self.head = nn.Conv2d(ch[0], c.get("outChannels", 1), 1)

    def forward(self, x):
        skips = []
        for k, block in enumerate(self.down):
            x = block(x if k == 0 else self.pool(x))
            skips.append(x)
        skips.pop()
        for i, (step, dec) in enumerate(zip(self.up, self.dec)):
            x = dec(torch.cat([skips[len(skips) - 1 - i], step(x)], 1))
        return self.head(x)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model", help="a Tensile model file of a UNet")
    parser.add_argument("io", help="the input and Tensile's output (tensile predict --save)")
    parser.add_argument("--tol", type=float, default=1e-4)
    args = parser.parse_args()
    tensors, metadata = read_safetensors(args.model)
    spec = architecture(metadata)
    assert spec["type"] == "UNet", f"expected a UNet model file, got {spec['type']}"
    model = load_into(UNet(spec["config"]), tensors)
    io, _ = read_safetensors(args.io)
    pairs = []
    with torch.no_grad():
        pairs.append(("output (eval: running statistics)", io["output"], model.eval()(io["input"])))
        if "output_train" in io:
            pairs.append(("output (training: batch statistics)", io["output_train"], model.train()(io["input"])))
    report("UNet", pairs, args.tol)


if __name__ == "__main__":
    main()
