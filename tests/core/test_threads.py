"""Modes are per thread, and backward passes in two threads over graphs that
share parameters both land. Barriers order the threads, so these tests
cannot pass or fail by timing."""
from __future__ import annotations

import sys
import threading

import numpy as np

import autograd_core as ag
from autograd_core import Value, detect_anomaly, no_grad
from autograd_core.modes import current_scope, enter_module, exit_module


def _run(*targets) -> list:
    errors: list = []

    def wrap(fn):
        def run():
            try:
                fn()
            except BaseException as e:  # reported in the main thread
                errors.append(e)
        return run

    threads = [threading.Thread(target=wrap(t)) for t in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not any(t.is_alive() for t in threads), "a thread did not finish"
    return errors


def test_no_grad_in_one_thread_does_not_stop_another_from_recording() -> None:
    inside, outside = threading.Barrier(2), threading.Barrier(2)
    recorded = {}

    def evaluator():
        with no_grad():
            inside.wait()  # the trainer records while this thread is inside no_grad
            outside.wait()
            recorded["evaluator"] = (Value(1.0) * 2).requires_grad

    def trainer():
        inside.wait()
        w = Value(np.ones(3))
        y = (w * w).sum()
        recorded["trainer"] = y.requires_grad and ag.is_grad_enabled()
        outside.wait()

    assert _run(evaluator, trainer) == []
    assert recorded == {"evaluator": False, "trainer": True}


def test_anomaly_mode_and_module_scope_are_per_thread() -> None:
    entered, checked = threading.Barrier(2), threading.Barrier(2)
    seen = {}

    def first():
        with detect_anomaly():
            token = enter_module("module A")
            entered.wait()
            checked.wait()
            exit_module(token)

    def second():
        entered.wait()
        seen["anomaly"] = ag.modes.is_anomaly_enabled()
        seen["scope"] = current_scope()
        with np.errstate(invalid="ignore"):
            seen["nan"] = Value(-1.0).log().item()
        checked.wait()

    assert _run(first, second) == []
    assert seen["anomaly"] is False and seen["scope"] == ()
    assert np.isnan(seen["nan"])  # no FloatingPointError: anomaly mode is the other thread's


def test_two_threads_backward_over_shared_parameters_both_contributions_land() -> None:
    w = Value(np.arange(4.0))
    start = threading.Barrier(2)
    n = 3000

    def worker(scale: float):
        def run():
            start.wait()
            for _ in range(n):
                (w * w * scale).sum().backward()
        return run

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads often: a race would show at once
    try:
        assert _run(worker(1.0), worker(3.0)) == []
    finally:
        sys.setswitchinterval(interval)
    np.testing.assert_allclose(w.grad, n * (2 * np.arange(4.0) * 1.0 + 2 * np.arange(4.0) * 3.0))
