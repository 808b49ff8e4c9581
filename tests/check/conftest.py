"""A makemore-style MLP (embedding, linear, batch norm, tanh, cross-entropy) built
with the engine, its every intermediate's `.grad`, and the same gradients written
out by hand in NumPy, as the learner of "Backprop by hand" writes them."""
from __future__ import annotations

import numpy as np
import pytest

from autograd_core import Value

N, BLOCK, VOCAB, EMB, HIDDEN = 32, 3, 27, 10, 64


def _forward(rng: np.random.Generator) -> dict:
    Xb = rng.integers(0, VOCAB, (N, BLOCK))
    Yb = rng.integers(0, VOCAB, N)
    p = {"C": Value(rng.standard_normal((VOCAB, EMB))),
         "W1": Value(rng.standard_normal((BLOCK * EMB, HIDDEN)) * 0.2),
         "b1": Value(rng.standard_normal(HIDDEN) * 0.1),
         "W2": Value(rng.standard_normal((HIDDEN, VOCAB)) * 0.1),
         "b2": Value(rng.standard_normal(VOCAB) * 0.1),
         "bngain": Value(1.0 + 0.1 * rng.standard_normal((1, HIDDEN))),
         "bnbias": Value(0.1 * rng.standard_normal((1, HIDDEN)))}
    v = dict(p)
    v["emb"] = p["C"][Xb]
    v["embcat"] = v["emb"].reshape(N, -1)
    v["hprebn"] = v["embcat"] @ p["W1"] + p["b1"]
    v["bnmeani"] = v["hprebn"].mean(0, keepdims=True)
    v["bndiff"] = v["hprebn"] - v["bnmeani"]
    v["bndiff2"] = v["bndiff"] ** 2
    v["bnvar"] = v["bndiff2"].sum(0, keepdims=True) / (N - 1)
    v["bnvar_inv"] = (v["bnvar"] + 1e-5) ** -0.5
    v["bnraw"] = v["bndiff"] * v["bnvar_inv"]
    v["hpreact"] = p["bngain"] * v["bnraw"] + p["bnbias"]
    v["h"] = v["hpreact"].tanh()
    v["logits"] = v["h"] @ p["W2"] + p["b2"]
    v["logit_maxes"] = v["logits"].max(1, keepdims=True)
    v["norm_logits"] = v["logits"] - v["logit_maxes"]
    v["counts"] = v["norm_logits"].exp()
    v["counts_sum"] = v["counts"].sum(1, keepdims=True)
    v["counts_sum_inv"] = v["counts_sum"] ** -1
    v["probs"] = v["counts"] * v["counts_sum_inv"]
    v["logprobs"] = v["probs"].log()
    loss = -v["logprobs"][np.arange(N), Yb].mean()
    loss.backward()
    return {"values": v, "Xb": Xb, "Yb": Yb, "loss": loss}


def _by_hand(v: dict, Xb: np.ndarray, Yb: np.ndarray) -> dict:
    """Every gradient of the forward, step by step in NumPy (makemore's exercise 1)."""
    d = {k: x.data for k, x in v.items()}
    g = {}
    g["logprobs"] = np.zeros_like(d["logprobs"])
    g["logprobs"][np.arange(N), Yb] = -1.0 / N
    g["probs"] = g["logprobs"] / d["probs"]
    g["counts_sum_inv"] = (g["probs"] * d["counts"]).sum(1, keepdims=True)
    g["counts"] = g["probs"] * d["counts_sum_inv"]
    g["counts_sum"] = g["counts_sum_inv"] * -d["counts_sum"] ** -2
    g["counts"] = g["counts"] + g["counts_sum"]
    g["norm_logits"] = g["counts"] * d["counts"]
    g["logit_maxes"] = -g["norm_logits"].sum(1, keepdims=True)
    g["logits"] = g["norm_logits"].copy()
    top = d["logits"] == d["logits"].max(1, keepdims=True)
    g["logits"] += top / top.sum(1, keepdims=True) * g["logit_maxes"]
    g["h"] = g["logits"] @ d["W2"].T
    g["W2"] = d["h"].T @ g["logits"]
    g["b2"] = g["logits"].sum(0)
    g["hpreact"] = (1.0 - d["h"] ** 2) * g["h"]
    g["bngain"] = (d["bnraw"] * g["hpreact"]).sum(0, keepdims=True)
    g["bnraw"] = d["bngain"] * g["hpreact"]
    g["bnbias"] = g["hpreact"].sum(0, keepdims=True)
    g["bndiff"] = d["bnvar_inv"] * g["bnraw"]
    g["bnvar_inv"] = (d["bndiff"] * g["bnraw"]).sum(0, keepdims=True)
    g["bnvar"] = -0.5 * (d["bnvar"] + 1e-5) ** -1.5 * g["bnvar_inv"]
    g["bndiff2"] = np.ones_like(d["bndiff2"]) / (N - 1) * g["bnvar"]
    g["bndiff"] = g["bndiff"] + 2 * d["bndiff"] * g["bndiff2"]
    g["hprebn"] = g["bndiff"].copy()
    g["bnmeani"] = -g["bndiff"].sum(0, keepdims=True)
    g["hprebn"] += np.ones_like(d["hprebn"]) / N * g["bnmeani"]
    g["embcat"] = g["hprebn"] @ d["W1"].T
    g["W1"] = d["embcat"].T @ g["hprebn"]
    g["b1"] = g["hprebn"].sum(0)
    g["emb"] = g["embcat"].reshape(d["emb"].shape)
    g["C"] = np.zeros_like(d["C"])
    np.add.at(g["C"], Xb, g["emb"])
    return g


@pytest.fixture(scope="module")
def mlp() -> dict:
    """The engine's values (`values`, each with its `.grad`) and the gradients by
    hand (`mine`), of one batch."""
    run = _forward(np.random.default_rng(42))
    run["mine"] = _by_hand(run["values"], run["Xb"], run["Yb"])
    return run
