#!/usr/bin/python3
"""Runs a Tensile model file in PyTorch, to prove the weights move across.

Reads the file with struct + json only (an independent safetensors reader),
rebuilds the model in torch.nn from the architecture in its __metadata__
(Sequential, Linear, BatchNorm1d, ReLU, Tanh), loads the weights with
load_state_dict(strict=True), runs it in eval mode on the input and prints
the output as JSON.

Usage: /usr/bin/python3 torch_run_model.py MODEL_FILE INPUT_JSON
"""
import json
import struct
import sys

import torch

DTYPES = {'F32': torch.float32, 'F64': torch.float64, 'I32': torch.int32, 'I64': torch.int64, 'BOOL': torch.bool}


def read_safetensors(path):
    with open(path, 'rb') as f:
        data = f.read()
    (n,) = struct.unpack('<Q', data[:8])
    header = json.loads(data[8:8 + n].decode('utf-8'))
    metadata = header.pop('__metadata__', {})
    body = data[8 + n:]
    tensors = {}
    for name, info in header.items():
        begin, end = info['data_offsets']
        raw = bytearray(body[begin:end])
        t = torch.frombuffer(raw, dtype=DTYPES[info['dtype']]) if raw else torch.empty(0, dtype=DTYPES[info['dtype']])
        tensors[name] = t.reshape(info['shape'])
    return tensors, metadata


def build(spec):
    kind, c = spec['type'], spec['config']
    if kind == 'Sequential':
        children = spec.get('children', {})
        return torch.nn.Sequential(*[build(children[k]) for k in sorted(children, key=int)])
    if kind == 'Linear':
        return torch.nn.Linear(c['inFeatures'], c['outFeatures'], bias=c['bias'])
    if kind == 'BatchNorm1d':
        return torch.nn.BatchNorm1d(c['numFeatures'], eps=c['eps'], momentum=c['momentum'],
                                    affine=c['affine'], track_running_stats=c['trackRunningStats'])
    if kind == 'ReLU':
        return torch.nn.ReLU()
    if kind == 'Tanh':
        return torch.nn.Tanh()
    raise SystemExit(f'torch_run_model: no torch equivalent for {kind}')


def main():
    tensors, metadata = read_safetensors(sys.argv[1])
    assert metadata['format'] == 'tensile-model', metadata
    model = build(json.loads(metadata['architecture']))
    model.load_state_dict(tensors, strict=True)
    model.eval()
    with open(sys.argv[2]) as f:
        x = torch.tensor(json.load(f), dtype=torch.float32)
    with torch.no_grad():
        print(json.dumps(model(x).tolist()))


if __name__ == '__main__':
    main()
