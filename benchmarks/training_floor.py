"""The NumPy floor of benchmarks/training.py: training steps written by hand.

Forward and backward are derived by hand and written in plain NumPy, with
in-place operations where they come naturally; activations and gradients are
fresh arrays every step, as in an ordinary NumPy training loop. The optimizers
are the update rules of torch.optim.SGD and torch.optim.Adam as in-place
NumPy ops on per-parameter buffers. Weights are in the (in, out) layout, as
nn.Linear keeps them: ``P = [W0, b0, W1, b1, ...]``.
"""
from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np


def _sigmoid_(z: np.ndarray) -> np.ndarray:
    """z <- 1 / (1 + exp(-z)), in place."""
    np.negative(z, out=z)
    np.exp(z, out=z)
    z += 1
    return np.reciprocal(z, out=z)


def xor_grads(P: list, X: np.ndarray, T: np.ndarray) -> tuple:
    """Loss and gradients of the sigmoid-sigmoid network with mean squared error."""
    W1, b1, W2, b2 = P
    h = X @ W1
    h += b1
    _sigmoid_(h)
    y = h @ W2
    y += b2
    _sigmoid_(y)
    d = y - T
    loss = (d * d).sum() / d.size  # np.mean costs several µs more on tiny arrays
    d *= 2.0 / d.size  # d loss / d y
    d *= y
    d *= 1 - y  # through the output sigmoid
    dh = d @ W2.T
    dh *= h
    dh *= 1 - h
    return loss, [X.T @ dh, dh.sum(axis=0), h.T @ d, d.sum(axis=0)]


def relu_ce_grads(P: list, X: np.ndarray, y: np.ndarray) -> tuple:
    """Loss and gradients of a relu MLP with cross-entropy on class indices."""
    n_layers = len(P) // 2
    acts = [X]
    for i in range(n_layers):
        z = acts[-1] @ P[2 * i]
        z += P[2 * i + 1]
        if i < n_layers - 1:
            np.maximum(z, 0, out=z)
        acts.append(z)
    n, rows = len(y), np.arange(len(y))
    z -= z.max(axis=1, keepdims=True)  # log-sum-exp, stably
    picked = z[rows, y]
    np.exp(z, out=z)
    s = z.sum(axis=1)
    loss = (np.log(s).sum() - picked.sum()) / n
    z /= s[:, None]  # softmax; d loss / d logits = (softmax - onehot) / n
    z[rows, y] -= 1
    z *= 1.0 / n
    g, grads = z, [None] * len(P)
    for i in range(n_layers - 1, -1, -1):
        a = acts[i]
        grads[2 * i], grads[2 * i + 1] = a.T @ g, g.sum(axis=0)
        if i:
            g = g @ P[2 * i].T
            g *= a > 0
    return loss, grads


def tanh_mse_grads(P: list, X: np.ndarray, T: np.ndarray) -> tuple:
    """Loss and gradients of a chain of Linear + tanh layers with mean squared error."""
    n_layers = len(P) // 2
    acts = [X]
    for i in range(n_layers):
        z = acts[-1] @ P[2 * i]
        z += P[2 * i + 1]
        acts.append(np.tanh(z, out=z))
    g = acts[-1] - T
    loss = (g * g).sum() / g.size
    g *= 2.0 / g.size
    grads = [None] * len(P)
    for i in range(n_layers - 1, -1, -1):
        dt = acts[i + 1] * acts[i + 1]
        np.subtract(1, dt, out=dt)  # tanh' = 1 - tanh**2
        g *= dt
        grads[2 * i], grads[2 * i + 1] = acts[i].T @ g, g.sum(axis=0)
        if i:
            g = g @ P[2 * i].T
    return loss, grads


class AdamFloor:
    """torch.optim.Adam's update (default betas and eps) as in-place NumPy ops."""

    def __init__(self, P: list, lr: float, betas=(0.9, 0.999), eps: float = 1e-8) -> None:
        self.P, self.lr, self.betas, self.eps, self.t = P, lr, betas, eps, 0
        self.m = [np.zeros_like(p) for p in P]
        self.v = [np.zeros_like(p) for p in P]
        self.tmp = [np.empty_like(p) for p in P]

    def __call__(self, grads: list) -> None:
        self.t += 1
        b1, b2 = self.betas
        step_size = self.lr / (1 - b1 ** self.t)
        bc2_sqrt = math.sqrt(1 - b2 ** self.t)
        for p, g, m, v, tmp in zip(self.P, grads, self.m, self.v, self.tmp):
            m *= b1
            np.multiply(g, 1 - b1, out=tmp)
            m += tmp
            v *= b2
            np.multiply(g, g, out=tmp)
            tmp *= 1 - b2
            v += tmp
            np.sqrt(v, out=tmp)
            tmp /= bc2_sqrt
            tmp += self.eps
            np.divide(m, tmp, out=tmp)
            tmp *= step_size
            p -= tmp


def sgd_(P: list, grads: list, lr: float) -> None:
    """p -= lr * g for every parameter (the gradients are scratch afterwards)."""
    for p, g in zip(P, grads):
        g *= lr
        p -= g


GRADS = {"xor": xor_grads, "relu_ce": relu_ce_grads, "tanh_mse": tanh_mse_grads}


def floor_step(kind: str, P: list, X: np.ndarray, T: np.ndarray, opt: str,
               lr: float) -> Callable[[], Any]:
    """One training step on the weights `P` (updated in place); returns the loss.
    `kind` is a key of GRADS, `opt` is "sgd" or "adam"."""
    grads_fn = GRADS[kind]
    if opt == "adam":
        adam = AdamFloor(P, lr)

        def step():
            loss, grads = grads_fn(P, X, T)
            adam(grads)
            return loss
    else:
        def step():
            loss, grads = grads_fn(P, X, T)
            sgd_(P, grads, lr)
            return loss
    return step
