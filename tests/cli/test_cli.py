"""The `autograd-core` command line: demo, train, help and error handling."""

import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from importlib.metadata import entry_points

import numpy as np
import pytest

import nn
from autograd_core.cli import main, models

pytestmark = pytest.mark.slow  # seconds per test: left out of pytest -m "not slow"

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def train_by_hand(X, syn0, syn1, steps):
    """The loop of the classic numpy examples, written out by hand: `steps` full-batch
    updates of syn0 and syn1 on the XOR targets; returns the trained network."""
    y = np.array([[0, 1, 1, 0]]).T
    for _ in range(steps):
        l1 = 1 / (1 + np.exp(-X @ syn0))
        l2 = 1 / (1 + np.exp(-l1 @ syn1))
        l2_delta = (y - l2) * l2 * (1 - l2)
        l1_delta = l2_delta @ syn1.T * l1 * (1 - l1)
        syn1 += l1.T @ l2_delta
        syn0 += X.T @ l1_delta
    return lambda inputs: (1 / (1 + np.exp(-(1 / (1 + np.exp(-inputs @ syn0))) @ syn1)))[:, 0]


def classic_numpy_xor(steps):
    """The classic 2-2-1 network with biases (a constant third input of 1 in each layer,
    its weights starting at 0), trained by hand: the first loss and the predictions
    after `steps`."""
    np.random.seed(1)
    X = np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]])
    syn0 = np.vstack([2 * np.random.random((2, 2)) - 1, np.zeros((1, 2))])
    syn1 = np.vstack([2 * np.random.random((2, 1)) - 1, np.zeros((1, 1))])
    y = np.array([[0, 1, 1, 0]]).T
    first = None
    for _ in range(steps):
        l1 = np.hstack([1 / (1 + np.exp(-X @ syn0)), np.ones((4, 1))])
        l2 = 1 / (1 + np.exp(-l1 @ syn1))
        first = 0.5 * ((l2 - y) ** 2).sum() if first is None else first
        l2_delta = (y - l2) * l2 * (1 - l2)
        l1_delta = (l2_delta @ syn1.T * l1 * (1 - l1))[:, :2]
        syn1 += l1.T @ l2_delta
        syn0 += X.T @ l1_delta
    l1 = np.hstack([1 / (1 + np.exp(-X @ syn0)), np.ones((4, 1))])
    return first, (1 / (1 + np.exp(-l1 @ syn1)))[:, 0]


# What the classic example without biases printed for the new inputs [[0, 1], [1, 0]].
PRINTED_BY_THE_EXAMPLE = ["0.86002842", "0.86003543"]


def classic_numpy_without_biases(steps=10_000):
    """The classic numpy 2-2-1 example without biases: its predictions for the four XOR
    rows and for the new inputs [[0, 1], [1, 0]]."""
    np.random.seed(1)
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
    syn0 = 2 * np.random.random((2, 2)) - 1
    syn1 = 2 * np.random.random((2, 1)) - 1
    predict = train_by_hand(X, syn0, syn1, steps)
    return predict(X), predict(np.array([[0, 1], [1, 0]]))


def classic_table(out):
    """The rows (input, autograd-core's prediction, the example's) of demo's first part."""
    return re.findall(r"^\s*(\[[01], [01]\])\s+(\d\.\d{8})\s+(\d\.\d{8})\s*$", out, re.M)


def prediction_table(out):
    """The rows (x1, x2, target, prediction) of the table that demo prints."""
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.split() == ["x1", "x2", "target",
                                                                        "prediction"])
    return [tuple(float(v) for v in line.split()) for line in lines[start + 1:start + 5]]


def loss_lines(out):
    pattern = r"^\s*(\d+)\s+([\d.]+(?:e-\d+)?)\s*$"
    return [(int(m[1]), float(m[2])) for m in re.finditer(pattern, out, re.MULTILINE)]


def check_svg(path):
    root = ET.parse(path).getroot()
    assert root.tag.endswith("svg")
    text = path.read_text(encoding="utf-8")
    assert "loss" in text and "0.weight" in text and "2.weight" in text


def test_demo_solves_xor_and_draws_the_graph(tmp_path, capsys):
    assert main(["demo", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    rows = prediction_table(out)
    assert [r[:3] for r in rows] == [(0, 0, 0), (0, 1, 1), (1, 0, 1), (1, 1, 0)]
    for *_, target, pred in rows:
        assert (pred < 0.1) if target == 0 else (pred > 0.9)
    assert "solved" in out and "not solved" not in out
    # The same weights, loss and update as the numpy example give the same network.
    first_loss, by_hand = classic_numpy_xor(2000)
    np.testing.assert_allclose([r[3] for r in rows], by_hand, atol=1e-4)
    losses = loss_lines(out)
    assert 5 <= len(losses) <= 12
    assert losses[0][0] == 0 and losses[-1][0] == 2000
    assert losses[0][1] == pytest.approx(first_loss, abs=1e-6)  # from the numpy loop
    assert losses[-1][1] < 0.01
    svg = tmp_path / "xor_graph.svg"
    check_svg(svg)
    assert str(svg) in out


def test_demo_with_few_steps_says_it_is_not_solved(tmp_path, capsys):
    assert main(["demo", "--steps", "10", "--out", str(tmp_path / "new")]) == 0
    out = capsys.readouterr().out
    assert "not solved" in out
    np.testing.assert_allclose([r[3] for r in prediction_table(out)], classic_numpy_xor(10)[1],
                               atol=1e-4)
    check_svg(tmp_path / "new" / "xor_graph.svg")


def test_demo_first_reproduces_the_classic_example_without_biases(tmp_path, capsys):
    rows, new = classic_numpy_without_biases()
    assert [f"{p:.8f}" for p in new] == PRINTED_BY_THE_EXAMPLE  # the example, rebuilt
    # --steps and --lr set the second part only: the first is the example's run.
    assert main(["demo", "--steps", "10", "--lr", "0.5", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert classic_table(out) == [("[0, 1]", "0.86002842", "0.86002842"),
                                  ("[1, 0]", "0.86003543", "0.86003543")]
    assert "the same digits" in out
    four = re.search(r"it predicts ((?:\d\.\d{4} ?){4})$", out, re.M)
    np.testing.assert_allclose([float(v) for v in four[1].split()], rows, atol=5e-5)
    assert out.index("0.86003543") < out.index("2. The same network with biases") < out.index("x1  x2")
    assert "10 steps at learning rate 0.5" in out
    check_svg(tmp_path / "xor_graph.svg")


def test_demo_runs_beside_a_students_nn_py_and_optim_py(tmp_path):
    # `python -m` puts the working directory first on sys.path, where a student's own
    # nn.py and optim.py would shadow the libraries; the demo must not import them.
    for name in ("nn", "optim"):
        (tmp_path / f"{name}.py").write_text(f"raise RuntimeError('the student {name}.py ran')\n")
    proc = subprocess.run([sys.executable, "-m", "autograd_core.cli", "demo", "--steps", "10"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120,
                          check=False)
    assert proc.returncode == 0, proc.stderr
    assert [r[1] for r in classic_table(proc.stdout)] == PRINTED_BY_THE_EXAMPLE
    check_svg(tmp_path / "xor_graph.svg")


def test_python_dash_m_demo_writes_into_the_current_directory(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "autograd_core.cli", "demo"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    assert all((p < 0.1) if t == 0 else (p > 0.9)
               for *_, t, p in prediction_table(proc.stdout))
    check_svg(tmp_path / "xor_graph.svg")


def test_console_script_points_at_main():
    (ep,) = entry_points(group="console_scripts", name="autograd-core")
    assert ep.load() is main


def test_train_moons_writes_plots_and_a_loadable_checkpoint(tmp_path, capsys):
    out_dir = tmp_path / "run"
    argv = ["train", "--dataset", "moons", "--epochs", "30", "--samples", "200",
            "--out", str(out_dir), "--seed", "3"]
    assert main(argv) == 0
    captured = capsys.readouterr()
    assert "loss=" in captured.err  # the progress bar
    metrics = dict(re.findall(r"^(train|validation)\s+[\d.]+\s+([\d.]+)%$",
                              captured.out, re.MULTILINE))
    assert set(metrics) == {"train", "validation"}
    assert float(metrics["validation"]) > 80
    for name in ("loss_curve.png", "decision_boundary.png"):
        assert (out_dir / name).read_bytes()[:8] == PNG_MAGIC
    model = nn.MLP(2, [16, 16, 1])
    nn.load(model, out_dir / "model.npz")
    X, y = nn.datasets.moons(300, noise=0.2, rng=12345)  # fresh points
    accuracy = np.mean((model(X).data[:, 0] > 0) == (y == 1))
    assert accuracy > 0.8
    with pytest.raises(ValueError,
                       match=r"entry 'layers.0.weight' has shape \(2, 16\), but the parameter has shape \(2, 8\)"):
        nn.load(nn.MLP(2, [8, 1]), out_dir / "model.npz")


def test_train_stops_early_with_patience(tmp_path, capsys):
    argv = ["train", "--dataset", "moons", "--epochs", "500", "--patience", "3",
            "--samples", "100", "--out", str(tmp_path), "--no-progress"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    m = re.search(r"stopped after (\d+) epochs: the validation loss did not improve for 3 "
                  r"epochs; restored the weights of epoch (\d+)", out)
    assert m and int(m[2]) == int(m[1]) - 3


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "rmsprop", "adam"])
def test_train_xor_with_each_optimizer(tmp_path, capsys, optimizer):
    argv = ["train", "--dataset", "xor", "--optimizer", optimizer, "--out", str(tmp_path),
            "--no-progress"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert re.search(r"^train\s+[\d.]+\s+100\.00%$", out, re.MULTILINE)
    assert not re.search(r"^validation", out, re.MULTILINE)  # the truth table is not split
    assert (tmp_path / "decision_boundary.png").read_bytes()[:8] == PNG_MAGIC
    nn.load(nn.MLP(2, [16, 16, 1]), tmp_path / "model.npz")


def test_train_multiclass_and_non_2d_datasets(tmp_path, capsys):
    spirals = tmp_path / "spirals"
    assert main(["train", "--dataset", "spirals", "--hidden", "8", "--epochs", "3",
                 "--out", str(spirals), "--no-progress"]) == 0
    nn.load(nn.MLP(2, [8, 3]), spirals / "model.npz")  # one logit per class
    assert (spirals / "decision_boundary.png").read_bytes()[:8] == PNG_MAGIC

    parity = tmp_path / "parity"
    assert main(["train", "--dataset", "parity", "--bits", "3", "--hidden", "8,8",
                 "--epochs", "5", "--out", str(parity), "--no-progress"]) == 0
    nn.load(nn.MLP(3, [8, 8, 1]), parity / "model.npz")
    assert (parity / "loss_curve.png").read_bytes()[:8] == PNG_MAGIC
    assert not (parity / "decision_boundary.png").exists()

    digits = tmp_path / "digits"
    assert main(["train", "--dataset", "digits", "--hidden", "8", "--epochs", "1",
                 "--batch-size", "full", "--out", str(digits), "--no-progress"]) == 0
    nn.load(nn.MLP(64, [8, 10]), digits / "model.npz")
    assert not (digits / "decision_boundary.png").exists()
    out = capsys.readouterr().out
    assert "1797 samples, 64 features, 10 classes" in out


def test_help_describes_commands_and_flags(capsys):
    assert main(["--help"]) == 0
    top = capsys.readouterr().out
    assert "demo" in top and "train" in top and "example" in top
    assert main(["train", "--help"]) == 0
    text = capsys.readouterr().out
    for flag in ("--dataset", "--hidden", "--optimizer", "--lr", "--epochs", "--batch-size",
                 "--patience", "--seed", "--val-split", "--bits", "--out", "--model"):
        assert flag in text
    for name in ("xor", "parity", "moons", "spirals", "digits", "sgd", "momentum",
                 "rmsprop", "adam", "example", "mlp", "cnn"):
        assert name in text
    assert main(["demo", "--help"]) == 0
    assert "xor_graph.svg" in capsys.readouterr().out


@pytest.fixture
def a_file(tmp_path):
    path = tmp_path / "a_file"
    path.write_text("not a directory")
    return path


@pytest.mark.parametrize("argv, mentions", [
    (["train", "--dataset", "mnist"], "--dataset"),
    (["train", "--dataset", "moons", "--hidden", "16,x"], "--hidden"),
    (["train", "--dataset", "moons", "--hidden", "16,0"], "--hidden"),
    (["train", "--dataset", "moons", "--lr", "-0.1"], "--lr"),
    (["train", "--dataset", "moons", "--lr", "inf"], "--lr"),
    (["train", "--dataset", "moons", "--epochs", "0"], "--epochs"),
    (["train", "--dataset", "moons", "--batch-size", "-4"], "--batch-size"),
    (["train", "--dataset", "moons", "--val-split", "1.5"], "--val-split"),
    (["train", "--dataset", "moons", "--optimizer", "lbfgs"], "--optimizer"),
    (["train", "--dataset", "digits", "--model", "resnet"], "--model"),
    (["train", "--dataset", "moons", "--model", "cnn"], "--model cnn"),
    (["train", "--dataset", "digits", "--model", "cnn", "--hidden", "8"], "--hidden"),
    (["train", "--dataset", "moons", "--bits", "5"], "--bits"),
    (["train", "--dataset", "parity", "--bits", "99"], "--bits"),
    (["train", "--dataset", "moons", "--out", "{file}/sub"], "--out"),
    (["train", "--dataset", "moons", "--out", "{file}"], "--out"),
    (["demo", "--out", "{file}"], "--out"),
    (["demo", "--steps", "-1"], "--steps"),
    (["train"], "--dataset"),
    (["frobnicate"], "frobnicate"),
    ([], "COMMAND"),
])
def test_bad_arguments_fail_with_one_line(argv, mentions, a_file, tmp_path, capsys,
                                          monkeypatch):
    monkeypatch.chdir(tmp_path)
    argv = [a.replace("{file}", str(a_file)) for a in argv]
    assert main(argv) != 0
    captured = capsys.readouterr()
    err = captured.err.strip()
    assert "Traceback" not in captured.err and captured.out == ""
    assert len(err.splitlines()) == 1
    assert "error" in err and mentions in err
    assert not os.path.exists(tmp_path / "runs")  # nothing trained, nothing written


def test_bad_argument_through_the_interpreter_has_no_traceback(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "autograd_core.cli", "train", "--dataset",
                           "moons", "--hidden", "16,x"], cwd=tmp_path, capture_output=True,
                          text=True, timeout=60, check=False)
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr
    assert "--hidden" in proc.stderr


def test_train_digits_cnn_reaches_98_percent_on_the_held_out_digits(tmp_path, capsys):
    out_dir = tmp_path / "cnn"
    assert main(["train", "--dataset", "digits", "--model", "cnn", "--out", str(out_dir),
                 "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "Conv2d(1, 16, 3, padding=1)" in out and "MaxPool2d(2)" in out
    m = re.search(r"^test accuracy on the (\d+) held-out rows \(never trained on\): "
                  r"([\d.]+)%$", out, re.MULTILINE)
    assert m, out
    assert int(m[1]) == 359 and float(m[2]) >= 98.0
    assert "restored the weights" not in out  # the held-out rows chose no weights
    assert (out_dir / "loss_curve.png").read_bytes()[:8] == PNG_MAGIC
    # The checkpoint holds that model: it scores the same on the same held-out rows.
    model = models.cnn(8, 10)
    nn.load(model, out_dir / "model.npz")
    X, y = nn.datasets.digits()
    split_rng = np.random.default_rng(np.random.SeedSequence(0).spawn(4)[1])
    _, (X_val, y_val) = nn.train_val_split(X.reshape(-1, 1, 8, 8), y, 0.2, split_rng)
    accuracy = np.mean(model(X_val).data.argmax(axis=1) == y_val)
    assert accuracy == pytest.approx(float(m[2]) / 100, abs=1e-4)
    assert accuracy >= 0.98
