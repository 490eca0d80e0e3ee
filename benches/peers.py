#!/usr/bin/env python3
"""nnbook's engine against its peers, on this machine, in one run.

Run by hand (not by CI), from the repository, holding the project's cargo lock if others
build on the same machine:

    pip install "jax[cpu]"          # optional: torch (CPU wheel), keras + tensorflow
    flock /tmp/nnbook-cargo.lock python3 benches/peers.py

It installs nothing. In each of ROUNDS rounds (3, or `--rounds N`) it runs `cargo bench
--bench engine` (nnbook's figures and this machine's measured f32 FMA peak), then the same
workloads in JAX, and in PyTorch and Keras when they import, every peer limited to 2
threads. Interleaving the rounds lets both sides meet the same passing load (other builds on
the machine); each side's best figure over the rounds counts, the same rule for nnbook and
every peer. It prints, per workload,

    BENCH <workload>_vs_<peer> <ratio> x      (above 1: nnbook is faster)
    BENCH mlp_fraction_of_peak <fraction> x   (nnbook's MLP GFLOP/s over the FMA peak)

Absolute speeds differ several-fold between machines; only these ratios travel.

With `--book` it then runs `cargo bench --bench book` (see benches/book.rs; set
NNBOOK_DATA_DIR to a folder with MNIST) and passes its BENCH lines on: the sample book's cold
and warm builds as an author runs them, and the cold build over the MNIST run alone, so the
issue's build figures and the ratios to the peers come from one command and one load.

Workloads (as benches/engine.rs):
- mlp: 784-1000-10 (ReLU, softmax), categorical cross-entropy, Adam (Keras defaults,
  lr 0.001), batch 1024, shuffled, 60,000 samples: one epoch of warm-up, then two epochs
  timed; samples per second.
- tiny: 2-3-1 (ReLU, sigmoid), binary cross-entropy, Adam, 2,200 full-batch epochs on as
  many rows as nnbook's D4 (random points: the time does not depend on the values).
- predict: the 2-3-1 on 250,000 points.
"""

import os
import re
import subprocess
import sys
import time

THREADS = 2
os.environ.setdefault(
    "XLA_FLAGS",
    f"--xla_cpu_multi_thread_eigen=true intra_op_parallelism_threads={THREADS}",
)
for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ.setdefault(var, str(THREADS))
os.environ.setdefault("TF_NUM_INTRAOP_THREADS", str(THREADS))
os.environ.setdefault("TF_NUM_INTEROP_THREADS", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402  (after the thread settings, which must come first)

N_MLP = 60_000
BATCH = 1024
TINY_EPOCHS = 2200
GRID = 250_000
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def nnbook():
    """nnbook's BENCH lines as {name: value}."""
    out = subprocess.run(
        ["cargo", "bench", "--bench", "engine"],
        cwd=ROOT,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    ).stdout
    found = {}
    for line in out.splitlines():
        m = re.match(r"BENCH (\S+) (\S+) ", line)
        if m:
            found[m.group(1)] = float(m.group(2))
    return found


def mlp_data():
    rng = np.random.default_rng(1)
    x = (rng.integers(0, 256, size=(N_MLP, 784)) / 255.0).astype(np.float32)
    y = np.eye(10, dtype=np.float32)[np.arange(N_MLP) % 10]
    return x, y


def tiny_data(rows):
    rng = np.random.default_rng(2)
    x = rng.uniform(-2, 2, size=(rows, 2)).astype(np.float32)
    y = (rng.uniform(size=(rows, 1)) < 0.5).astype(np.float32)
    grid = rng.uniform(-2, 2, size=(GRID, 2)).astype(np.float32)
    return x, y, grid


def best(f, times):
    secs = float("inf")
    for _ in range(times):
        start = time.perf_counter()
        f()
        secs = min(secs, time.perf_counter() - start)
    return secs


def jax_peer(rows):
    import jax
    import jax.numpy as jnp

    def init(key, sizes):
        params = []
        for fan_in, fan_out in zip(sizes, sizes[1:]):
            key, sub = jax.random.split(key)
            lim = (6.0 / (fan_in + fan_out)) ** 0.5
            w = jax.random.uniform(sub, (fan_in, fan_out), jnp.float32, -lim, lim)
            params.append((w, jnp.zeros(fan_out, jnp.float32)))
        return params

    def adam(lr=0.001, b1=0.9, b2=0.999, eps=1e-7):
        def step(params, grads, m, v, t):
            t = t + 1
            m = jax.tree.map(lambda m, g: m + (g - m) * (1 - b1), m, grads)
            v = jax.tree.map(lambda v, g: v + (g * g - v) * (1 - b2), v, grads)
            alpha = lr * jnp.sqrt(1 - b2**t) / (1 - b1**t)
            params = jax.tree.map(
                lambda p, m, v: p - alpha * m / (jnp.sqrt(v) + eps), params, m, v
            )
            return params, m, v, t

        return step

    def forward(params, x, hidden):
        for w, b in params[:-1]:
            x = hidden(x @ w + b)
        w, b = params[-1]
        return x @ w + b

    update = adam()

    def make_step(loss):
        @jax.jit
        def step(params, m, v, t, x, y):
            grads = jax.grad(loss)(params, x, y)
            return update(params, grads, m, v, t)

        return step

    def cce(params, x, y):
        z = forward(params, x, jax.nn.relu)
        return -jnp.mean(jnp.sum(y * jax.nn.log_softmax(z), axis=1))

    def bce(params, x, y):
        z = forward(params, x, jax.nn.relu)
        return jnp.mean(jnp.maximum(z, 0) - z * y + jnp.log1p(jnp.exp(-jnp.abs(z))))

    # MLP: data on the device, each batch gathered inside the compiled step.
    x, y = mlp_data()
    xd, yd = jnp.asarray(x), jnp.asarray(y)
    cce_step = make_step(cce)

    @jax.jit
    def batch_step(params, m, v, t, idx):
        return cce_step(params, m, v, t, xd[idx], yd[idx])

    params = init(jax.random.PRNGKey(0), [784, 1000, 10])
    zeros = jax.tree.map(jnp.zeros_like, params)
    state = [params, zeros, zeros, 0]
    rng = np.random.default_rng(0)

    def epochs(k):
        for _ in range(k):
            order = jnp.asarray(rng.permutation(N_MLP))
            for s in range(0, N_MLP, BATCH):
                state[:] = batch_step(*state, order[s : s + BATCH])
        jax.block_until_ready(state[0])

    epochs(1)
    mlp = 2 * N_MLP / best(lambda: epochs(2), 1)

    # Tiny: one compiled step per epoch, as a training loop is written.
    tx, ty, grid = tiny_data(rows)
    tx, ty, grid = jnp.asarray(tx), jnp.asarray(ty), jnp.asarray(grid)
    tiny_step = make_step(bce)

    def tiny_run():
        p = init(jax.random.PRNGKey(2), [2, 3, 1])
        z = jax.tree.map(jnp.zeros_like, p)
        s = [p, z, z, 0]
        for _ in range(TINY_EPOCHS):
            s[:] = tiny_step(*s, tx, ty)
        jax.block_until_ready(s[0])
        return s[0]

    tiny_run()
    tiny = best(tiny_run, 3)
    trained = tiny_run()
    predict = jax.jit(lambda p, g: jax.nn.sigmoid(forward(p, g, jax.nn.relu)))
    predict(trained, grid).block_until_ready()
    mesh = best(lambda: predict(trained, grid).block_until_ready(), 5)
    return {"mlp": mlp, "tiny": tiny, "predict": mesh}


def torch_peer(rows):
    import torch

    torch.set_num_threads(THREADS)
    torch.manual_seed(0)

    def net(sizes):
        layers = []
        for i, (a, b) in enumerate(zip(sizes, sizes[1:])):
            layers.append(torch.nn.Linear(a, b))
            if i < len(sizes) - 2:
                layers.append(torch.nn.ReLU())
        return torch.nn.Sequential(*layers)

    x, y = mlp_data()
    xt, labels = torch.from_numpy(x), torch.from_numpy(y.argmax(1))
    model = net([784, 1000, 10])
    opt = torch.optim.Adam(model.parameters(), lr=0.001, eps=1e-7)
    loss_fn = torch.nn.CrossEntropyLoss()

    def epochs(k):
        for _ in range(k):
            order = torch.randperm(N_MLP)
            for s in range(0, N_MLP, BATCH):
                idx = order[s : s + BATCH]
                opt.zero_grad(set_to_none=True)
                loss_fn(model(xt[idx]), labels[idx]).backward()
                opt.step()

    epochs(1)
    mlp = 2 * N_MLP / best(lambda: epochs(2), 1)

    tx, ty, grid = (torch.from_numpy(a) for a in tiny_data(rows))
    bce = torch.nn.BCEWithLogitsLoss()

    def tiny_run():
        m = net([2, 3, 1])
        o = torch.optim.Adam(m.parameters(), lr=0.001, eps=1e-7)
        for _ in range(TINY_EPOCHS):
            o.zero_grad(set_to_none=True)
            bce(m(tx), ty).backward()
            o.step()
        return m

    tiny_run()
    tiny = best(tiny_run, 3)
    trained = tiny_run()

    def predict():
        with torch.no_grad():
            torch.sigmoid(trained(grid))

    predict()
    mesh = best(predict, 5)
    return {"mlp": mlp, "tiny": tiny, "predict": mesh}


def keras_peer(rows):
    import keras

    def net(sizes, out):
        layers = [keras.Input((sizes[0],))]
        for units in sizes[1:-1]:
            layers.append(keras.layers.Dense(units, activation="relu"))
        layers.append(keras.layers.Dense(sizes[-1], activation=out))
        return keras.Sequential(layers)

    x, y = mlp_data()
    model = net([784, 1000, 10], "softmax")
    model.compile(optimizer=keras.optimizers.Adam(0.001), loss="categorical_crossentropy")
    model.fit(x, y, batch_size=BATCH, epochs=1, shuffle=True, verbose=0)
    mlp = 2 * N_MLP / best(
        lambda: model.fit(x, y, batch_size=BATCH, epochs=2, shuffle=True, verbose=0), 1
    )

    tx, ty, grid = tiny_data(rows)

    def tiny_run():
        m = net([2, 3, 1], "sigmoid")
        m.compile(optimizer=keras.optimizers.Adam(0.001), loss="binary_crossentropy")
        m.fit(tx, ty, batch_size=rows, epochs=TINY_EPOCHS, shuffle=True, verbose=0)
        return m

    tiny = best(tiny_run, 1)
    trained = tiny_run()
    trained.predict(grid, batch_size=GRID, verbose=0)
    mesh = best(lambda: trained.predict(grid, batch_size=GRID, verbose=0), 5)
    return {"mlp": mlp, "tiny": tiny, "predict": mesh}


def better(a, b):
    """Two runs' figures merged: the best of each (a rate's highest, a time's lowest)."""
    if a is None:
        return dict(b)
    return {
        k: (max(a[k], b[k]) if k in ("mlp", "mlp_train", "mlp_gflops", "fma_peak")
            else min(a[k], b[k]))
        for k in b
    }


def main():
    args = sys.argv[1:]
    rounds = int(args[args.index("--rounds") + 1]) if "--rounds" in args else 3
    runs = []
    peers = {}
    missing = set()
    for _ in range(rounds):
        runs.append(nnbook())
        rows = int(runs[0]["tiny_rows"])
        for name, peer in (("jax", jax_peer), ("torch", torch_peer), ("keras", keras_peer)):
            if name in missing:
                continue
            try:
                p = peer(rows)
            except ImportError as err:
                print(f"# {name}: not installed ({err})", file=sys.stderr)
                missing.add(name)
                continue
            print(
                f"# {name}: mlp {p['mlp']:.0f} samples/s, tiny {p['tiny'] * 1e3:.1f} ms, "
                f"predict {p['predict'] * 1e3:.2f} ms",
                file=sys.stderr,
            )
            peers[name] = better(peers.get(name), p)
    best_run = None
    for r in runs:
        print(
            f"# nnbook: mlp {r['mlp_train']:.0f} samples/s, tiny {r['tiny_train']:.1f} ms, "
            f"predict {r['mesh_predict']:.2f} ms, FMA peak {r['fma_peak']:.0f} GFLOP/s",
            file=sys.stderr,
        )
        best_run = better(best_run, r)
    ours = {
        "mlp": best_run["mlp_train"],
        "tiny": best_run["tiny_train"] / 1e3,
        "predict": best_run["mesh_predict"] / 1e3,
        "gflops": best_run["mlp_gflops"],
        "peak": best_run["fma_peak"],
    }
    for name, p in peers.items():
        # Above 1 means nnbook is faster: a rate over a rate, or a time over a time.
        print(f"BENCH mlp_vs_{name} {ours['mlp'] / p['mlp']:.2f} x")
        print(f"BENCH tiny_vs_{name} {p['tiny'] / ours['tiny']:.2f} x")
        print(f"BENCH predict_vs_{name} {p['predict'] / ours['predict']:.2f} x")
    if peers:
        fastest = max(peers, key=lambda n: peers[n]["mlp"])
        print(f"BENCH mlp_vs_fastest_peer {ours['mlp'] / peers[fastest]['mlp']:.2f} x")
        print(f"# fastest MLP peer: {fastest}", file=sys.stderr)
    print(f"BENCH mlp_fraction_of_peak {ours['gflops'] / ours['peak']:.3f} x")
    if "--book" in args:
        sys.stdout.flush()
        out = subprocess.run(
            ["cargo", "bench", "--bench", "book"],
            cwd=ROOT,
            check=True,
            stdout=subprocess.PIPE,
            text=True,
        ).stdout
        for line in out.splitlines():
            if line.startswith("BENCH "):
                print(line)


if __name__ == "__main__":
    main()
