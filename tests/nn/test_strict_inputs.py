"""Data that is not real numbers, given to nn, raises TypeError naming the argument."""

import numpy as np
import pytest

import nn
import nn.functional as F
import optim
from autograd_core import Value
from autograd_core.checks import real_array


def _bad(kind, shape):
    """Data of `shape` that is not real numbers (or None)."""
    n = int(np.prod(shape))
    base = np.arange(n).reshape(shape)
    return {
        "complex": base + 1j,
        "complex, imaginary part 0": (base + 0j).tolist(),  # nothing to drop, still refused
        "numeric strings": base.astype(str).tolist(),       # never parsed
        "bytes": base.astype("S"),
        "dates": base.astype("datetime64[D]"),
        "time spans": base.astype("timedelta64[s]"),
        "objects": base.astype(float).astype(object),
        "None": None,
        "None inside": [None] * n if len(shape) == 1 else [[None] * shape[1]] * shape[0],
    }[kind]


KINDS = ["complex", "complex, imaginary part 0", "numeric strings", "bytes", "dates",
         "time spans", "objects", "None", "None inside"]


@pytest.mark.parametrize("kind", KINDS)
def test_real_array_refuses(kind):
    with pytest.raises(TypeError, match="^the thing "):
        real_array("the thing", _bad(kind, (3,)))


@pytest.mark.parametrize("value", [np.array([True, False]), np.arange(3, dtype=np.uint8),
                                   np.ones(2, np.float16), [1, 2.5], 3, 2.5, True])
def test_real_array_accepts_real_numbers_unconverted(value):
    arr = real_array("x", value)
    assert arr.dtype.kind in "biuf"
    np.testing.assert_array_equal(arr, np.asarray(value))
    if isinstance(value, np.ndarray):
        assert arr is value


def test_real_array_ragged_list_is_a_value_error():
    with pytest.raises(ValueError, match="^rows "):
        real_array("rows", [[1.0, 2.0], [3.0]])


LAYERS = [
    ("Linear", lambda: nn.Linear(2, 1, rng=0)),
    ("MLP", lambda: nn.MLP(2, [3, 1], rng=0)),
    ("ReLU", nn.ReLU),
    ("Tanh", nn.Tanh),
    ("Sigmoid", nn.Sigmoid),
    ("Dropout", lambda: nn.Dropout(0.5, rng=0)),
]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name,make", LAYERS, ids=[n for n, _ in LAYERS])
def test_layer_input(name, make, kind):
    with pytest.raises(TypeError, match=f"{name}: input"):
        make()(_bad(kind, (4, 2)))


@pytest.mark.parametrize("name,make", LAYERS, ids=[n for n, _ in LAYERS])
def test_layers_still_take_int_and_bool_inputs(name, make):
    layer = make().eval()
    ints = [[1, 0], [0, 1]]
    expected = layer(np.array(ints, dtype=np.float64)).data
    np.testing.assert_array_equal(layer(ints).data, expected)
    np.testing.assert_array_equal(layer(np.array(ints, dtype=bool)).data, expected)


LOSSES = [
    ("mse_loss", F.mse_loss, (4, 2)),
    ("l1_loss", F.l1_loss, (4, 2)),
    ("binary_cross_entropy", F.binary_cross_entropy, (4, 2)),
    ("binary_cross_entropy_with_logits", F.binary_cross_entropy_with_logits, (4, 2)),
    ("cross_entropy", F.cross_entropy, (4,)),
    ("cross_entropy", F.cross_entropy, (4, 2)),
]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name,fn,target_shape", LOSSES)
def test_loss_target(name, fn, target_shape, kind):
    pred = Value(np.full((4, 2), 0.25))
    with pytest.raises(TypeError, match=f"{name}: target"):
        fn(pred, _bad(kind, target_shape))


@pytest.mark.parametrize("kind", KINDS)
def test_loss_classes_refuse_too(kind):
    with pytest.raises(TypeError, match="mse_loss: target"):
        nn.MSELoss()(Value(np.zeros((3, 1))), _bad(kind, (3, 1)))


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("which", ["X", "y"])
def test_fit_data(which, kind):
    model = nn.Linear(2, 1, rng=0)
    before = model.state_dict()
    X, y = np.ones((4, 2)), np.ones((4, 1))
    args = {"X": X, "y": y}
    args[which] = _bad(kind, X.shape if which == "X" else y.shape)
    with pytest.raises(TypeError, match=f"fit: {which}"):
        nn.fit(model, nn.MSELoss(), optim.SGD(model.parameters(), lr=0.1), args["X"],
               args["y"], epochs=1, progress=False)
    assert all(np.array_equal(before[k], v) for k, v in model.state_dict().items())


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("which", ["X", "y"])
def test_batches_split_and_evaluate(which, kind):
    X, y = np.ones((4, 2)), np.ones((4, 1))
    args = {"X": X, "y": y}
    args[which] = _bad(kind, X.shape if which == "X" else y.shape)
    with pytest.raises(TypeError, match=f"^{which} must be real numbers"):
        nn.batches(args["X"], args["y"], 2)
    with pytest.raises(TypeError, match=f"^{which} must be real numbers"):
        nn.train_val_split(args["X"], args["y"], 0.5)
    with pytest.raises(TypeError, match=f"evaluate: {which}"):
        nn.evaluate(nn.Linear(2, 1, rng=0), nn.MSELoss(), args["X"], args["y"])
