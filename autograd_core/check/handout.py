"""Hand-outs of exercise notebooks: the solutions blanked, everything else kept.

The markers are nbgrader's. In a code cell, each block from a line
`### BEGIN SOLUTION` to a line `### END SOLUTION` becomes one line `raise
NotImplementedError("your code here")` at the indentation of the BEGIN line, and
each block from `### BEGIN HIDDEN TESTS` to `### END HIDDEN TESTS` is removed.
Outputs and execution counts are cleared (they would show what the solutions
computed), and so is saved widget state; the notebook's other cells and text are
unchanged. Notebooks are read and written as JSON, as nbformat writes them.
"""
from __future__ import annotations

import json
import os
import re

__all__ = ["blank", "blank_source"]

STUB = 'raise NotImplementedError("your code here")'
_MARK = re.compile(r"^([ \t]*)### (BEGIN|END) (SOLUTION|HIDDEN TESTS)[ \t]*$")


def blank_source(source: str, where: str = "a cell") -> tuple[str, int]:
    """One cell's code with its solutions blanked and hidden tests removed.

    Args:
        source: the cell's code.
        where: how errors name the cell.

    Returns:
        The new code and how many solution blocks were blanked.

    Raises:
        ValueError: a BEGIN without its END, an END without a BEGIN, or nested blocks.
    """
    lines, out, count, open_block = source.splitlines(keepends=True), [], 0, None
    for number, line in enumerate(lines, 1):
        m = _MARK.match(line.rstrip("\r\n"))
        if m is None:
            if open_block is None:
                out.append(line)
            continue
        indent, edge, kind = m.groups()
        if edge == "BEGIN":
            if open_block is not None:
                raise ValueError(f"{where}, line {number}: ### BEGIN {kind} inside an open "
                                 f"### BEGIN {open_block} block")
            open_block = kind
            if kind == "SOLUTION":
                out.append(f"{indent}{STUB}\n")
                count += 1
        else:
            if open_block != kind:
                raise ValueError(f"{where}, line {number}: ### END {kind} without its "
                                 f"### BEGIN {kind}")
            open_block = None
    if open_block is not None:
        raise ValueError(f"{where}: ### BEGIN {open_block} without its ### END {open_block}")
    text = "".join(out)
    if not source.endswith("\n") and text.endswith("\n"):
        text = text[:-1]
    return text, count


def _lines(text: str) -> list[str]:
    """A cell's source as nbformat stores it: a list of lines with their ends."""
    return text.splitlines(keepends=True)


def blank(notebook: str | os.PathLike, out: str | os.PathLike) -> int:
    """Write a hand-out of the exercise notebook `notebook` to `out`.

    Args:
        notebook: the notebook with the solutions between nbgrader's markers.
        out: where to write the hand-out (not the same file).

    Returns:
        How many solutions were blanked.

    Raises:
        ValueError: `out` is `notebook`; the file is not a notebook; a marker
            has no partner; or there is no solution to blank.
        OSError: the notebook cannot be read or the hand-out written.
    """
    if os.path.exists(out) and os.path.samefile(notebook, out):
        raise ValueError(f"the hand-out would overwrite its notebook {os.fspath(notebook)!r}: "
                         f"give another file")
    with open(notebook, encoding="utf-8") as f:
        try:
            nb = json.load(f)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{os.fspath(notebook)!r} is not a notebook: {exc}") from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise ValueError(f"{os.fspath(notebook)!r} is not a notebook: it has no cells")
    total = 0
    for k, cell in enumerate(nb["cells"]):
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        text = "".join(source) if isinstance(source, list) else source
        text, count = blank_source(text, f"{os.fspath(notebook)}, cell {k}")
        cell["source"] = _lines(text)
        cell["outputs"], cell["execution_count"] = [], None
        cell.get("metadata", {}).pop("execution", None)
        total += count
    if not total:
        raise ValueError(f"{os.fspath(notebook)!r} has no ### BEGIN SOLUTION ... "
                         f"### END SOLUTION block: nothing to hand out")
    nb.get("metadata", {}).pop("widgets", None)
    with open(out, "w", encoding="utf-8") as f:
        f.write(json.dumps(nb, sort_keys=True, indent=1, ensure_ascii=False) + "\n")
    return total
