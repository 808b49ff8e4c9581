"""The project's own promises: README's commands and CI agree."""
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _readme_commands():
    return re.findall(r"```bash\n(.+?)\n```", (ROOT / "README.md").read_text())


def test_ci_runs_readmes_test_command():
    test_cmd = [c for c in _readme_commands() if "pytest" in c]
    assert len(test_cmd) == 1, "README must give exactly one test command"
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    assert test_cmd[0] in ci, ".ci/run must call README's test command verbatim"


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
