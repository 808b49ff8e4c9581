"""The backward pass as one self-contained piece of HTML: every step's picture, a
range input, back/next and play buttons, and a few lines of inline JavaScript.

This is `step_through`'s `text/html` form: what nbconvert's HTML export, a
notebook viewer and the documentation's guide pages show. It needs no kernel, no
widget library and nothing from the network. Without JavaScript the controls stay
hidden and the last picture (the whole pass) is shown.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["stepper_html"]

#: The class of the outer element; the documentation's build looks for it.
STEPPER_CLASS = "autograd-core-stepper"

_BUTTON = ("font:inherit;padding:1px 8px;margin-right:4px;cursor:pointer;"
           "border:1px solid #999;border-radius:3px;background:#f4f4f4;color:#222")

# `document.currentScript` is the script itself, so each stepper drives its own
# frames whatever else is on the page.
_SCRIPT = """<script>
(function (box) {
  var range = box.querySelector("input[type=range]"), frames = box.querySelectorAll(".agc-frame");
  var play = box.querySelector(".agc-play"), last = frames.length - 1, timer = null;
  function show(k) {
    k = Math.max(0, Math.min(last, k)); range.value = k;
    for (var i = 0; i <= last; i++) frames[i].hidden = i !== k;
  }
  function stop() { clearInterval(timer); timer = null; play.textContent = "\\u25b6 play"; }
  range.oninput = function () { stop(); show(+range.value); };
  box.querySelector(".agc-back").onclick = function () { stop(); show(+range.value - 1); };
  box.querySelector(".agc-next").onclick = function () { stop(); show(+range.value + 1); };
  play.onclick = function () {
    if (timer) { stop(); return; }
    if (+range.value >= last) show(0);
    play.textContent = "\\u23f8 pause";
    timer = setInterval(function () { if (+range.value >= last) stop(); else show(+range.value + 1); }, %(interval)d);
  };
  box.querySelector(".agc-controls").hidden = false;
  show(0);
})(document.currentScript.parentNode);
</script>"""


def stepper_html(frames: Sequence[str], interval_ms: int = 900) -> str:
    """One HTML element stepping through `frames` (HTML, one per step from 0):
    a range input over 0..len(frames)-1, back/next buttons and a play button.

    Without JavaScript only the last frame shows; with it, step 0 shows first.
    Blank lines are dropped from the frames, so that the element stays one block
    of raw HTML inside Markdown.
    """
    if not frames:
        raise ValueError("stepper_html: no frames to step through")
    last = len(frames) - 1
    controls = (
        f'<div class="agc-controls" hidden style="margin:4px 0">'
        f'<button type="button" class="agc-play" style="{_BUTTON}">\u25b6 play</button>'
        f'<button type="button" class="agc-back" style="{_BUTTON}" '
        f'title="one step back">\u25c0 back</button>'
        f'<button type="button" class="agc-next" style="{_BUTTON}" '
        f'title="one step forward">next \u25b6</button>'
        f'<input type="range" min="0" max="{last}" step="1" value="{last}" '
        f'aria-label="step of the backward pass" style="width:380px;vertical-align:middle">'
        f"</div>")
    body = "".join(f'<div class="agc-frame" data-step="{k}"{"" if k == last else " hidden"}>'
                   f"{_one_block(frame)}</div>" for k, frame in enumerate(frames))
    return (f'<div class="{STEPPER_CLASS}">{controls}{body}'
            f"{_SCRIPT % {'interval': interval_ms}}</div>")


def _one_block(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if line.strip())
