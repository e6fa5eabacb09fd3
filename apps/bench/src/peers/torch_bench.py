"""PyTorch CPU peer for the Tensile bench (run by Debian's /usr/bin/python3).

Stays up for the whole bench and answers one JSON request per line (so it
runs each job right beside the others, not minutes apart). The thread count
the init request names (torch.set_num_threads; OpenBLAS's comes from the env),
tensors made once, the same timing rule as the JS side: warm up, then the best
of several chunks of iterations.
"""
import json
import struct
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def measure(step, opts):
    for _ in range(opts["warmup"]):
        step()
    best = float("inf")
    iters = 0
    for _ in range(opts["chunks"]):
        start = time.perf_counter()
        n = 0
        elapsed = 0.0
        while n < opts["minIters"] or elapsed * 1000 < opts["minChunkMs"]:
            step()
            n += 1
            elapsed = time.perf_counter() - start
        iters += n
        best = min(best, elapsed / n)
    return best, iters


def read_idx(path, magic):
    with open(path, "rb") as f:
        buf = f.read()
    got = struct.unpack(">I", buf[:4])[0]
    if got != magic:
        raise ValueError(f"mnist: {path} has magic {got:#x}, expected {magic:#x}")
    rank = got & 0xFF
    dims = struct.unpack(">" + "I" * rank, buf[4:4 + 4 * rank])
    return dims, buf[4 + 4 * rank:]


def mnist_batches(directory, size, count):
    _, img = read_idx(directory + "/train-images-idx3-ubyte", 0x803)
    _, lab = read_idx(directory + "/train-labels-idx1-ubyte", 0x801)
    n = size * count
    x = torch.frombuffer(bytearray(img[: n * 784]), dtype=torch.uint8).float().div_(255).view(count, size, 784)
    y = torch.frombuffer(bytearray(lab[:n]), dtype=torch.uint8).long().view(count, size)
    return x, y


def threads_label(threads):
    return "1 thread" if threads == 1 else f"{threads} threads"


def sgemm(n, opts, threads):
    a = torch.randn(n, n)
    b = torch.randn(n, n)
    c = torch.empty(n, n)
    sec, iters = measure(lambda: torch.mm(a, b, out=c), opts)
    return {
        "case": "sgemm", "size": f"n={n}", "group": "torch", "threads": threads,
        "impl": "torch.mm" + ("" if threads == 1 else f" {threads_label(threads)}"),
        "value": 2 * n ** 3 / sec / 1e9, "unit": "GFLOP/s",
        "how": f"torch.mm(out=) {threads_label(threads)}, best of {opts['chunks']} chunks ({iters} iters)",
    }


class LeNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(256, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = torch.flatten(x, 1)
        return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))


def train(kind, directory, opts, lr, threads):
    size = 128 if kind == "mlp" else 64
    x, y = mnist_batches(directory, size, 8)
    if kind == "mlp":
        model = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, 10))
    else:
        model = LeNet()
        x = x.view(8, size, 1, 28, 28).contiguous()
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    state = {"step": 0}

    def step():
        i = state["step"] % 8
        state["step"] += 1
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(x[i]), y[i])
        loss.backward()
        opt.step()
        loss.item()

    sec, iters = measure(step, opts)
    return {
        "case": kind, "size": f"batch {size}", "group": "torch", "threads": threads,
        "impl": "torch nn + optim.SGD" + ("" if threads == 1 else f" {threads_label(threads)}"),
        "value": size / sec, "unit": "samples/s",
        "how": f"zero_grad/forward/cross_entropy/backward/SGD.step/loss.item(), {threads_label(threads)}, best of {opts['chunks']} chunks ({iters} steps)",
    }


def blas_in_use():
    """Which libblas the process loaded (Debian's torch calls the system BLAS)."""
    with open("/proc/self/maps") as f:
        maps = f.read()
    if "openblas" in maps:
        return "OpenBLAS"
    if "libblas.so" in maps:
        return "reference BLAS (slow; apt-get install libopenblas0-pthread)"
    return "unknown"


def main():
    """One JSON request per stdin line, one JSON reply per stdout line:
    {"op": "init", "measure": ..., "lr": ..., "mnistDir": ..., "threads": N} -> {"torch", "blas"}
    {"op": "job", "case": "sgemm"|"mlp"|"lenet", "n": N} -> {"rows": [...]}"""
    torch.manual_seed(0)
    cfg = {}
    for line in sys.stdin:
        req = json.loads(line)
        try:
            if req["op"] == "init":
                cfg = req
                torch.set_num_threads(cfg.get("threads", 1))
                reply = {"torch": torch.__version__, "blas": blas_in_use()}
            elif req["case"] == "sgemm":
                reply = {"rows": [sgemm(req["n"], cfg["measure"], cfg.get("threads", 1))]}
            else:
                reply = {"rows": [train(req["case"], cfg["mnistDir"], cfg["measure"], cfg["lr"], cfg.get("threads", 1))]}
        except Exception as e:  # a failed job is a row, not a dead peer
            reply = {"error": f"{type(e).__name__}: {e}"}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


main()
