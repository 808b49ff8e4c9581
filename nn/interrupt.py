"""Ctrl-C during a training loop, deferred to the end of the running step."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterable, Iterator
from typing import Any, TypeVar

__all__ = ["CtrlC"]

_T = TypeVar("_T")


class CtrlC:
    """Ctrl-C during a training loop, deferred to the end of the running step.

    Made, SIGINT's handler is replaced (in the main thread, and only while
    Python's own handler is the one installed) by one that marks the
    interruption; `steps` then raises `KeyboardInterrupt` in place of the next
    item (batch or epoch), so the step that was running completes. A second
    Ctrl-C raises at once. A `KeyboardInterrupt` raised by code in a step
    ends that step where it is. `close` gives SIGINT its handler back:

        ctrl_c = CtrlC()
        try:
            for batch in ctrl_c.steps(batches):
                ...  # one training step
        except KeyboardInterrupt:
            ...  # stopped after a whole step
        finally:
            ctrl_c.close()
    """

    def __init__(self) -> None:
        """Install the deferring SIGINT handler (where it can be installed)."""
        self.pending = False
        """Whether Ctrl-C was pressed (the next step raises `KeyboardInterrupt`)."""
        self._previous: Any = None
        if (threading.current_thread() is threading.main_thread()
                and signal.getsignal(signal.SIGINT) is signal.default_int_handler):
            self._previous = signal.signal(signal.SIGINT, self._handle)

    def _handle(self, signum: int, frame: Any) -> None:
        if self.pending:
            raise KeyboardInterrupt
        self.pending = True

    def steps(self, items: Iterable[_T]) -> Iterator[_T]:
        """Yield the items, stopping once Ctrl-C was pressed.

        Args:
            items: the steps (batches, epochs) of the loop.

        Returns:
            An iterator over `items`.

        Raises:
            KeyboardInterrupt: in place of the next item after Ctrl-C.
        """
        for item in items:
            if self.pending:
                raise KeyboardInterrupt
            yield item

    def close(self) -> None:
        """Give SIGINT back to the handler it had before."""
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)
            self._previous = None
