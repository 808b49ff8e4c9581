"""`step_through`: the slider widget over the backward pass, driven from Python."""

import itertools
import json
import math
import re
import types
from pathlib import Path

import nbformat
import numpy as np
import pytest

import autograd_core
import nn
from autograd_core import Value
from autograd_core.viz import frame
from autograd_core.viz import step as step_module
from autograd_core.viz.draw import backward_steps, draw_graph
from autograd_core.viz.plan import Plan
from autograd_core.viz.render import GraphDigraph, dot_available

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "01_values_and_graphs.ipynb"


@pytest.fixture
def lazy(monkeypatch):
    """Draw nothing up front but step 0, so that tests see the lazy path: no
    reading of the clock is within a budget of minus infinity."""
    monkeypatch.setattr(step_module, "PRERENDER_SECONDS", -math.inf)


@pytest.fixture
def whole(monkeypatch):
    """Draw every step up front: every reading of the clock is within an infinite
    budget, however busy the machine is."""
    monkeypatch.setattr(step_module, "PRERENDER_SECONDS", math.inf)


def _ticking_clock(monkeypatch):
    """Make the widget's clock read 0, 1, 2, ... seconds, one more at each reading."""
    ticks = itertools.count()
    monkeypatch.setattr(step_module, "time",
                        types.SimpleNamespace(perf_counter=lambda: float(next(ticks))))


def _neuron():
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    s = x1 * w1 + x2 * w2
    s.label = "s"
    n = s + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    o.backward()
    return o


def _svg(root, k):
    text = draw_graph(root, step=k).pipe(format="svg", encoding="utf-8")
    return text[text.index("<svg"):]


def _shown(w):
    return w.pictures.children[w.pictures.selected_index].value


def test_slider_runs_over_the_backward_steps():
    o = _neuron()
    w = autograd_core.step_through(o)
    n = len(list(backward_steps(o))) - 1
    assert n == 10  # o, n, b, s, the two products and the four leaves x1, w1, x2, w2
    assert (w.slider.min, w.slider.max, w.steps) == (0, n, n)
    assert (w.play.min, w.play.max) == (0, n)
    assert len(w.pictures.children) == n + 1
    assert w.slider.value == 0 and w.pictures.selected_index == 0


def test_moving_the_slider_shows_what_draw_graph_draws(lazy):
    o = _neuron()
    w = autograd_core.step_through(o)
    for k in (3, 0, 8, 5):
        w.slider.value = k
        assert w.pictures.selected_index == k and w.play.value == k
        assert _svg(o, k) in _shown(w)
        assert w.svg(k) == _svg(o, k)
        assert w.line(k) in _shown(w).replace("&#x27;", "'")


def test_works_without_dot(no_dot, lazy):
    assert not dot_available()
    o = _neuron()
    w = autograd_core.step_through(o)
    w.slider.value = 4
    assert _svg(o, 4) in _shown(w)
    assert "grad: 0.5" in _shown(w)


def test_chain_rule_lines_by_hand():
    o = _neuron()
    w = autograd_core.step_through(o)
    assert w.line(0) == ("step 0 of 10: before the backward pass: no gradient yet; "
                         "step 1 starts at o")
    assert w.line(1) == "step 1 of 10: o.grad = 1 (the pass starts here: ∂o/∂o = 1)"
    # tanh'(n) = 1 - o**2 = 0.5
    assert w.line(2) == "step 2 of 10: n.grad = ∂o/∂n·o.grad = 0.5 × 1 = 0.5"
    assert w.line(3) == "step 3 of 10: b.grad = ∂n/∂b·n.grad = 1 × 0.5 = 0.5"
    # w1's product: ∂(x1*w1)/∂w1 = x1 = 2, and the product's gradient is 0.5
    (line,) = [w.line(k) for k in range(1, 11) if "of 10: w1.grad" in w.line(k)]
    assert re.search(r"w1\.grad = ∂#(\d+)/∂w1·#\1\.grad = 2 × 0\.5 = 1$", line), line


def test_a_value_used_several_times_sums_its_contributions():
    a = Value(3.0, label="a")
    y = a * a + a
    y.label = "y"
    y.backward()
    w = autograd_core.step_through(y)
    # y = (a*a) + a: 1 from the addition, then a = 3 from each side of the product
    assert w.line(w.steps) == (
        f"step {w.steps} of {w.steps}: a.grad = ∂y/∂a·y.grad + ∂#2/∂a·#2.grad + "
        "∂#2/∂a·#2.grad = 1 × 1 + 3 × 1 + 3 × 1 = 7")


def test_arrays_show_each_contribution():
    x = Value([1.0, 2.0], label="x")
    y = (x * x).sum() + (3 * x).sum()
    y.label = "y"
    y.backward()
    w = autograd_core.step_through(y)
    last = w.line(w.steps)
    assert last.startswith(f"step {w.steps} of {w.steps}: x.grad = ")
    # 3 from 3 * x, and x from each side of x * x: [3, 3] + [1, 2] + [1, 2] = [5, 7]
    assert sorted(last.split(" = ")[2].split(" + ")) == ["[1, 2]", "[1, 2]", "[3, 3]"]
    assert last.endswith(" = [5, 7]")


def test_parameters_are_named_as_in_the_module():
    model = nn.Linear(2, 1, rng=0)
    loss = (model(np.array([[1.0, 2.0]])) ** 2).sum()
    loss.label = "loss"
    loss.backward()
    w = autograd_core.step_through(loss)
    lines = [w.line(k) for k in range(w.steps + 1)]
    assert any(": weight.grad = " in line for line in lines)
    assert any(": bias.grad = " in line for line in lines)


def test_seen_steps_are_not_rendered_again_on_a_graph_of_100_nodes(lazy, monkeypatch):
    # How fast moving the slider feels is measured by benchmarks/drawing.py; here, that
    # going back to a step costs no rendering and leaves every frame as it was.
    xs = [Value(0.1 * i, label=f"x{i}") for i in range(14)]
    acc = xs[0]
    for x in xs[1:]:
        acc = (acc * x + 1.0).tanh()
    acc.backward()
    assert Plan(acc).n_nodes >= 100
    w = autograd_core.step_through(acc)
    seen = [0, 5, 17, w.steps]
    for k in seen:
        w.slider.value = k
    renders = []
    original = GraphDigraph.pipe
    monkeypatch.setattr(GraphDigraph, "pipe",
                        lambda self, *a, **kw: renders.append(1) or original(self, *a, **kw))
    frames = [child.value for child in w.pictures.children]
    for k in seen * 5:
        w.slider.value = k
        assert w.pictures.selected_index == k
    assert not renders, "a step already seen was rendered again"
    assert [child.value for child in w.pictures.children] == frames


def test_a_small_graph_is_drawn_whole_up_front(whole):
    w = autograd_core.step_through(_neuron())
    assert all("<svg" in child.value for child in w.pictures.children)


@pytest.mark.parametrize("seconds, drawn", [(2.5, 3), (0.0, 1), (1.0, 2), (100.0, 11)])
def test_drawing_up_front_stops_when_the_budget_is_spent(monkeypatch, seconds, drawn):
    # Step 0 is always drawn; then one step per reading of the clock within the budget.
    # The clock reads 0 when the budget starts and one second more at each reading.
    _ticking_clock(monkeypatch)
    monkeypatch.setattr(step_module, "PRERENDER_SECONDS", seconds)
    w = autograd_core.step_through(_neuron())
    assert w.steps == 10
    pictures = ["<svg" in child.value for child in w.pictures.children]
    assert pictures == [True] * drawn + [False] * (11 - drawn)
    assert all(f"drawing step {k}" in w.pictures.children[k].value for k in range(drawn, 11))


def test_lazy_steps_show_a_placeholder_until_first_shown(lazy):
    w = autograd_core.step_through(_neuron())
    assert "<svg" in w.pictures.children[0].value
    assert "drawing step 6" in w.pictures.children[6].value
    w.show(6)
    assert "<svg" in w.pictures.children[6].value
    assert "drawing step 7" in w.pictures.children[7].value
    w.svg(7)  # drawn from Python: the widget shows it too
    assert "<svg" in w.pictures.children[7].value


def test_stepper_steps_back_and_forward_and_stops_at_the_ends(lazy):
    w = autograd_core.step_through(_neuron())
    assert w.stepper in w.controls.children and (w.stepper.min, w.stepper.max) == (0, 10)
    w.stepper.value -= 1  # the box clamps as its arrows do in the browser
    assert w.stepper.value == 0 and w.slider.value == 0
    w.stepper.value += 1
    w.stepper.value += 1
    assert w.slider.value == 2 and w.pictures.selected_index == 2 and w.play.value == 2
    w.show(w.steps)
    assert w.stepper.value == w.steps
    w.stepper.value = w.steps + 5
    assert w.slider.value == w.steps


def _links(w):
    return {(link.source[0], link.source[1], link.target[0], link.target[1])
            for link in w._links}


def test_is_an_ipywidgets_widget_linked_in_the_browser():
    import ipywidgets

    o = _neuron()
    w = autograd_core.step_through(o)
    assert isinstance(w, ipywidgets.VBox) and isinstance(w, autograd_core.viz.StepThrough)
    assert list(w.children) == [w.controls, w.pictures]
    ipywidgets.HBox([w, ipywidgets.HTML("beside it")])  # a widget like any other
    # One slider position per step of the backward pass (and 0, before it).
    assert w.slider.max - w.slider.min == len(list(backward_steps(o))) - 1 == w.steps
    # Every control moves the slider, and the slider the pictures, in the browser.
    assert {link._model_name for link in w._links} == {"LinkModel"}  # jslink: front end
    assert _links(w) == {(w.play, "value", w.slider, "value"),
                         (w.stepper, "value", w.slider, "value"),
                         (w.slider, "value", w.pictures, "selected_index")}


def test_displays_as_a_widget_with_a_self_contained_stepper():
    o = _neuron()
    w = autograd_core.step_through(o)
    bundle = w._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == w.model_id
    assert "10 steps" in bundle["text/plain"]
    page = bundle["text/html"]
    assert page == w._repr_html_() == w.html()
    assert page.count('class="agc-frame"') == w.steps + 1
    for k in range(w.steps + 1):
        assert f'data-step="{k}"' in page and f"step {k} of 10" in page
        assert "\n".join(line for line in _svg(o, k).splitlines() if line.strip()) in page
    assert re.search(r'<input type="range" min="0" max="10" step="1"', page)
    assert "agc-back" in page and "agc-next" in page and "agc-play" in page
    assert page.count("<script>") == 1 and "document.currentScript" in page
    assert not re.search(r"(src|href)=\"https?:", page), "nothing is fetched"
    # Without JavaScript, the last frame (the whole pass) is the one not hidden.
    shown = re.findall(r'<div class="agc-frame" data-step="(\d+)">', page)
    assert shown == ["10"]
    assert "\n\n" not in page  # one block of raw HTML, also inside Markdown


def test_bad_arguments():
    with pytest.raises(TypeError, match="Value"):
        autograd_core.step_through(3.0)
    with pytest.raises(TypeError, match="slider chooses the step"):
        autograd_core.step_through(_neuron(), step=2)
    with pytest.raises(TypeError, match="colour"):
        autograd_core.step_through(_neuron(), colour="red")
    with pytest.raises(ValueError, match="does not require grad"):
        autograd_core.step_through(Value(1.0, requires_grad=False) * 2)
    with pytest.raises(ValueError, match="the graph has 15 nodes"):
        autograd_core.step_through(_neuron(), max_nodes=5)
    w = autograd_core.step_through(_neuron())
    with pytest.raises(ValueError, match=r"0\.\.10"):
        w.show(11)


def test_options_reach_draw_graph(lazy):
    o = _neuron()
    w = autograd_core.step_through(o, rankdir="TB", show_grad=False)
    text = draw_graph(o, step=2, rankdir="TB", show_grad=False).pipe(format="svg",
                                                                   encoding="utf-8")
    w.show(2)
    assert text[text.index("<svg"):] in _shown(w)
    assert "grad:" not in _shown(w).split("</div>", 1)[1]


@pytest.mark.slow
def test_exported_notebook_steps_through_without_a_kernel_or_the_network():
    """Notebook 01, exported to HTML by nbconvert, holds the self-contained stepper:
    one frame per step, each with its picture, and no widget state (so no widget
    script fetched from a CDN)."""
    from nbconvert import HTMLExporter

    nb = nbformat.read(NOTEBOOK, as_version=4)
    assert "widgets" not in nb.metadata
    body, _ = HTMLExporter().from_notebook_node(nb)
    assert "application/vnd.jupyter.widget-state+json" not in body
    assert "html-manager" not in body and "embed-amd" not in body
    (stepper,) = re.findall(r'<div class="autograd-core-stepper">.*?</script></div>', body, re.S)
    # (nbconvert writes the attributes in its own order)
    (slider,) = re.findall(r"<input[^>]*>", stepper)
    assert 'type="range"' in slider and 'min="0"' in slider and 'max="10"' in slider
    frames = re.findall(r'<div class="agc-frame" data-step="(\d+)"[^>]*>(.*?)(?=<div class="agc-frame"|<script>)',
                        stepper, re.S)
    assert [int(k) for k, _ in frames] == list(range(11))
    for k, picture in frames:
        assert "<svg" in picture and f"step {k} of 10" in picture
        # Every Value that requires grad and is not reached yet shows "grad: —".
        assert picture.count("grad: \u2014") == 10 - int(k)


def test_pictures_shrink_to_the_page_unless_very_wide(whole):
    narrow = '<svg width="900pt" height="100pt" viewBox="0 0 900 100"></svg>'
    wide = '<svg width="4000pt" height="100pt" viewBox="0 0 4000 100"></svg>'
    assert 'class="autograd-core-fit"' in frame.picture_html(narrow)
    assert "max-width: 100%" in frame.picture_html(narrow)
    assert "autograd-core-fit" not in frame.picture_html(wide)
    assert "overflow:auto" in frame.picture_html(wide)
    w = autograd_core.step_through(_neuron())
    assert all('class="autograd-core-fit"' in child.value for child in w.pictures.children)
