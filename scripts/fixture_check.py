"""Shared command line of the PyTorch fixture generators (packages/*/scripts/gen_torch_fixtures.py).

`run_fixture_cli(generate, out_dir)` writes the fixtures, or with --check regenerates them into a
temporary folder and exits 1 when a committed file differs beyond float rounding (1e-12 relative),
so CI proves the committed numbers are PyTorch's.
"""
import argparse
import json
import math
import os
import shutil
import sys
import tempfile


def close(a, b):
    """Equal JSON values, floats to 1e-12 relative (last-bit differences between CPUs pass)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(close(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(close(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and isinstance(b, (float, int)) and not isinstance(a, bool):
        return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-13)
    return a == b


def run_fixture_cli(generate, out_dir):
    parser = argparse.ArgumentParser()
    parser.add_argument('--check', action='store_true', help='regenerate into a temp dir and fail if committed files differ')
    args = parser.parse_args()
    if not args.check:
        count = generate(out_dir)
        print(f'wrote {count} cases to {out_dir}' if count is not None else f'wrote fixtures to {out_dir}')
        return
    tmp = tempfile.mkdtemp()
    try:
        generate(tmp)
        ok = True
        for fname in sorted(os.listdir(tmp)):
            committed = os.path.join(out_dir, fname)
            if not os.path.exists(committed):
                print(f'missing committed fixture {committed}', file=sys.stderr)
                ok = False
                continue
            with open(committed) as a, open(os.path.join(tmp, fname)) as b:
                if not close(json.load(a), json.load(b)):
                    print(f'{committed} differs from what PyTorch gives now', file=sys.stderr)
                    ok = False
        sys.exit(0 if ok else 1)
    finally:
        shutil.rmtree(tmp)
