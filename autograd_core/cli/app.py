"""Argument parsing and ``main`` of the ``autograd-core`` command.

``autograd-core demo`` (module `demo`) reproduces the classic numpy XOR examples
with the engine and draws a computational graph; ``autograd-core train``
(module `train`) fits an `nn.MLP` (or a CNN on the digits) to a bundled dataset; ``autograd-core
exercises`` (module `exercises`) writes the hand-out of an exercise notebook.
Run ``autograd-core --help`` for the details.
"""

from __future__ import annotations

import argparse
import math
import sys
import textwrap
from collections.abc import Sequence

from .demo import run_demo
from .exercises import run_exercises
from .train import CNN_DEFAULTS, DATASETS, MODELS, OPTIMIZERS, CliError, run_train

__all__ = ["build_parser", "main"]

PROG = "autograd-core"


class _UsageError(CliError):
    """An argument the parser refused; carries the (sub)command's name."""

    def __init__(self, prog: str, message: str) -> None:
        super().__init__(message)
        self.prog = prog


class _Parser(argparse.ArgumentParser):
    """An `ArgumentParser` whose errors become exceptions instead of exits."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise _UsageError(self.prog, message)


def _hidden(text: str) -> list[int]:
    """Parse ``--hidden``: comma-separated positive layer widths, or ``none``."""
    if text.strip().lower() == "none":
        return []
    widths = []
    for part in text.split(","):
        part = part.strip()
        if not part.isdigit() or int(part) < 1:
            raise argparse.ArgumentTypeError(
                f"expected comma-separated positive integers such as 16,16 (or 'none'), "
                f"got {text!r}")
        widths.append(int(part))
    return widths


def _number(kind: type, low: float, low_ok: bool, high: float | None = None,
            what: str = "") -> type:
    """An argparse type: a ``kind`` (int or float) with ``low <(=) x (< high)``."""

    def parse(text: str) -> int | float:
        try:
            x = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}") from None
        if not math.isfinite(x) or x < low or (x == low and not low_ok) \
                or (high is not None and x >= high):
            raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}")
        return x

    parse.__name__ = what
    return parse  # type: ignore[return-value]


def _batch_size(text: str) -> int | None:
    if text.strip().lower() == "full":
        return None
    return _number(int, 1, True, what="a positive integer or 'full'")(text)


_EPILOG_DEMO = """--steps and --lr set the training of part 2; part 1 is always the classic
example's 10,000 steps at learning rate 1.

example:
  autograd-core demo                 # writes ./xor_graph.svg
  autograd-core demo --steps 60000   # part 2 as the example ran it; predictions
                                     # 0.003 0.997 0.997 0.004
"""

_EPILOG_TRAIN = """binary datasets (xor, parity, moons) get one output logit and BCE-with-logits;
spirals and digits get one logit per class and cross-entropy. Unset flags take
per-dataset defaults (shown when the run starts). xor and parity train on the
whole truth table (no validation split unless --val-split is given).

--model cnn (digits only) trains two 3x3 Conv2d + ReLU + MaxPool2d(2) blocks and
a Linear head on the 8x8 images, and prints its accuracy on the held-out fifth
of the digits (never trained on; no early stopping unless --patience is given).

files written to --out:
  loss_curve.png          training (and validation) loss and accuracy per epoch
  model.npz               the checkpoint, for nn.load(nn.MLP(nin, widths), path)
                          (--model cnn: nn.load(autograd_core.cli.models.cnn(8, 10), path))
  decision_boundary.png   xor, moons and spirals only

examples:
  autograd-core train --dataset moons
  autograd-core train --dataset spirals --hidden 32,32 --optimizer momentum --lr 0.05
  autograd-core train --dataset digits --epochs 20 --batch-size 32 --out runs/digits
  autograd-core train --dataset digits --model cnn --out runs/digits-cnn
"""


_EPILOG_EXERCISES = """The checks of a hand-out call autograd_core.check, so it runs wherever the
package is installed.

example:
  autograd-core exercises notebooks/solutions/09_backprop_by_hand_solutions.ipynb \\
      --blank backprop_by_hand.ipynb
"""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``autograd-core`` command."""
    fmt = argparse.RawDescriptionHelpFormatter
    parser = _Parser(prog=PROG, formatter_class=fmt,
                     description="Train small neural networks with the autograd-core "
                                 "engine, and hand out exercises.",
                     epilog="examples:\n  autograd-core demo\n"
                            "  autograd-core train --dataset moons --out runs/moons\n"
                            "  autograd-core exercises solutions.ipynb --blank "
                            "exercises.ipynb\n"
                            "run 'autograd-core COMMAND --help' for a command's options")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    demo = sub.add_parser(
        "demo", formatter_class=fmt, epilog=_EPILOG_DEMO,
        help="reproduce the classic numpy XOR examples with the engine and draw the graph",
        description=textwrap.fill(
            "1. Reproduce the classic numpy example with the engine: the 2-2-1 sigmoid "
            "network without biases, the same initial weights (np.random.seed(1)) and "
            "10,000 steps of the same update; print its predictions for [0, 1] and "
            "[1, 0] beside the numbers the example printed (0.86002842, 0.86003543).", 78)
        + "\n\n" + textwrap.fill(
            "2. Train the classic XOR network with a bias (a constant third input, 4 "
            "hidden units; loss 0.5*sum of squared errors, full-batch gradient "
            "descent) with the engine; print the loss as it goes and the final "
            "predictions, and write the computational graph of the final forward pass "
            "and loss as xor_graph.svg.", 78))
    demo.add_argument("--steps", type=_number(int, 1, True, what="a positive integer"),
                      default=2000, help="gradient-descent steps of part 2 (default: 2000)")
    demo.add_argument("--lr", type=_number(float, 0, False, what="a positive number"),
                      default=1.0, help="learning rate of part 2 (default: 1.0, as in the "
                                       "example)")
    demo.add_argument("--out", default=".", metavar="DIR",
                      help="directory for xor_graph.svg (default: current directory)")
    demo.set_defaults(func=run_demo)

    train = sub.add_parser(
        "train", formatter_class=fmt, epilog=_EPILOG_TRAIN,
        help="train an MLP (or a CNN on the digits) on a bundled dataset, save curves "
             "and a checkpoint",
        description=textwrap.fill("Train an nn.MLP with relu hidden layers (or, with --model "
                    "cnn, a small CNN on the digits) by nn.fit (progress bar, "
                    "validation split, early stopping), print the final training and "
                    "validation loss and accuracy, and save plots and a checkpoint.", 78))
    train.add_argument("--dataset", required=True, choices=sorted(DATASETS),
                       help="what to learn (required)")
    train.add_argument("--model", choices=list(MODELS), default="mlp",
                       help="; ".join(f"{k}: {v}" for k, v in MODELS.items())
                            + " (default: mlp)")
    train.add_argument("--hidden", type=_hidden, metavar="W1,W2,...",
                       help="hidden layer widths of --model mlp, comma-separated, or "
                            "'none' (default: 16,16)")
    train.add_argument("--optimizer", choices=list(OPTIMIZERS), default="adam",
                       help="sgd, momentum (SGD with momentum 0.9), rmsprop or adam "
                            "(default: adam)")
    train.add_argument("--lr", type=_number(float, 0, False, what="a positive number"),
                       help="learning rate (default: "
                            + ", ".join(f"{k} {v:g}" for k, v in OPTIMIZERS.items())
                            + "; halved for digits; --model cnn: adam "
                            + f"{OPTIMIZERS['adam'] * CNN_DEFAULTS.lr_scale:g})")
    train.add_argument("--epochs", type=_number(int, 1, True, what="a positive integer"),
                       help="maximum number of epochs (default: " + ", ".join(
                           f"{k} {s.epochs}" for k, s in DATASETS.items())
                            + f"; --model cnn {CNN_DEFAULTS.epochs})")
    train.add_argument("--batch-size", type=_batch_size, metavar="N",
                       help="mini-batch size, or 'full' for full-batch training "
                            "(default: full for xor and parity, 32 for moons and "
                            f"spirals, 64 for digits, {CNN_DEFAULTS.batch_size} for "
                            "--model cnn)")
    train.add_argument("--patience", type=_number(int, 0, True, what="an integer >= 0"),
                       help="stop when the validation loss has not improved for this "
                            "many epochs and restore the best weights; 0 turns it off "
                            "(default: 20; 0 for --model cnn)")
    train.add_argument("--val-split", type=_number(float, 0, True, 1.0,
                                                   what="a fraction in [0, 1)"),
                       metavar="FRACTION",
                       help="fraction of the rows held out for validation (default: 0.2; "
                            "0 for xor and parity)")
    train.add_argument("--seed", type=_number(int, 0, True, what="an integer >= 0"),
                       default=0, help="seed for data, split, weights and shuffling "
                                       "(default: 0)")
    train.add_argument("--bits", type=_number(int, 1, True, 21, what="an integer 1..20"),
                       help="input bits for --dataset parity (default: 4)")
    train.add_argument("--samples", type=_number(int, 10, True, what="an integer >= 10"),
                       help="number of points for moons (default: 500) and spirals "
                            "(default: 300)")
    train.add_argument("--out", metavar="DIR",
                       help="output directory, created if needed "
                            "(default: runs/DATASET)")
    train.add_argument("--no-progress", action="store_true",
                       help="do not show the progress bar")
    train.set_defaults(func=run_train)

    exercises = sub.add_parser(
        "exercises", formatter_class=fmt, epilog=_EPILOG_EXERCISES,
        help="write the hand-out of an exercise notebook, its solutions blanked",
        description=textwrap.fill(
            "Write a hand-out of an exercise notebook: every block from a line "
            "'### BEGIN SOLUTION' to a line '### END SOLUTION' (nbgrader's markers) is "
            "replaced by 'raise NotImplementedError(\"your code here\")' at its "
            "indentation, '### BEGIN HIDDEN TESTS' ... '### END HIDDEN TESTS' blocks are "
            "removed and outputs are cleared; everything else is unchanged.", 78))
    exercises.add_argument("notebook", metavar="NOTEBOOK",
                           help="the notebook with the solutions")
    exercises.add_argument("--blank", required=True, metavar="OUT",
                           help="where to write the hand-out (required)")
    exercises.set_defaults(func=run_exercises)
    return parser


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``autograd-core`` command with ``argv`` (default: ``sys.argv[1:]``);
    returns the exit status (0 on success)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # --help
        return e.code if isinstance(e.code, int) else int(e.code is not None)
    except _UsageError as e:
        print(f"{e.prog}: error: {_one_line(e)} (see '{e.prog} --help')", file=sys.stderr)
        return 2
    try:
        return args.func(args)
    except (CliError, ValueError, OSError, ImportError) as e:
        print(f"{PROG} {args.command}: error: {_one_line(e)}", file=sys.stderr)
        return 1
    except MemoryError as e:  # NumPy's says how much it could not allocate
        print(f"{PROG} {args.command}: error: out of memory: {_one_line(e) or 'no details'} "
              f"(smaller --hidden widths or --batch-size need less)", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"{PROG} {args.command}: interrupted", file=sys.stderr)
        return 130
