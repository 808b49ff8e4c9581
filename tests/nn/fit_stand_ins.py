"""Stand-ins shared by the tests of `nn.fit`: a scripted optimizer and a one-weight model."""

import nn


class Scripted:
    """A stand-in optimizer that sets the one weight to the next scripted value."""

    def __init__(self, param, values):
        self.param, self.values = param, iter(values)

    def zero_grad(self):
        self.param.grad = None

    def step(self):
        self.param.data[...] = next(self.values)


def one_weight(w0=5.0):
    """A `Linear(1, 1)` without bias whose weight starts at `w0`."""
    model = nn.Linear(1, 1, bias=False)
    model.weight.data[...] = w0
    return model
