"""Build steps of the documentation site, run by MkDocs (`hooks:` in mkdocs.yml).

- Guides: each notebook in `notebooks/` becomes the page `guides/<name>.md`, with the
  outputs saved in it: printed text as text blocks, graphs (SVG) and plots (PNG) as
  image files beside the page, and `step_through`'s stepper as the self-contained HTML
  it saved (its pictures, a range input and a few lines of script). The notebook
  itself is offered for download.
- Figures: a page whose front matter says `figures: true` has its Python blocks run at
  build time, in page order, in one namespace, in a temporary folder. The SVG files they
  write become files of the site, beside the page: the drawings are always those of the
  code as it is.
- Formulas: `$...$` and `$$...$$` (marked up by pymdownx.arithmatex) become MathML at
  build time, so that no page needs a script to show them.
- `--8<--` snippets (the changelog) are read from the repository root, wherever
  `mkdocs` is started.

Nothing here reaches the network.
"""
from __future__ import annotations

import base64
import contextlib
import html
import io
import json
import os
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_FENCE = re.compile(r"^(?P<fence>`{3,})(?P<info>[^`\n]*)\n(?P<body>.*?)^(?P=fence)[ \t]*$",
                    re.M | re.S)
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
#: The class of step_through's HTML stepper (autograd_core/viz/stepper.py).
STEPPER_CLASS = "autograd-core-stepper"
_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.S)


# --------------------------------------------------------------- code blocks
def python_blocks(markdown: str) -> list[tuple[str, str | None, int]]:
    """The fenced Python blocks of a page (fences at the start of a line), in order:
    `(code, expected, line)`.

    `expected` is the body of a `text` block that follows the Python block (nothing
    but blank lines between them): what the code prints. It is None where no such
    block follows. `line` is the line of the opening fence (1-based).
    """
    fences = list(_FENCE.finditer(markdown))
    out = []
    for n, m in enumerate(fences):
        if m.group("info").strip().split(" ")[0] != "python":
            continue
        expected = None
        if n + 1 < len(fences):
            nxt = fences[n + 1]
            if (nxt.group("info").strip().split(" ")[0] == "text"
                    and not markdown[m.end():nxt.start()].strip()):
                expected = nxt.group("body")
        out.append((m.group("body"), expected, markdown.count("\n", 0, m.start()) + 1))
    return out


def front_matter(markdown: str) -> dict[str, str]:
    """The `key: value` lines of a page's front matter (flat; enough for our keys)."""
    m = _FRONT_MATTER.match(markdown)
    if not m:
        return {}
    pairs = (line.split(":", 1) for line in m.group(1).splitlines() if ":" in line)
    return {k.strip(): v.strip() for k, v in pairs}


def run_page_code(markdown: str, name: str, folder: Path) -> None:
    """Run the Python blocks of a page in `folder`, in one namespace; output is dropped."""
    namespace: dict = {"__name__": "__docs__"}
    previous = os.getcwd()
    os.chdir(folder)
    try:
        for code, _, line in python_blocks(markdown):
            compiled = compile("\n" * line + code, name, "exec")  # tracebacks: page lines
            with contextlib.redirect_stdout(io.StringIO()):
                exec(compiled, namespace)
    finally:
        os.chdir(previous)


# -------------------------------------------------------------- notebooks
def _text(source: str | list) -> str:
    return "".join(source) if isinstance(source, list) else source


def _fenced(info: str, body: str, classes: str = "") -> str:
    """`body` in a fence longer than any run of backticks inside it."""
    longest = max((len(r) for r in re.findall(r"`+", body)), default=0)
    fence = "`" * max(3, longest + 1)
    head = f"{fence}{{ .{info} {classes} }}" if classes else f"{fence}{info}"
    return f"{head}\n{body.rstrip()}\n{fence}"


def _terminal(text: str) -> str:
    """What a terminal shows: ANSI colours dropped, each line after its last `\\r`."""
    text = _ANSI.sub("", text)
    return "\n".join(line.rsplit("\r", 1)[-1] for line in text.split("\n"))


def notebook_page(path: Path) -> tuple[str, dict[str, bytes]]:
    """A Markdown page for the notebook at `path`, and its images by file name.

    Images are referenced as `images/<name>`, relative to the page."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    parts: list[str] = []
    images: dict[str, bytes] = {}
    stem = path.stem

    def output_block(body: str) -> None:
        parts.append(_fenced("text", _terminal(body), ".nb-output"))

    for i, cell in enumerate(nb["cells"]):
        source = _text(cell.get("source", ""))
        if cell["cell_type"] == "markdown":
            if not parts and source.startswith("# "):
                title, _, rest = source.partition("\n")
                source = (f"{title}\n\n!!! note \"A notebook\"\n"
                          f"    This guide is the notebook `notebooks/{path.name}`, shown "
                          f"with the outputs saved in it. [Download it]({path.name}) to run "
                          f"it in Jupyter.\n{rest}")
            parts.append(source)
            continue
        if cell["cell_type"] != "code" or not source.strip():
            continue
        parts.append(_fenced("python", source))
        stream: dict[str, str] = {}
        for k, out in enumerate(cell.get("outputs", [])):
            kind = out["output_type"]
            if kind == "stream":
                stream[out["name"]] = stream.get(out["name"], "") + _text(out["text"])
                continue
            for name in list(stream):
                output_block(stream.pop(name))
            if kind == "error":
                output_block("\n".join(out.get("traceback", [])) or
                             f"{out['ename']}: {out['evalue']}")
                continue
            data = out.get("data", {})
            page_html = _text(data.get("text/html", ""))
            if STEPPER_CLASS in page_html[:200]:
                # step_through's self-contained stepper: raw HTML, as nbconvert shows it.
                parts.append(f'<div class="nb-output">\n{page_html.strip()}\n</div>')
            elif "image/svg+xml" in data:
                svg = _text(data["image/svg+xml"])
                name = f"{stem}-{i:02d}-{k}.svg"
                images[name] = svg.encode("utf-8")
                alt = "Computational graph" if "graphviz" in svg[:400].lower() else "Figure"
                parts.append(f"![{alt}](images/{name}){{ .nb-output .nb-image }}")
            elif "image/png" in data:
                name = f"{stem}-{i:02d}-{k}.png"
                images[name] = base64.b64decode(_text(data["image/png"]))
                parts.append(f"![Plot](images/{name}){{ .nb-output .nb-image }}")
            elif "text/plain" in data:
                output_block(_text(data["text/plain"]))
        for name in list(stream):
            output_block(stream.pop(name))
    return "\n\n".join(parts) + "\n", images


# ------------------------------------------------------------------ hooks
def on_config(config):
    """Import the packages of this checkout, whatever else is installed; read `--8<--`
    snippets from the repository root."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    snippets = config.mdx_configs.setdefault("pymdownx.snippets", {})
    snippets["base_path"] = [str(ROOT)]
    snippets["check_paths"] = True
    return config


def on_files(files, config):
    """Add the notebook guides, and the figures drawn by pages that ask for them."""
    from mkdocs.exceptions import PluginError
    from mkdocs.structure.files import File

    def add(src_uri: str, **source) -> None:
        if files.get_file_from_path(src_uri) is not None:
            raise PluginError(f"hooks: {src_uri} is made at build time; remove it from docs/")
        files.append(File.generated(config, src_uri, **source))

    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        page, images = notebook_page(path)
        add(f"guides/{path.stem}.md", content=page)
        add(f"guides/{path.name}", abs_src_path=str(path))
        for name, data in images.items():
            add(f"guides/images/{name}", content=data)

    for page in [f for f in files.documentation_pages() if f.abs_src_path]:
        text = Path(page.abs_src_path).read_text(encoding="utf-8")
        if front_matter(text).get("figures") != "true":
            continue
        with tempfile.TemporaryDirectory() as tmp:
            try:
                run_page_code(text, page.abs_src_path, Path(tmp))
            except Exception as e:  # the page's code is broken: the build must fail
                raise PluginError(f"hooks: running the code of {page.src_uri} failed: "
                                  f"{type(e).__name__}: {e}") from e
            folder = os.path.dirname(page.src_uri)
            for svg in sorted(Path(tmp).glob("*.svg")):
                add(f"{folder}/{svg.name}".lstrip("/"), content=svg.read_bytes())
    return files


_INLINE_MATH = re.compile(r'<span class="arithmatex">\\\((.*?)\\\)</span>', re.S)
_BLOCK_MATH = re.compile(r'<div class="arithmatex">\\\[(.*?)\\\]</div>', re.S)
_INLINE_TEXT = re.compile(r"\\\((.*?)\\\)", re.S)  # a formula in a heading's plain text


def on_page_content(content, page, config, files):
    """Formulas as MathML, which browsers draw without any script."""
    if "arithmatex" not in content:
        return content
    from latex2mathml.converter import convert

    def inline(m: re.Match) -> str:
        return convert(html.unescape(m.group(1)).strip())

    def block(m: re.Match) -> str:
        return f'<div class="math">{convert(html.unescape(m.group(1)).strip(), display="block")}</div>'

    def plain(m: re.Match) -> str:  # the table of contents shows text: the formula's letters
        return html.escape(html.unescape(re.sub(r"<[^>]+>", "", inline(m))))

    def retitle(items) -> None:
        for item in items:
            item.title = _INLINE_TEXT.sub(plain, item.title)
            retitle(item.children)

    retitle(page.toc)
    return _INLINE_MATH.sub(inline, _BLOCK_MATH.sub(block, content))
