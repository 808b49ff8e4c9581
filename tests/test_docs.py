"""The documentation site: it builds, its examples run and show what they print, and
the docstrings' examples pass.

- `mkdocs build --strict` succeeds (broken links, anchors and references fail it);
- every ```python block of docs/ runs, page by page (one namespace per page, in a
  temporary working folder); where a ```text block follows a Python block, it is what
  the block prints (compared as doctest compares: `...` matches anything, runs of
  whitespace are equal); a block that starts with `# needs: torch` runs where torch
  is installed, and where it is not, the page's test reports it as skipped after
  running every other block;
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
    # step_through's output is the stepper that needs no kernel: every step's picture,
    # a range input and its script.
    (stepper,) = re.findall(r'<div class="autograd-core-stepper">.*?</script>\s*</div>',
                            guide, re.S)
    assert re.search(r'<input type="range" min="0" max="10"', stepper)
    assert stepper.count('class="agc-frame"') == 11 and stepper.count("<svg") == 11
    assert "a widget: run it in Jupyter" not in guide
    assert len(list((site / "guides" / "images").glob("*.svg"))) >= 10
    # The drawings of "How backpropagation works here" are made by draw_graph at build time.
    backprop = (site / "backprop.html").read_text()
    drawings = re.findall(r'<img[^>]+src="([^"]+\.svg)"', backprop)
    assert len(drawings) >= 4
    for name in drawings:
        assert (site / name).read_text().lstrip().startswith("<?xml"), name
    _check_reference_pages(site / "reference")
    # The changelog page is the repository's CHANGELOG.md.
    assert "Unreleased" in (site / "changelog.html").read_text()
    # Nothing in a page is loaded from the network.
    for page in site.rglob("*.html"):
        remote = re.findall(r'<(?:script|link|img)[^>]+(?:src|href)="(https?:[^"]+)"',
                            page.read_text())
        assert not remote, (page, remote)


def _check_reference_pages(folder: Path) -> None:
    """No private or unexported name in the API reference; Value's page starts with
    construction, data and grad, and backward; a tuple is one Returns row."""
    for page in folder.glob("*.html"):
        text = page.read_text()
        for ident in re.findall(r'<h[2-5] id="([^"]+)"', text):
            if "." not in ident:
                continue  # a section heading
            assert not any(part.startswith("_") for part in ident.split(".")
                           if part != "__version__"), (page.name, ident)
            owner, _, name = ident.rpartition(".")
            try:
                module = importlib.import_module(owner)
            except ImportError:
                continue  # a class member
            exported = getattr(module, "__all__", None)
            assert exported is None or name in exported, (
                f"{page.name} documents {ident}, which {owner} does not export")
        assert "doc-section-bases" not in text or page.name != "autograd_core.html"
    reference = (folder / "autograd_core.html").read_text()
    order = [reference.index(f'id="autograd_core.Value{m}"')
             for m in ("", ".data", ".grad", ".backward", ".exp", ".sum", ".reshape")]
    assert order == sorted(order)
    assert "Bases:" not in reference.split('id="autograd_core.Value"')[1].split('id="autograd_core.Value.data"')[0]
    bridge = (folder / "nn.html").read_text().split('id="nn.to_torch"')[1].split('id="nn.from_torch"')[0]
    returns = bridge.split("Returns:")[1].split("</table>")[0]
    assert returns.count("<tr") == 2, "one header row and one Returns row for a tuple"


def test_reference_lists_every_member_of_value_once():
    """Value's members are listed by kind on its page; a member added to Value and
    not listed there fails here."""
    import autograd_core

    text = (DOCS / "reference" / "autograd_core.md").read_text()
    (first,) = re.findall(r"^::: autograd_core\.Value\n(?:    .*\n)*?      members: \[(.*?)\]",
                          text, re.M)
    listed = [m.strip() for m in first.split(",")]
    listed += re.findall(r"^::: autograd_core\.Value\.(\w+)$", text, re.M)
    public = {n for n in dir(autograd_core.Value) if not n.startswith("_")}
    assert sorted(listed) == sorted(set(listed)), "a member is listed twice"
    assert set(listed) == public, (set(listed) - public, public - set(listed))


def test_a_module_entry_listing_members_lists_its_exports():
    """A module entry that lists its members (to leave helpers out) lists every name
    the module exports, no more and no fewer."""
    for page in (DOCS / "reference").glob("*.md"):
        for m in re.finditer(r"^::: (\S+)\n((?:    .*\n)*)", page.read_text(), re.M):
            listed = re.search(r"members: \[(.*?)\]", m.group(2), re.S)
            if not listed:
                continue
            try:
                module = importlib.import_module(m.group(1))
            except ImportError:
                continue  # a class, not a module
            names = [n.strip() for n in listed.group(1).split(",")]
            assert sorted(names) == sorted(module.__all__), (page.name, m.group(1))


def test_dir_shows_only_the_public_api():
    import autograd_core

    shown = set(dir(autograd_core))
    assert shown == set(autograd_core.__all__) | {"nn", "optim", "viz"}
    assert not {n for n in shown if n.startswith("_") and n != "__version__"}
    assert {"Any", "annotations", "methods", "checks"}.isdisjoint(shown)


def test_hooks_know_the_stepper():
    from autograd_core.viz import stepper

    assert hooks.STEPPER_CLASS == stepper.STEPPER_CLASS


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
    waiting = []
    for code, expected, line in hooks.python_blocks(page.read_text()):
        where = f"{page.relative_to(ROOT)}, block at line {line}"
        needs = [m for m in _NEEDS.findall(code) if importlib.util.find_spec(m) is None]
        if needs:  # the blocks after it still run; the test reports the skip below
            waiting.append(f"line {line} needs {', '.join(needs)}")
            continue
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile("\n" * line + code, str(page), "exec"), namespace)
        if expected is not None:
            got = out.getvalue()
            assert checker.check_output(expected, got, flags), (
                f"{where} printed\n{got}\nbut the page shows\n{expected}")
    if waiting:
        pytest.skip(f"{page.name}: every other block ran and passed; not run: "
                    f"{'; '.join(waiting)} (pip install \"autograd-core[torch]\")")


# A block whose first lines say `# needs: torch` runs only where torch is installed.
_NEEDS = re.compile(r"^# needs: (\w+)", re.M)


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


def _prose() -> dict[str, str]:
    """README, the pages and the notebooks' Markdown cells, by name."""
    import json

    texts = {"README.md": (ROOT / "README.md").read_text()}
    texts.update({str(p.relative_to(ROOT)): p.read_text() for p in PAGES})
    for nb in sorted((ROOT / "notebooks").glob("*.ipynb")):
        cells = json.loads(nb.read_text())["cells"]
        texts[nb.name] = "\n".join("".join(c["source"]) for c in cells
                                   if c["cell_type"] == "markdown")
    return texts


_NUMBERS = {w: n for n, w in enumerate("zero one two three four five six seven eight nine "
                                       "ten eleven twelve".split())}


def test_no_stale_facts():
    """What the prose says about the repository is still true: the paths it names
    exist, the number of notebooks is right, the digits ship with the package."""
    notebooks = len(list((ROOT / "notebooks").glob("*.ipynb")))
    for name, text in _prose().items():
        for path in re.findall(r"`((?:autograd_core|nn|optim|notebooks|docs)/[\w./]*)`", text):
            assert (ROOT / path).exists(), f"{name} names {path}, which does not exist"
        for word in re.findall(r"\b(\w+) notebooks\b", text):
            if word.lower() in _NUMBERS:
                assert _NUMBERS[word.lower()] == notebooks, f"{name}: '{word} notebooks'"
        assert not re.search(r"(bundled|come|comes|shipped) with scikit-learn", text), name
