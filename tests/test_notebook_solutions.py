"""Notebook 08's exercises: the reference solutions, the checks' messages, the
committed notebook's results, and the hand-out copy with the solutions blanked."""

from pathlib import Path

import nbformat
import numpy as np
import pytest

from autograd_core import op, vjp_tools

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
NOTEBOOK = NOTEBOOKS / "08_write_your_own_op.ipynb"
from solutions import write_your_own_op as sol  # notebooks/ is on pytest's pythonpath

pytestmark = pytest.mark.slow  # seconds per test: left out of pytest -m "not slow"


@pytest.mark.parametrize("name", list(sol.EXERCISES))
def test_reference_solutions_pass_their_own_checks(name):
    result = sol.check(name, sol.EXERCISES[name].reference)
    assert result and repr(result).startswith(f"✓ {name}: ")


def test_reference_values_by_hand():
    x = np.array([-1000.0, 0.0, 1000.0])
    np.testing.assert_allclose(sol.softplus(x).data, [0.0, np.log(2.0), 1000.0])
    np.testing.assert_allclose(sol.hypot(3.0, 4.0).data, 5.0)
    z = np.array([[1000.0, 1000.0], [0.0, np.log(3.0)]])
    np.testing.assert_allclose(sol.logsumexp(z).data, [1000 + np.log(2.0), np.log(4.0)])
    np.testing.assert_allclose(sol.logsumexp(z, axis=0).data, [1000.0, 1000.0])


@op(lambda g, out, x: g * np.exp(x))
def _softplus_wrong_vjp(x):
    return np.logaddexp(0.0, x)


@op(lambda g, out, x: g * vjp_tools.sigmoid(vjp_tools.data(x)))
def _softplus_flat_vjp(x):
    return np.logaddexp(0.0, x)


@op(lambda g, out, x: g * 2 * x)
def _square_off(x):
    return 1.01 * x * x


@op(lambda g, out, x: g * 2 * x)
def _square_unwritten(x):
    raise NotImplementedError("your code here")


@pytest.mark.parametrize("name, learner, says", [
    ("softplus", _softplus_wrong_vjp, "the VJP does not match finite differences"),
    ("softplus", _softplus_flat_vjp, "not second derivatives"),
    ("square", _square_off, "the forward pass is off: at index (0, 0)"),
    ("square", _square_unwritten, "not written yet"),
    ("square", lambda x: x * x, "plain function"),
    ("square", None, "run its cell first"),
])
def test_checks_say_what_is_wrong(name, learner, says):
    result = sol.check(name, learner)
    assert not result
    assert repr(result).startswith(f"✗ {name}: ") and says in repr(result)


def test_a_wrong_vjp_shows_gradchecks_table_and_a_hint():
    message = repr(sol.check("softplus", _softplus_wrong_vjp))
    assert "analytic" in message and "numerical" in message
    assert "hint: the derivative of log(1 + e^x) is sigmoid(x)" in message


def _outputs(cell):
    texts = []
    for out in cell.outputs:
        texts.append(out.get("text", "") + out.get("data", {}).get("text/plain", ""))
    return "".join(texts)


def test_the_committed_notebook_passes_every_exercise():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    checks = [c for c in nb.cells if c.cell_type == "code" and "check(\"" in c.source
              and "softplus_wrong" not in c.source]
    assert len(checks) == 4
    for cell in checks:
        assert _outputs(cell).count("✓") == 1 and "✗" not in _outputs(cell), cell.source
    assert "4 of 4 ops done" in _outputs(nb.cells[-1])


def test_blank_hands_out_the_exercises(tmp_path):
    target = tmp_path / "exercises.ipynb"
    assert sol.blank(str(NOTEBOOK), str(target)) == 9  # 4 forwards and 5 VJPs
    nb = nbformat.read(target, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code)
    assert "widgets" not in nb.metadata
    text = "\n".join(c.source for c in code)
    assert "SOLUTION" not in text and "logaddexp" not in text.split("softplus_wrong")[0]
    assert text.count('raise NotImplementedError("your code here")') == 9
    # The hand-out runs: its first check says the op is not written yet.
    namespace = {}
    first_check = next(i for i, c in enumerate(code) if c.source.startswith('check("square"'))
    for cell in code[:first_check]:
        exec(compile(cell.source, "<cell>", "exec"), namespace)
    result = eval(code[first_check].source, namespace)
    assert not result and "not written yet" in repr(result)
