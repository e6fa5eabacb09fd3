#!/usr/bin/python3
"""Writes ONNX fixtures with PyTorch's own exporter (torch.onnx.export, opset 17).

Each model is built from a fixed seed, exported with a dynamic batch dimension
and written as <name>.onnx next to <name>.json (the input it was run on and
PyTorch's output), for @tensile/onnx's import tests. The export is
deterministic (same seed, same graph, same bytes), so --check compares the
.onnx files byte for byte; the outputs in the .json files come from float32
kernels that may round differently on another CPU, so those are compared
as numbers (relative 1e-5, absolute 1e-6).

Run:  /usr/bin/python3 packages/onnx/scripts/gen_onnx_fixtures.py [--check]
With --check, writes nothing and exits 1 if a committed fixture differs.
"""
import io
import json
import math
import os
import sys

import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, '..', 'test', 'fixtures')


class LeNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5, padding=2)
        self.pool = nn.MaxPool2d(2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 32)
        self.fc2 = nn.Linear(32, 10)

    def forward(self, x):
        x = self.pool(torch.relu(self.conv1(x)))
        x = self.pool(torch.relu(self.conv2(x)))
        x = torch.flatten(x, 1)
        return self.fc2(torch.relu(self.fc1(x)))


class Block(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.down = None
        if stride != 1 or cin != cout:
            self.down = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        y = torch.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return torch.relu(y + (x if self.down is None else self.down(x)))


class ResNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 8, 3, 1, 1, bias=False), nn.BatchNorm2d(8), nn.ReLU())
        self.layer1 = Block(8, 8, 1)
        self.layer2 = Block(8, 16, 2)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(16, 5)

    def forward(self, x):
        x = self.layer2(self.layer1(self.stem(x)))
        return self.fc(torch.flatten(self.pool(x), 1))


class GRUClassifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(6, 12, batch_first=True)
        self.fc = nn.Linear(12, 3)

    def forward(self, x):
        _, h = self.gru(x)
        return self.fc(h[-1])


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        layer = nn.TransformerEncoderLayer(16, 2, dim_feedforward=32, dropout=0.0, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)
        self.fc = nn.Linear(16, 4)

    def forward(self, x):
        return self.fc(self.encoder(x).mean(1))


def randomize_bn(model):
    # Fresh BatchNorm statistics are 0 and 1; make them matter.
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.running_mean.uniform_(-0.5, 0.5)
            m.running_var.uniform_(0.5, 1.5)


def models():
    torch.manual_seed(0)
    mlp = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 16), nn.Tanh(), nn.Linear(16, 3))
    yield 'mlp', mlp, torch.randn(4, 8)
    torch.manual_seed(1)
    yield 'lenet', LeNet(), torch.randn(2, 1, 28, 28)
    torch.manual_seed(2)
    resnet = ResNet()
    randomize_bn(resnet)
    yield 'resnet', resnet, torch.randn(2, 3, 8, 8)
    torch.manual_seed(3)
    yield 'gru', GRUClassifier(), torch.randn(3, 5, 6)
    torch.manual_seed(4)
    yield 'transformer', Encoder(), torch.randn(2, 5, 16)


def export(model, x):
    model.eval()
    buf = io.BytesIO()
    dynamic = {'input': {0: 'batch'}, 'output': {0: 'batch'}}
    # With gradients on, the Transformer takes its traceable path (not the fused fast path).
    torch.onnx.export(model, (x,), buf, opset_version=17, input_names=['input'], output_names=['output'],
                      dynamic_axes=dynamic, do_constant_folding=True)
    with torch.no_grad():
        y = model(x)
    expected = {'input': {'shape': list(x.shape), 'data': x.flatten().tolist()},
                'output': {'shape': list(y.shape), 'data': y.flatten().tolist()}}
    return buf.getvalue(), (json.dumps(expected, indent=None) + '\n').encode()


def same(fname, old, new):
    """The .onnx bytes exactly; the .json numbers to float32 rounding."""
    if old is None or not fname.endswith('.json'):
        return old == new
    a, b = json.loads(old), json.loads(new)

    def close(x, y):
        if isinstance(x, dict) and isinstance(y, dict):
            return x.keys() == y.keys() and all(close(x[k], y[k]) for k in x)
        if isinstance(x, list) and isinstance(y, list):
            return len(x) == len(y) and all(close(u, v) for u, v in zip(x, y))
        if isinstance(x, float) or isinstance(y, float):
            return math.isclose(x, y, rel_tol=1e-5, abs_tol=1e-6)
        return x == y

    return close(a, b)


def main():
    check = '--check' in sys.argv[1:]
    torch.set_num_threads(1)
    files = {}
    for name, model, x in models():
        onnx_bytes, json_bytes = export(model, x)
        files[f'{name}.onnx'] = onnx_bytes
        files[f'{name}.json'] = json_bytes
    os.makedirs(OUT, exist_ok=True)
    status = 0
    for fname, data in files.items():
        path = os.path.join(OUT, fname)
        if check:
            old = open(path, 'rb').read() if os.path.exists(path) else None
            if not same(fname, old, data):
                print(f'gen_onnx_fixtures: {fname} differs from a fresh export', file=sys.stderr)
                status = 1
        else:
            with open(path, 'wb') as f:
                f.write(data)
    return status


if __name__ == '__main__':
    sys.exit(main())
