"""`autograd-core demo`: the classic NumPy XOR examples, run by the engine.

1. The classic example: a 2-2-1 sigmoid network without biases, its initial
   weights drawn after ``np.random.seed(1)``, 10,000 full-batch steps of its
   update. The engine (Values, ``backward()``, `optim.SGD`) does the same
   arithmetic and prints the example's predictions for the new inputs
   ``[[0, 1], [1, 0]]``, 0.86002842 and 0.86003543, beside the numbers the
   example printed. Without biases the network does not learn XOR.
2. With a bias: the classic example's XOR network with a constant third input
   of 1 (the hidden layer's bias) and 4 hidden units, trained for ``--steps``
   steps at ``--lr``; it fits all four rows. Its loss as it trains, its
   predictions, and the computational graph of its last forward pass and loss
   (``xor_graph.svg`` in ``--out``).
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from .train import prepare_out_dir

if TYPE_CHECKING:
    from autograd_core import Value

    from autograd_core import nn

__all__ = ["CLASSIC_PRINTED", "classic_network", "classic_network_with_biases", "descend",
           "example_weights", "run_classic", "run_demo"]

# What the classic example printed for the new inputs [[0, 1], [1, 0]] after training.
CLASSIC_PRINTED = ("0.86002842", "0.86003543")
CLASSIC_STEPS = 10_000
NEW_INPUTS = np.array([[0.0, 1.0], [1.0, 0.0]])


def example_weights(*shapes: tuple[int, ...]) -> list[np.ndarray]:
    """The classic examples' initial weights, without touching NumPy's global generator.

    Args:
        *shapes: the shapes of the weight matrices, in the order the example draws them.

    Returns:
        What ``np.random.seed(1)`` followed by ``2*np.random.random(shape) - 1`` for
        each shape in turn gives.
    """
    stream = np.random.RandomState(1)  # the stream np.random.seed(1) gives
    return [2 * stream.random_sample(shape) - 1 for shape in shapes]


def classic_network() -> nn.Sequential:
    """The 2-2-1 sigmoid network without biases of the classic example, same initial
    weights (``syn0`` of shape (2, 2), then ``syn1`` of shape (2, 1))."""
    from autograd_core import nn

    syn0, syn1 = example_weights((2, 2), (2, 1))
    model = nn.Sequential(nn.Linear(2, 2, bias=False), nn.Sigmoid(),
                          nn.Linear(2, 1, bias=False), nn.Sigmoid())
    model.load_state_dict({"0.weight": syn0, "2.weight": syn1})
    return model


def classic_network_with_biases() -> nn.Sequential:
    """The classic example's 2-2-1 sigmoid network with biases: the same initial
    weights (``syn0`` of shape (2, 2), then ``syn1`` of shape (2, 1)), biases
    starting at zero."""
    from autograd_core import nn

    syn0, syn1 = example_weights((2, 2), (2, 1))
    model = nn.Sequential(nn.Linear(2, 2), nn.Sigmoid(), nn.Linear(2, 1), nn.Sigmoid())
    model.load_state_dict({"0.weight": syn0, "0.bias": np.zeros(2),
                           "2.weight": syn1, "2.bias": np.zeros(1)})
    return model


def descend(model: nn.Module, lr: float, steps: int,
            report: Callable[[int, Value], None] | None = None) -> tuple[Value, Value]:
    """The examples' training, by the engine: full-batch gradient descent on
    ``0.5 * sum((prediction - target) ** 2)`` over the four XOR rows.

    ``w -= lr * dL/dw`` is the examples' ``w += X.T @ delta``. The forward pass
    runs once more after the last step, and its backward pass fills the grads that
    the drawing of the graph shows.

    Args:
        model: the network, trained in place.
        lr: the learning rate.
        steps: the number of updates.
        report: called as ``report(step, loss)`` after each forward pass.

    Returns:
        The prediction and the loss of the last forward pass.
    """
    from autograd_core import Value, nn, optim

    X, y = nn.datasets.xor()
    x = Value(X, requires_grad=False, label="x")
    target = Value(y, requires_grad=False, label="target")
    opt = optim.SGD(model.parameters(), lr=lr)
    for step in range(steps + 1):
        opt.zero_grad()
        pred = model(x)
        loss = 0.5 * ((pred - target) ** 2).sum()
        loss.label = "loss"
        if report is not None:
            report(step, loss)
        loss.backward()
        if step < steps:
            opt.step()
    return pred, loss


def run_classic() -> None:
    """Part 1: the classic example without biases, and its printed predictions."""
    from autograd_core import no_grad

    print("1. The classic NumPy example, run by autograd-core")
    print("  2 inputs -> 2 sigmoid hidden units -> 1 sigmoid output, no biases")
    print("  initial weights: np.random.seed(1), then 2*np.random.random((2, 2)) - 1")
    print(f"  and 2*np.random.random((2, 1)) - 1; {CLASSIC_STEPS:,} full-batch steps of the "
          "example's")
    print("  update, w += X.T @ delta: gradient descent on 0.5 * sum of squared errors")
    print("  over the 4 XOR rows, learning rate 1", flush=True)
    model = classic_network()
    pred, _ = descend(model, 1.0, CLASSIC_STEPS)
    with no_grad():
        new = model(NEW_INPUTS).data[:, 0]
    ours = [f"{p:.8f}" for p in new]
    print()
    print(f"  {'new input':>9}  {'autograd-core':>13}  {'the example printed':>19}")
    for (a, b), got, printed in zip(NEW_INPUTS, ours, CLASSIC_PRINTED):
        print(f"  {f'[{a:.0f}, {b:.0f}]':>9}  {got:>13}  {printed:>19}")
    print("  the same digits: Values and backward() do the example's arithmetic"
          if ours == list(CLASSIC_PRINTED) else
          "  these differ from the digits the example printed")
    print("  without biases the network does not learn XOR: for the rows [0,0] [0,1] "
          "[1,0] [1,1]")
    print("  (targets 0 1 1 0) it predicts " + " ".join(f"{p:.4f}" for p in pred.data[:, 0]))
    print()


def run_demo(args: argparse.Namespace) -> int:
    """Run the ``demo`` command.

    Args:
        args: the parsed arguments (``steps``, ``lr`` and ``out``).

    Returns:
        The exit status, 0.
    """
    from autograd_core import nn

    out = prepare_out_dir(args.out)
    run_classic()
    print(f"2. The same network with biases, {args.steps} steps at learning rate {args.lr:g}")
    print("  2 inputs -> 2 sigmoid hidden units -> 1 sigmoid output, each with a bias")
    print("  the same initial weights as above, biases starting at 0")
    print("  loss 0.5 * sum of squared errors over the 4 rows; full-batch gradient descent")
    print()
    print(f"{'step':>7}  {'loss':>10}")
    every = max(1, args.steps // 8)

    def report(step: int, loss: Value) -> None:
        if step % every == 0 or step == args.steps:
            print(f"{step:>7}  {loss.item():>10.6g}", flush=True)

    pred, loss = descend(classic_network_with_biases(), args.lr, args.steps, report)
    X, y = nn.datasets.xor()
    p = pred.data[:, 0]
    print()
    print(f"{'x1':>4}{'x2':>4}{'target':>8}{'prediction':>12}")
    for (a, b), t, q in zip(X, y[:, 0], p):
        print(f"{a:>4.0f}{b:>4.0f}{t:>8.0f}{q:>12.4f}")
    solved = bool(np.all(np.abs(p - y[:, 0]) < 0.1))
    print("solved: every prediction is within 0.1 of its target" if solved else
          "not solved yet: some prediction is 0.1 or more from its target "
          "(try more --steps)")

    from ..viz import draw_graph

    svg = draw_graph(loss).pipe(format="svg")
    path = os.path.join(out, "xor_graph.svg")
    with open(path, "wb") as f:
        f.write(svg if isinstance(svg, bytes) else svg.encode("utf-8"))
    print(f"computational graph of the final forward pass and loss written to "
          f"{os.path.abspath(path)}")
    return 0
