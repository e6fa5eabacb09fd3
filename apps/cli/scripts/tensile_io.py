"""Reads the safetensors files Tensile writes (model files, `tensile predict --save`) with the
standard library and PyTorch only: an 8-byte little-endian header length, a JSON header
(dtype, shape, data_offsets per tensor; __metadata__), then the raw little-endian data."""
import json
import struct
import sys

import torch

DTYPES = {"F32": torch.float32, "F64": torch.float64, "I32": torch.int32, "I64": torch.int64, "U8": torch.uint8, "BOOL": torch.bool}


def read_safetensors(path):
    """Returns ({name: tensor}, metadata) of a safetensors file."""
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + n])
    metadata = header.pop("__metadata__", {}) or {}
    body = data[8 + n :]
    tensors = {}
    for name, entry in header.items():
        start, end = entry["data_offsets"]
        dtype = DTYPES[entry["dtype"]]
        raw = bytearray(body[start:end])
        flat = torch.frombuffer(raw, dtype=dtype) if raw else torch.empty(0, dtype=dtype)
        tensors[name] = flat.reshape(entry["shape"]).clone()
    return tensors, metadata


def architecture(metadata):
    """The module spec a Tensile model file stores: {type, config, children?}."""
    return json.loads(metadata["architecture"])


def load_into(module, tensors):
    """Loads Tensile's state dict into the PyTorch module by name, strictly: every name and shape must match."""
    state = {k: v.to(module.state_dict()[k].dtype) if k in module.state_dict() else v for k, v in tensors.items()}
    module.load_state_dict(state, strict=True)
    return module


def report(name, pairs, tol):
    """Prints the max abs difference of each (label, ours, theirs) and exits 1 when one exceeds tol."""
    worst = 0.0
    for label, ours, theirs in pairs:
        if tuple(ours.shape) != tuple(theirs.shape):
            print(f"{name}: {label}: shapes differ: Tensile {list(ours.shape)} vs PyTorch {list(theirs.shape)}")
            sys.exit(1)
        diff = (ours.double() - theirs.double()).abs().max().item()
        scale = theirs.double().abs().max().item()
        print(f"{name}: {label}: {list(theirs.shape)}, max |Tensile - PyTorch| = {diff:.3g} (max |value| {scale:.3g})")
        worst = max(worst, diff)
    ok = worst <= tol
    print(f"{name}: {'OK' if ok else 'MISMATCH'}: largest difference {worst:.3g} {'<=' if ok else '>'} tolerance {tol:g}")
    if not ok:
        sys.exit(1)
