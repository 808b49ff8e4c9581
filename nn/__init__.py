"""Neural-network modules, losses, data and training."""

from . import callbacks, datasets, functional
from .bridge import from_torch, to_torch
from .checkpoint import load, save
from .data import as_rng, batches, train_val_split
from .layers import MLP, Dropout, Linear, ReLU, Sequential, Sigmoid, Tanh
from .losses import BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, L1Loss, MSELoss
from .module import Module
from .onnx_export import export_onnx
from .metrics import evaluate
from .training import History, fit

__all__ = [
    "Module",
    "Linear", "MLP", "Sequential", "ReLU", "Tanh", "Sigmoid", "Dropout",
    "MSELoss", "L1Loss", "BCELoss", "BCEWithLogitsLoss", "CrossEntropyLoss",
    "functional", "datasets", "callbacks",
    "batches", "train_val_split", "as_rng",
    "fit", "evaluate", "History",
    "save", "load",
    "to_torch", "from_torch", "export_onnx",
]
