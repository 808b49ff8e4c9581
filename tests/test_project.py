"""The project's own promises: README's commands and CI agree."""
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _readme_commands():
    return re.findall(r"```bash\n(.+?)\n```", (ROOT / "README.md").read_text(), re.S)


def test_ci_runs_readmes_test_command():
    test_cmd = [c for c in _readme_commands() if "pytest" in c]
    assert len(test_cmd) == 1, "README must give exactly one test command"
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    assert test_cmd[0] in ci, ".ci/run must call README's test command verbatim"


def test_ci_runs_readmes_commands_as_a_newcomer():
    """README's demo command verbatim too; both in a fresh clone and a fresh virtual
    environment, once without PyTorch and once with it."""
    (demo,) = [c for c in _readme_commands() if "autograd-core demo" in c]
    ci = (ROOT / ".ci" / "run").read_text()
    assert demo in ci.splitlines()
    assert "git clone" in ci and "-m venv" in ci
    setup, runs = ci.split('echo "== without PyTorch', 1)
    plain, oracle = runs.split('echo "== with PyTorch', 1)
    # Nothing is installed into the interpreter that runs the script.
    (tests,) = [c for c in _readme_commands() if "pytest" in c]
    assert "pip install" not in setup.replace(demo, "").replace(tests, "")
    for part in (plain, oracle):
        assert "fresh " in part and "source " in part and "readme_tests" in part
    assert "pip install" not in plain and "torch is visible" in plain
    assert "pip install -q torch==" in oracle and 'pip install -q ".[torch]"' in oracle


def test_readme_names_the_cpu_build_and_the_extra():
    readme = (ROOT / "README.md").read_text()
    assert any("pip install torch --index-url https://download.pytorch.org/whl/cpu" in c
               for c in _readme_commands())
    assert '".[torch]"' in readme and "autograd-core[torch]" in readme
    entry = readme.split("[06 Outgrowing autograd-core]", 1)[1].split("\n- ", 1)[0]
    assert "[torch]" in entry


def test_readme_gives_the_inner_loop_and_the_marker_is_registered():
    import tomllib

    assert 'python -m pytest -m "not slow"' in (ROOT / "README.md").read_text()
    ini = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]
    assert any(m.startswith("slow:") for m in ini["markers"])


@pytest.mark.slow
def test_readme_quickstart_runs(tmp_path, monkeypatch):
    blocks = re.findall(r"```python\n(.+?)\n```", (ROOT / "README.md").read_text(), re.S)
    assert blocks, "README has a Python quickstart"
    monkeypatch.chdir(tmp_path)
    namespace = {}
    exec(compile(blocks[0], "README.md", "exec"), namespace)
    svg = (tmp_path / "neuron.svg").read_text()
    assert "<svg" in svg and "w1" in svg
    assert abs(namespace["o"].item() - 0.7071) < 1e-4
    assert namespace["history"].val_accuracy[-1] > 0.9


def test_readme_picture_is_committed():
    assert "notebooks/images/neuron.svg" in (ROOT / "README.md").read_text()
    assert (ROOT / "notebooks" / "images" / "neuron.svg").read_text().lstrip().startswith("<?xml")
