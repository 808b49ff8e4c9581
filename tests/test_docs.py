"""The documentation site: it builds, its examples run and show what they print, and
the docstrings' examples pass.

- `mkdocs build --strict` succeeds (broken links, anchors and references fail it);
- every ```python block of docs/ runs, page by page (one namespace per page, in a
  temporary working folder); where a ```text block follows a Python block, it is what
  the block prints (compared as doctest compares: `...` matches anything, runs of
  whitespace are equal);
- the API reference has an entry for every public name of `autograd_core`, `nn`,
  `optim` and their public submodules;
- the docstring examples (`>>>`) of those packages and all their modules pass.
"""
from __future__ import annotations

import contextlib
import doctest
import importlib
import importlib.util
import io
import os
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # seconds per test: left out of pytest -m "not slow"

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PACKAGES = ("autograd_core", "nn", "optim")


def _hooks():
    """docs/hooks.py, the site's build script (its reading of code blocks is shared)."""
    spec = importlib.util.spec_from_file_location("docs_hooks", DOCS / "hooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


hooks = _hooks()
PAGES = sorted(DOCS.rglob("*.md"))


def _env() -> dict:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT)] + [p for p in [env.get("PYTHONPATH")] if p])
    return env


def test_site_builds_strict(tmp_path):
    site = tmp_path / "site"
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file",
         str(ROOT / "mkdocs.yml"), "--site-dir", str(site)],
        cwd=tmp_path, env=_env(), capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    for page in ["index.html", "quickstart.html", "backprop.html", "errors.html",
                 "guides/01_values_and_graphs.html", "reference/autograd_core.html",
                 "changelog.html"]:
        assert (site / page).is_file(), page
    # The notebook guides show their saved graphs and plots.
    guide = (site / "guides" / "01_values_and_graphs.html").read_text()
    assert guide.count('class="nb-output nb-image"') >= 5 and "<math" in guide
    assert len(list((site / "guides" / "images").glob("*.svg"))) >= 10
    # The drawings of "How backpropagation works here" are made by draw_graph at build time.
    backprop = (site / "backprop.html").read_text()
    drawings = re.findall(r'<img[^>]+src="([^"]+\.svg)"', backprop)
    assert len(drawings) >= 4
    for name in drawings:
        assert (site / name).read_text().lstrip().startswith("<?xml"), name
    # The changelog page is the repository's CHANGELOG.md.
    assert "Unreleased" in (site / "changelog.html").read_text()
    # Nothing in a page is loaded from the network.
    for page in site.rglob("*.html"):
        remote = re.findall(r'<(?:script|link|img)[^>]+(?:src|href)="(https?:[^"]+)"',
                            page.read_text())
        assert not remote, (page, remote)


def _page_ids():
    return [str(p.relative_to(DOCS)) for p in PAGES]


@pytest.mark.parametrize("page", PAGES, ids=_page_ids())
def test_page_examples_run(page, tmp_path, monkeypatch):
    """Run every Python block of the page; check the output a text block shows."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(ROOT))
    namespace: dict = {"__name__": "__docs__"}
    checker = doctest.OutputChecker()
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    for code, expected, line in hooks.python_blocks(page.read_text()):
        where = f"{page.relative_to(ROOT)}, block at line {line}"
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile("\n" * line + code, str(page), "exec"), namespace)
        if expected is not None:
            got = out.getvalue()
            assert checker.check_output(expected, got, flags), (
                f"{where} printed\n{got}\nbut the page shows\n{expected}")


def _public_names(package: str) -> list[str]:
    module = importlib.import_module(package)
    return [f"{package}.{name}" for name in module.__all__]


def _documented() -> set[str]:
    """The identifiers of the `:::` entries of the reference (or their `heading:`)."""
    names = set()
    for page in (DOCS / "reference").glob("*.md"):
        text = page.read_text()
        for m in re.finditer(r"^::: (\S+)\n((?:    .*\n)*)", text, re.M):
            heading = re.search(r'heading:\s*"([^"]+)"', m.group(2))
            names.add(heading.group(1) if heading else m.group(1))
    return names


def test_reference_covers_every_public_name():
    public = []
    for package in PACKAGES:
        public += _public_names(package)
    for module in ("nn.functional", "nn.datasets", "optim.lr_scheduler"):
        public += _public_names(module)
    documented = _documented()
    # A module's entry documents its members.
    covered = {n for n in public if n in documented or n.rsplit(".", 1)[0] in documented}
    assert sorted(set(public) - covered) == []


def _modules() -> list[str]:
    names = []
    for package in PACKAGES:
        pkg = importlib.import_module(package)
        names.append(package)
        names += [m.name for m in pkgutil.walk_packages(pkg.__path__, package + ".")
                  if not m.name.rsplit(".", 1)[-1].startswith("_")]
    return names


def test_docstring_examples():
    """Every `>>>` example in the docstrings of the packages and their modules."""
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    examples, report = 0, []
    for name in _modules():
        module = importlib.import_module(name)
        for test in finder.find(module, name):
            examples += len(test.examples)
            runner.run(test, out=report.append)
    assert not report, "".join(report)
    assert examples >= 1
