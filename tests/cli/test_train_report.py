"""What `autograd-core train` tells its user: the model, which weights it kept,
numbers that fit the table, a run that diverged, percentages that do not round up."""

import re

import pytest

import nn
from autograd_core.cli import main
from autograd_core.cli import report
from autograd_core.cli import train as train_cmd

pytestmark = pytest.mark.slow  # seconds per test: left out of pytest -m "not slow"


def _run(tmp_path, capsys, *flags):
    argv = ["train", "--dataset", "moons", "--samples", "100", "--out", str(tmp_path),
            "--no-progress", *flags]
    assert main(argv) == 0
    return capsys.readouterr().out


def _table(out):
    lines = out.splitlines()
    start = lines.index(next(line for line in lines if line.startswith("final")))
    return lines[start:start + 3]


def test_hidden_none_is_a_linear_model(tmp_path, capsys):
    out = _run(tmp_path, capsys, "--hidden", "none", "--epochs", "2")
    model_line = next(line for line in out.splitlines() if line.startswith("model:"))
    assert "nn.MLP(2, [1])" in model_line
    assert "no hidden layer" in model_line and "relu" not in model_line
    default = _run(tmp_path, capsys, "--epochs", "2")
    assert "relu hidden layers" in default


def test_says_when_the_best_epochs_weights_were_restored(tmp_path, capsys):
    out = _run(tmp_path, capsys, "--epochs", "40", "--seed", "1")
    m = re.search(r"^trained for 40 epochs; restored the weights of epoch (\d+), which had "
                  r"the lowest validation loss", out, re.MULTILINE)
    assert m and 1 <= int(m[1]) < 40
    # Those are the weights saved, and the weights the final numbers are about.
    model = nn.MLP(2, [16, 16, 1])
    nn.load(model, tmp_path / "model.npz")


def test_says_when_the_last_epoch_was_the_best():
    history = nn.History(loss=[0.5, 0.4], val_loss=[0.6, 0.5], epochs_run=2, best_epoch=1)
    assert report.stop_line(history, 20) == (
        "trained for 2 epochs (the last had the lowest validation loss; its weights are kept)")
    assert report.stop_line(history, None) == "trained for 2 epochs"


def test_a_diverging_run_keeps_the_table_and_says_so(tmp_path, capsys):
    out = _run(tmp_path, capsys, "--lr", "1e6", "--epochs", "5")
    table = _table(out)
    assert table[0] == f"{'final':<12}{'loss':>10}{'accuracy':>10}"
    for row in table[1:]:
        assert len(row) == len(table[0]), row  # the columns stay aligned
        name, loss, acc = row.split()
        assert name in ("train", "validation") and acc.endswith("%")
        float(loss)
    train_loss = float(table[1].split()[1])
    assert train_loss > 100
    m = re.search(r"^training diverged: the training loss went from ([\d.]+) before training "
                  r"to (\S+); try a smaller --lr \(this run used 1e\+06\)$", out, re.MULTILINE)
    assert m and float(m[2]) == train_loss and float(m[1]) < 1


def test_a_good_run_does_not_claim_divergence(tmp_path, capsys):
    out = _run(tmp_path, capsys, "--epochs", "20")
    assert "diverged" not in out


@pytest.mark.parametrize("x, decimals, text", [
    (0.9958, 0, "99.6%"), (0.99958, 0, "99.96%"), (1.0, 0, "100%"), (0.994, 0, "99%"),
    (0.5, 0, "50%"), (0.0, 0, "0%"), (0.99999, 2, "99.999%"), (0.9958, 2, "99.58%"),
])
def test_percentages_never_round_up_to_100(x, decimals, text):
    assert report.percent(x, decimals) == text


@pytest.mark.parametrize("x, text", [
    (0.078, "0.0780"), (98608.2441, "98608.2441"), (101573151367925.9375, "1.016e+14"),
    (1.2e-5, "1.2e-05"), (0.0, "0.0000"), (float("nan"), "nan"), (float("inf"), "inf"),
])
def test_losses_fit_in_ten_characters(x, text):
    assert report.loss_text(x) == text and len(text) <= 10


def test_the_boundary_title_does_not_round_up(tmp_path, capsys, monkeypatch):
    titles = []
    monkeypatch.setattr(train_cmd, "plot_boundary",
                        lambda path, *args: titles.append(args[-1]))
    real = nn.evaluate
    monkeypatch.setattr(nn, "evaluate", lambda *a: (real(*a)[0], 0.9958))
    out = _run(tmp_path, capsys, "--epochs", "2")
    assert titles == ["moons: decision boundary (train 99.6%, validation 99.6%)"]
    assert re.search(r"^train\s+\S+\s+99\.58%$", out, re.MULTILINE)
