"""Loads a Tensile GPT (apps/cli/src/models/gpt.ts) into the same model written with PyTorch's
own layers (nn.Embedding, nn.TransformerEncoderLayer(norm_first=True) stacked by
nn.TransformerEncoder with a final nn.LayerNorm, the output tied to the token embedding),
with load_state_dict(strict=True), and compares the logits on the same input.

    tensile predict runs/sotu-gpt/model.tensile --samples 4 --save io.safetensors
    /usr/bin/python3 apps/cli/scripts/crosscheck_gpt.py runs/sotu-gpt/model.tensile io.safetensors
"""
import argparse
import os
import sys

import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tensile_io import architecture, load_into, read_safetensors, report  # noqa: E402


class GPT(nn.Module):
    def __init__(self, c):
        super().__init__()
        d, p = c["embedDim"], c.get("dropout", 0) or 0
        self.wte = nn.Embedding(c["vocabSize"], d)
        self.wpe = nn.Embedding(c["blockSize"], d)
        self.drop = nn.Dropout(p)
        layer = nn.TransformerEncoderLayer(
            d, c["numHeads"], 4 * d, p, activation=c.get("activation", "gelu"), batch_first=True, norm_first=True
        )
        self.transformer = nn.TransformerEncoder(layer, c["numLayers"], norm=nn.LayerNorm(d), enable_nested_tensor=False)

    def forward(self, ids):
        t = ids.shape[1]
        x = self.drop(self.wte(ids) + self.wpe(torch.arange(t)))
        mask = torch.triu(torch.full((t, t), float("-inf")), diagonal=1)  # causal: position i sees 0..i
        h = self.transformer(x, mask=mask)
        return h @ self.wte.weight.T  # weight tying


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model", help="a Tensile model file of a GPT")
    parser.add_argument("io", help="input ids and Tensile's logits (tensile predict --save)")
    parser.add_argument("--tol", type=float, default=1e-4)
    args = parser.parse_args()
    tensors, metadata = read_safetensors(args.model)
    spec = architecture(metadata)
    assert spec["type"] == "GPT", f"expected a GPT model file, got {spec['type']}"
    model = load_into(GPT(spec["config"]), tensors).eval()
    io, _ = read_safetensors(args.io)
    with torch.no_grad():
        logits = model(io["input"].long())
    report("GPT", [("logits", io["output"], logits)], args.tol)


if __name__ == "__main__":
    main()
