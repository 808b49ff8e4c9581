"""Where the bridge to PyTorch leads: nn.export_onnx checked in ONNX Runtime, and a
model carried to PyTorch trained there with DistributedDataParallel over two
processes, ending where one process here ends."""

import copy
import datetime
import socket
import time

import numpy as np
import pytest

import nn
import optim
from autograd_core import no_grad

pytestmark = pytest.mark.slow  # seconds per test: left out of pytest -m "not slow"


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


@pytest.fixture
def ort():
    pytest.importorskip("onnxscript")
    return pytest.importorskip("onnxruntime")


def run_onnx(ort, path, x):
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    return session.run(None, {"input": x})[0]


def evaluate(model, x):
    with no_grad():
        return model(x).data


# -- ONNX ------------------------------------------------------------------------------


def test_onnx_float64_model_runs_in_float64(torch, ort, tmp_path):
    model = nn.Sequential(nn.MLP(3, [6, 4], activation="tanh", rng=0), nn.Dropout(0.5),
                          nn.Linear(4, 2, rng=1), nn.Sigmoid())
    example = np.random.default_rng(0).standard_normal((8, 3))
    path = nn.export_onnx(model, example, tmp_path / "model.onnx")
    assert path == tmp_path / "model.onnx" and path.stat().st_size > 0
    # The module is left in training mode; the export computes as in evaluation mode.
    assert all(m.training for m in model.modules())
    import onnx
    onnx.checker.check_model(onnx.load(str(path)))
    other = np.random.default_rng(1).standard_normal((5, 3))  # another batch size
    got = run_onnx(ort, path, other)
    assert got.dtype == np.float64
    np.testing.assert_allclose(got, evaluate(model.eval(), other), rtol=1e-13, atol=1e-14)


def test_onnx_float32_model_and_a_single_sample(torch, ort, tmp_path):
    model = nn.MLP(4, [8, 3], rng=2, dtype=np.float32)
    batch = np.random.default_rng(2).standard_normal((6, 4)).astype(np.float32)
    path = nn.export_onnx(model, batch, tmp_path / "f32.onnx")
    got = run_onnx(ort, path, batch)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, evaluate(model, batch), rtol=1e-5, atol=1e-6)
    sample = batch[0]
    path = nn.export_onnx(model, sample.tolist(), str(tmp_path / "one.onnx"))
    np.testing.assert_allclose(run_onnx(ort, path, sample), evaluate(model, sample),
                               rtol=1e-5, atol=1e-6)


def test_onnx_carries_a_module_by_tracing_and_refuses_what_cannot_be(torch, ort, tmp_path):
    class Doubler(nn.Module):
        def forward(self, x):
            return x * 2

    class NotAValue(nn.Module):
        def forward(self, x):
            return np.asarray(x) * 2

    batch = np.arange(6.0).reshape(3, 2)
    path = nn.export_onnx(Doubler(), batch, tmp_path / "doubler.onnx")
    np.testing.assert_array_equal(run_onnx(ort, path, batch), batch * 2)
    with pytest.raises(TypeError, match="NotAValue"):
        nn.export_onnx(NotAValue(), batch, tmp_path / "no.onnx")
    assert not (tmp_path / "no.onnx").exists()


# -- DistributedDataParallel over two processes ----------------------------------------


def ddp_worker(rank, world_size, port, module, optimizer_class, optimizer_state, X, y,
               batches, out):
    """One process of the distributed run (spawned: it must be importable)."""
    import torch
    import torch.distributed as dist
    from torch.nn.parallel import DistributedDataParallel

    torch.set_num_threads(1)  # two processes on a two-core machine
    dist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{port}", rank=rank,
                            world_size=world_size, timeout=datetime.timedelta(seconds=60))
    try:
        # Tensors in the arguments arrive in memory that both processes share: each
        # trains its own copy of the model and of the optimizer's state.
        module, optimizer_state = copy.deepcopy((module, optimizer_state))
        model = DistributedDataParallel(module)
        opt = optimizer_class(model.parameters())
        opt.load_state_dict(optimizer_state)
        for rows in batches:
            mine = rows[rank::world_size]  # half of each batch; DDP averages the gradients
            opt.zero_grad()
            torch.nn.functional.cross_entropy(model(X[mine]), y[mine]).backward()
            opt.step()
        if rank == 0:
            torch.save(model.module.state_dict(), out)
    finally:
        dist.destroy_process_group()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def spawn(fn, args, nprocs, timeout):
    """torch.multiprocessing.spawn, ended (and failed) after `timeout` seconds."""
    import torch.multiprocessing as mp

    context = mp.spawn(fn, args=args, nprocs=nprocs, join=False)
    deadline = time.monotonic() + timeout
    while not context.join(timeout=max(deadline - time.monotonic(), 0.1)):
        if time.monotonic() > deadline:
            for process in context.processes:
                process.kill()
            pytest.fail(f"the distributed run took more than {timeout} s")


def test_distributed_run_matches_one_process(torch, tmp_path):
    X, y = nn.datasets.moons(64, noise=0.1, rng=0)
    batches = [np.random.default_rng(k).permutation(64)[:16] for k in range(9)]
    model = nn.MLP(2, [8, 2], activation="tanh", rng=0)
    opt = optim.Adam(model.parameters(), lr=0.02)
    loss_fn = nn.CrossEntropyLoss()

    def step(rows):
        model.zero_grad()
        loss_fn(model(X[rows]), y[rows]).backward()
        opt.step()

    for rows in batches[:3]:
        step(rows)
    theirs, topt = nn.to_torch(model, opt)
    start = [p.data.copy() for p in model.parameters()]
    out = tmp_path / "trained.pt"
    spawn(ddp_worker, (2, free_port(), theirs, type(topt), topt.state_dict(),
                       torch.from_numpy(X), torch.from_numpy(y), batches[3:], str(out)),
          nprocs=2, timeout=120)  # 20-35 s measured on a busy two-core machine
    for rows in batches[3:]:  # the same batches, in one process, here
        step(rows)
    theirs.load_state_dict(torch.load(out))
    back = nn.from_torch(theirs)
    assert len(back.parameters()) == len(model.parameters())
    for a, b, s in zip(back.parameters(), model.parameters(), start):
        assert np.abs(a.data - s).max() > 1e-3  # six steps moved every parameter
        np.testing.assert_allclose(a.data, b.data, rtol=0, atol=1e-10)
