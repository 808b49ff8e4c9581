"""The bridge to PyTorch: nn.to_torch, nn.from_torch (modules and optimizers, with
their state) and nn.export_onnx, checked against PyTorch and ONNX Runtime in float64."""

import json
import subprocess
import sys

import numpy as np
import pytest

import nn
import optim
from autograd_core import Value

RNG = np.random.default_rng(0)
X = RNG.standard_normal((8, 3))
TARGET = RNG.standard_normal((8, 2))


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


def ours_models():
    """Models of ours that the bridge carries, float64, each mapping 3 features to 2."""
    return {
        "linear": nn.Linear(3, 2, rng=0),
        "linear-no-bias": nn.Linear(3, 2, bias=False, rng=0),
        "mlp-relu": nn.MLP(3, [5, 4, 2], rng=0),
        "mlp-tanh-sigmoid": nn.MLP(3, [4, 2], activation="tanh",
                                   output_activation="sigmoid", rng=1),
        "mlp-identity": nn.MLP(3, [4, 2], activation=None, rng=2),
        "composition": nn.Sequential(nn.MLP(3, [4], output_activation="tanh", rng=3),
                                     nn.Dropout(0.3), nn.Sequential(nn.Linear(4, 2, rng=4)),
                                     nn.Sigmoid(), nn.ReLU()).eval(),
    }


def torch_models(torch):
    """Models of torch.nn that the bridge carries, float64, each mapping 3 features to 2."""
    torch.manual_seed(0)
    tnn = torch.nn
    return {
        "linear": tnn.Linear(3, 2),
        "sequential": tnn.Sequential(tnn.Linear(3, 5), tnn.ReLU(), tnn.Dropout(0.2),
                                     tnn.Linear(5, 4), tnn.Tanh(),
                                     tnn.Sequential(tnn.Linear(4, 2, bias=False)),
                                     tnn.Sigmoid()).eval(),
    }


def ours_output_and_grads(model):
    """Output, input gradient and parameter gradients of a fixed loss, here."""
    model.zero_grad()
    x = Value(X.copy())
    out = model(x)
    (out * TARGET).sum().backward()
    return out.data, x.grad, {n: p.grad for n, p in model.named_parameters()}


def torch_output_and_grads(torch, model):
    """The same in PyTorch; weights' gradients transposed to our layout."""
    model.zero_grad()
    x = torch.tensor(X, requires_grad=True)
    out = model(x)
    (out * torch.tensor(TARGET)).sum().backward()
    grads = {n: (p.grad.T if n.endswith("weight") else p.grad).numpy()
             for n, p in model.named_parameters()}
    return out.detach().numpy(), x.grad.numpy(), grads


def assert_same_computation(ours, theirs, torch):
    """Same outputs and gradients (to float64 rounding), parameters in the same order."""
    out, xg, grads = ours_output_and_grads(ours)
    tout, txg, tgrads = torch_output_and_grads(torch, theirs)
    assert out.dtype == tout.dtype == np.float64
    np.testing.assert_allclose(out, tout, rtol=1e-13, atol=1e-14)
    np.testing.assert_allclose(xg, txg, rtol=1e-13, atol=1e-14)
    assert len(grads) == len(tgrads)
    for g, tg in zip(grads.values(), tgrads.values()):
        np.testing.assert_allclose(g, tg, rtol=1e-13, atol=1e-14)


# -- modules -------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(ours_models()))
def test_to_torch_computes_the_same(torch, name):
    model = ours_models()[name]
    theirs = nn.to_torch(model)
    assert isinstance(theirs, torch.nn.Module)
    assert theirs.training == model.training
    assert_same_computation(model, theirs, torch)


@pytest.mark.parametrize("name", ["linear", "sequential"])
def test_from_torch_computes_the_same(torch, name):
    theirs = torch_models(torch)[name].double()
    model = nn.from_torch(theirs)
    assert isinstance(model, nn.Module) and model.training == theirs.training
    # Parameters keep torch's names; weights are transposed to our (in, out) layout.
    ours_state, torch_state = model.state_dict(), theirs.state_dict()
    assert list(ours_state) == list(torch_state)
    for key, value in torch_state.items():
        expected = value.numpy().T if key.endswith("weight") else value.numpy()
        np.testing.assert_array_equal(ours_state[key], expected)
    assert_same_computation(model, theirs, torch)


def test_mlp_becomes_a_torch_sequential_of_its_layers(torch):
    theirs = nn.to_torch(nn.MLP(3, [5, 4, 2], activation="tanh", output_activation="sigmoid",
                                rng=0))
    kinds = [type(m).__name__ for m in theirs]
    assert type(theirs) is torch.nn.Sequential
    assert kinds == ["Linear", "Tanh", "Linear", "Tanh", "Linear", "Sigmoid"]
    assert [tuple(p.shape) for p in theirs.parameters()] == [(5, 3), (5,), (4, 5), (4,),
                                                            (2, 4), (2,)]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_is_kept_both_ways_and_nothing_is_shared(torch, dtype):
    model = nn.MLP(3, [4, 2], rng=0, dtype=dtype)
    theirs = nn.to_torch(model)
    assert {p.dtype for p in theirs.parameters()} == {torch.from_numpy(np.zeros(1, dtype)).dtype}
    back = nn.from_torch(theirs)
    assert {p.dtype for p in back.parameters()} == {np.dtype(dtype)}
    before = [p.data.copy() for p in model.parameters()]
    with torch.no_grad():
        for p in theirs.parameters():
            p.add_(1.0)
    assert all(np.array_equal(p.data, b) for p, b in zip(model.parameters(), before))
    assert all(np.array_equal(p.data, b) for p, b in zip(back.parameters(), before))


def test_modes_dropout_sharing_and_torch_rng(torch):
    shared = nn.Linear(3, 3, rng=0)
    model = nn.Sequential(shared, nn.Dropout(0.25), nn.Tanh(), shared)
    model[1].eval()
    state = torch.get_rng_state()
    theirs = nn.to_torch(model)
    assert torch.equal(torch.get_rng_state(), state)  # carrying draws no random numbers
    assert theirs[0] is theirs[3] and len(list(theirs.parameters())) == 2
    assert theirs[1].p == 0.25 and not theirs[1].training and theirs[0].training
    back = nn.from_torch(theirs)
    assert back[0] is back[3] and back[1].p == 0.25 and not back[1].training


# -- optimizers: state carried, training goes on on the same trajectory ------------------

OPTIMIZERS = [
    (optim.SGD, dict(lr=0.1)),
    (optim.SGD, dict(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01)),
    (optim.SGD, dict(lr=0.1, momentum=0.8, dampening=0.3)),
    (optim.RMSProp, dict(lr=0.01)),
    (optim.RMSProp, dict(lr=0.01, momentum=0.9, weight_decay=0.01)),
    (optim.RMSProp, dict(lr=0.01, alpha=0.9, momentum=0.5, centered=True)),
    (optim.Adam, dict(lr=0.01)),
    (optim.Adam, dict(lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1, amsgrad=True)),
    (optim.AdamW, dict(lr=0.01)),
    (optim.AdamW, dict(lr=0.01, weight_decay=0.3, amsgrad=True)),
]
OPT_IDS = [f"{cls.__name__}-" + "-".join(f"{k}={v}" for k, v in kw.items())
           for cls, kw in OPTIMIZERS]
BATCHES = [RNG.integers(0, 8, size=5) for _ in range(13)]


def torch_class(torch, cls):
    return getattr(torch.optim, "RMSprop" if cls is optim.RMSProp else cls.__name__)


def step_ours(model, opt, rows):
    model.zero_grad()
    nn.functional.mse_loss(model(X[rows]), TARGET[rows]).backward()
    opt.step()


def step_torch(torch, model, opt, rows):
    opt.zero_grad()
    torch.nn.functional.mse_loss(model(torch.tensor(X[rows])), torch.tensor(TARGET[rows])) \
        .backward()
    opt.step()


def assert_same_weights(model, theirs, atol=1e-10):
    ours = list(model.state_dict().values())
    torch_weights = [v.numpy().T if k.endswith("weight") else v.numpy()
                     for k, v in theirs.state_dict().items()]
    assert len(ours) == len(torch_weights)
    for a, b in zip(ours, torch_weights):
        np.testing.assert_allclose(a, b, rtol=0, atol=atol)


@pytest.mark.slow
@pytest.mark.parametrize("cls,kw", OPTIMIZERS, ids=OPT_IDS)
def test_training_goes_on_in_torch(torch, cls, kw):
    model = nn.MLP(3, [6, 2], activation="tanh", rng=0)
    opt = cls(model.parameters(), **kw)
    for rows in BATCHES[:3]:
        step_ours(model, opt, rows)
    theirs, topt = nn.to_torch(model, opt)
    assert type(topt) is torch_class(torch, cls)
    for rows in BATCHES[3:]:  # ten more steps in each library
        step_ours(model, opt, rows)
        step_torch(torch, theirs, topt, rows)
        assert_same_weights(model, theirs)


@pytest.mark.parametrize("cls,kw", OPTIMIZERS, ids=OPT_IDS)
def test_training_comes_back_from_torch(torch, cls, kw):
    torch.manual_seed(0)
    theirs = torch.nn.Sequential(torch.nn.Linear(3, 6), torch.nn.Tanh(),
                                 torch.nn.Linear(6, 2)).double()
    topt = torch_class(torch, cls)(theirs.parameters(), **kw)
    for rows in BATCHES[:3]:
        step_torch(torch, theirs, topt, rows)
    model, opt = nn.from_torch(theirs, topt)
    assert type(opt) is cls and opt.hyperparameters() == cls(model.parameters(), **kw) \
        .hyperparameters()
    for rows in BATCHES[3:]:
        step_ours(model, opt, rows)
        step_torch(torch, theirs, topt, rows)
        assert_same_weights(model, theirs)


@pytest.mark.parametrize("cls,kw", OPTIMIZERS, ids=OPT_IDS)
def test_carried_state_is_the_one_each_library_makes(torch, cls, kw):
    """After the same steps in both libraries, the carried state has the names, values
    and types (``step`` a tensor of torch's default dtype) that the other made itself."""
    model = nn.MLP(3, [6, 2], rng=0)
    theirs = nn.to_torch(model)
    opt, topt = cls(model.parameters(), **kw), torch_class(torch, cls)(theirs.parameters(), **kw)
    for rows in BATCHES[:3]:
        step_ours(model, opt, rows)
        step_torch(torch, theirs, topt, rows)
    for carried, own in [(nn.to_torch(model, opt)[1].state_dict()["state"],
                          topt.state_dict()["state"]),
                         (nn.from_torch(theirs, topt)[1].state_dict()["state"],
                          opt.state_dict()["state"])]:
        assert carried.keys() == own.keys()
        for pos in own:
            assert carried[pos].keys() == own[pos].keys()
            for key, value in own[pos].items():
                got = carried[pos][key]
                assert type(got) is type(value) and getattr(got, "dtype", 0) == \
                    getattr(value, "dtype", 0)
                np.testing.assert_allclose(np.asarray(got), np.asarray(value), atol=1e-10)


def test_adam_with_decoupled_decay_is_adamw(torch):
    theirs = torch.nn.Linear(3, 2).double()
    topt = torch.optim.Adam(theirs.parameters(), lr=0.01, weight_decay=0.2,
                            decoupled_weight_decay=True)
    model, opt = nn.from_torch(theirs, topt)
    assert type(opt) is optim.AdamW and opt.weight_decay == 0.2


def test_param_groups_with_the_same_hyperparameters_are_one(torch):
    theirs = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Linear(4, 2)).double()
    topt = torch.optim.SGD([{"params": theirs[1].parameters()},
                            {"params": theirs[0].parameters()}], lr=0.1, momentum=0.9)
    step_torch(torch, theirs, topt, BATCHES[0])
    model, opt = nn.from_torch(theirs, topt)
    assert opt.params == [model[1].weight, model[1].bias, model[0].weight, model[0].bias]
    for rows in BATCHES[1:4]:
        step_ours(model, opt, rows)
        step_torch(torch, theirs, topt, rows)
        assert_same_weights(model, theirs)


# -- what cannot be carried ------------------------------------------------------------


class Doubler(nn.Module):
    def forward(self, x):
        return x * 2


class MyLinear(nn.Linear):
    def forward(self, x):
        return super().forward(x).relu()


class MySGD(optim.SGD):
    pass


@pytest.mark.parametrize("module,named", [
    (Doubler(), "Doubler"), (MyLinear(2, 3), "MyLinear"),
    (nn.Sequential(nn.Linear(2, 3), Doubler()), "Doubler"),
    (nn.Sequential(nn.Linear(2, 3, dtype=np.float32), nn.Linear(3, 1)), "several dtypes"),
])
def test_to_torch_refuses_what_it_cannot_carry(torch, module, named):
    with pytest.raises(TypeError, match=named):
        nn.to_torch(module)
    if named != "several dtypes":  # a forward of its own: the message says to pass an input
        with pytest.raises(TypeError, match="example_input"):
            nn.to_torch(module)


def test_to_torch_refuses_optimizers_it_cannot_carry(torch):
    model = nn.Linear(2, 3)
    with pytest.raises(TypeError, match="MySGD"):
        nn.to_torch(model, MySGD(model.parameters(), lr=0.1))
    with pytest.raises(ValueError, match="parameter 1"):
        nn.to_torch(model, optim.SGD([model.weight, Value(np.zeros(2))], lr=0.1))
    with pytest.raises(TypeError, match="nn.Module"):
        nn.to_torch([model])


def test_from_torch_refuses_what_it_cannot_carry(torch):
    tnn = torch.nn
    for module, named in [(tnn.Sequential(tnn.Linear(2, 3), tnn.GRU(3, 3)), "GRU"),
                          (tnn.Bilinear(2, 2, 2), "Bilinear"),
                          (tnn.Linear(2, 3).to(torch.bfloat16), "bfloat16")]:
        with pytest.raises(TypeError, match=named):
            nn.from_torch(module)
    with pytest.raises(TypeError, match="torch.nn.Module"):
        nn.from_torch(nn.Linear(2, 3))


@pytest.mark.parametrize("make,named", [
    (lambda torch, ps: torch.optim.Adagrad(ps), "Adagrad"),
    (lambda torch, ps: torch.optim.Adam(ps, maximize=True), "maximize=True"),
    (lambda torch, ps: torch.optim.SGD([{"params": ps[:1], "lr": 0.1},
                                        {"params": ps[1:], "lr": 0.2}], lr=0.1), "lr"),
])
def test_from_torch_refuses_optimizers_it_cannot_carry(torch, make, named):
    linear = torch.nn.Linear(2, 3)
    with pytest.raises(TypeError, match=named):
        nn.from_torch(linear, make(torch, list(linear.parameters())))
    with pytest.raises(ValueError, match="parameter 0 .* not a parameter of the module"):
        nn.from_torch(linear, torch.optim.SGD(torch.nn.Linear(2, 2).parameters(), lr=0.1))


# Run in a fresh interpreter where one package (sys.argv[1]) cannot be imported: a
# meta-path finder refuses it, so sys.modules shows whether anything tried to load it.
WITHOUT = """
import json, sys

blocked = sys.argv[1]

class Refuse:
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] == blocked:
            raise ImportError(f"No module named {name!r}")
        return None

sys.meta_path.insert(0, Refuse())
import nn
report = {"loaded": "torch" in sys.modules}
model = nn.Linear(2, 3)
for name, call in [("to_torch", lambda: nn.to_torch(model)),
                   ("from_torch", lambda: nn.from_torch(object())),
                   ("export_onnx", lambda: nn.export_onnx(model, [[1.0, 2.0]], "m.onnx"))]:
    try:
        call()
        report[name] = "no error"
    except ImportError as e:
        report[name] = str(e)
    except TypeError as e:
        report[name] = "TypeError: " + str(e)
print(json.dumps(report))
"""


def run_without(package):
    proc = subprocess.run([sys.executable, "-c", WITHOUT, package], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.splitlines()[-1])


@pytest.mark.slow
def test_without_torch_the_bridge_says_what_to_install():
    """`import nn` works and does not try to load torch; each bridge function raises
    ImportError naming torch and the extra to install."""
    report = run_without("torch")
    assert report.pop("loaded") is False
    for name, message in report.items():
        assert message.startswith(f"{name} needs torch") or \
            message.startswith("the bridge to PyTorch needs torch"), message
        assert message.endswith('pip install "autograd-core[torch]"'), message


@pytest.mark.slow
def test_without_onnxruntime_only_the_export_fails(torch):
    report = run_without("onnxruntime")
    assert report["to_torch"] == "no error"
    assert report["from_torch"].startswith("TypeError: from_torch expects a torch.nn.Module")
    assert report["export_onnx"] == ('export_onnx needs onnxruntime, which is not installed: '
                                     'pip install "autograd-core[torch]"')
