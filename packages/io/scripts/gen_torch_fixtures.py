#!/usr/bin/python3
"""Writes safetensors fixtures from PyTorch with struct + json only (no safetensors package).

An independent writer for @tensile/io's compatibility tests. It follows the
published format and the reference writer's layout: tensors sorted by
descending dtype alignment then name, compact JSON with "__metadata__" first,
header padded with spaces to a multiple of 8, raw little-endian data.

Run:  /usr/bin/python3 packages/io/scripts/gen_torch_fixtures.py [--check]
With --check, writes nothing and exits 1 if a committed fixture differs.
"""
import json
import math
import os
import struct
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, '..', 'test', 'fixtures')

# (safetensors name, torch dtype, rank in the reference Dtype enum order)
DTYPES = {
    torch.bool: ('BOOL', 0), torch.uint8: ('U8', 1), torch.int8: ('I8', 2),
    torch.int16: ('I16', 5), torch.float16: ('F16', 7), torch.bfloat16: ('BF16', 8),
    torch.int32: ('I32', 9), torch.float32: ('F32', 11), torch.float64: ('F64', 12),
    torch.int64: ('I64', 13),
}


def tensor_bytes(t):
    t = t.contiguous()
    if t.dtype in (torch.float16, torch.bfloat16):
        t = t.view(torch.int16)  # numpy has no bfloat16: move the raw bits
    arr = t.numpy()
    return arr.astype(arr.dtype.newbyteorder('<'), copy=False).tobytes()


FILES = {}  # fixture name -> bytes, written (or checked) at the end


def safetensors_bytes(tensors, metadata=None):
    items = sorted(tensors.items(), key=lambda kv: (-DTYPES[kv[1].dtype][1], kv[0].encode('utf-8')))
    header = {}
    if metadata is not None:
        header['__metadata__'] = metadata
    chunks = []
    offset = 0
    for name, t in items:
        data = tensor_bytes(t)
        header[name] = {'dtype': DTYPES[t.dtype][0], 'shape': list(t.shape),
                        'data_offsets': [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(',', ':'), ensure_ascii=False).encode('utf-8')
    text += b' ' * ((8 - len(text) % 8) % 8)
    return struct.pack('<Q', len(text)) + text + b''.join(chunks)


def dtypes_fixture():
    g = torch.Generator().manual_seed(0)
    base = torch.randn(2, 3, generator=g)
    tensors = {
        'f32': base,
        'f64': base.double() * 1e-3,
        'f16': torch.tensor([0.0, -0.0, 1.0, -2.5, 65504.0, 6.0e-8, float('inf'), 0.333], dtype=torch.float16),
        'bf16': torch.tensor([1.0, -3.140625, 1e30, -1e-30], dtype=torch.bfloat16),
        'i64': torch.tensor([[0, -1], [2147483647, -2147483648]], dtype=torch.int64),
        'i32': torch.tensor([7, -7, 123456], dtype=torch.int32),
        'i16': torch.tensor([-32768, 32767], dtype=torch.int16),
        'i8': torch.tensor([-128, 127, 0], dtype=torch.int8),
        'u8': torch.tensor([0, 200, 255], dtype=torch.uint8),
        'mask': torch.tensor([[True, False, True]]),
        'scalar': torch.tensor(3.5),
        'empty': torch.zeros(0, 4),
        'nested.layer.0.weight': torch.arange(4, dtype=torch.float32).reshape(2, 2),
    }
    FILES['torch-dtypes.safetensors'] = safetensors_bytes(
        tensors, {'format': 'pt', 'note': 'written by gen_torch_fixtures.py'})
    expected = {name: {'shape': list(t.shape), 'values': t.flatten().float().tolist()
                       if t.is_floating_point() else t.flatten().long().tolist()}
                for name, t in tensors.items()}
    expected['f64']['values'] = tensors['f64'].flatten().tolist()  # full float64 precision
    for entry in expected.values():  # JSON has no Infinity: spell it as a string
        entry['values'] = [v if v == v and abs(v) != float('inf') else str(v) for v in entry['values']]
    FILES['torch-dtypes.json'] = json.dumps(expected).encode()


def mlp_fixture():
    """A PyTorch state_dict by its own names, with an input and the output it gives."""
    torch.manual_seed(1)
    model = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.ReLU(), torch.nn.Linear(3, 2))
    x = torch.randn(5, 4)
    with torch.no_grad():
        y = model(x)
    FILES['torch-mlp.safetensors'] = safetensors_bytes(dict(model.state_dict()), {'format': 'pt'})
    FILES['torch-mlp.json'] = json.dumps({'input': x.tolist(), 'output': y.tolist()}).encode()


def close32(a, b):
    """Equal JSON values, floats to float32 rounding: a float32 forward pass sums in the BLAS's
    order (reference BLAS or OpenBLAS, whichever PyTorch loaded), so the last bits may differ."""
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(close32(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(close32(a[k], b[k]) for k in a)
    if isinstance(a, float) and isinstance(b, (float, int)):
        return math.isclose(a, b, rel_tol=1e-5, abs_tol=1e-6)
    return a == b


def same_fixture(name, committed, fresh):
    """Safetensors bytes must be identical; JSON of float32 outputs equal to float32 rounding."""
    if committed == fresh:
        return True
    return name.endswith('.json') and close32(json.loads(committed), json.loads(fresh))


def main():
    check = '--check' in sys.argv[1:]
    dtypes_fixture()
    mlp_fixture()
    os.makedirs(OUT, exist_ok=True)
    stale = []
    for name, data in FILES.items():
        path = os.path.join(OUT, name)
        if check:
            with open(path, 'rb') as f:
                if not same_fixture(name, f.read(), data):
                    stale.append(name)
        else:
            with open(path, 'wb') as f:
                f.write(data)
    if stale:
        print('gen_torch_fixtures: differs from PyTorch: ' + ', '.join(stale), file=sys.stderr)
        sys.exit(1)


if __name__ == '__main__':
    main()
