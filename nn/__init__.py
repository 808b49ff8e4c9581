"""Neural-network modules, losses, data and training."""

from autograd_core import accelerator as _accelerator  # first: its finder (compiled or source)

from . import callbacks, datasets, functional, init
from .activations import (ELU, GELU, Hardtanh, LeakyReLU, LogSigmoid, LogSoftmax, ReLU6, SiLU,
                          Softmax, Softplus, Softsign)
from .bridge import from_torch, to_torch
from .checkpoint import load, save
from .data import DataLoader, as_rng, batches, train_val_split
from .containers import Flatten, Identity, ModuleDict, ModuleList, Parameter
from .conv import Conv1d, Conv2d
from .embedding import Embedding
from .layers import MLP, Dropout, Linear, ReLU, Sequential, Sigmoid, Tanh
from .losses import BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, L1Loss, MSELoss, NLLLoss
from .module import Module
from .norm import BatchNorm1d, BatchNorm2d, LayerNorm
from .pooling import AdaptiveAvgPool2d, AvgPool2d, MaxPool2d
from .onnx_export import export_onnx
from .metrics import evaluate
from .training import History, fit

__all__ = [
    "Module", "Parameter", "ModuleList", "ModuleDict", "Identity", "Flatten",
    "Linear", "MLP", "Sequential", "ReLU", "Tanh", "Sigmoid", "Dropout",
    "Embedding", "BatchNorm1d", "BatchNorm2d", "LayerNorm",
    "Conv1d", "Conv2d", "MaxPool2d", "AvgPool2d", "AdaptiveAvgPool2d",
    "LeakyReLU", "ELU", "GELU", "SiLU", "Softplus", "Hardtanh", "ReLU6", "Softsign",
    "LogSigmoid", "Softmax", "LogSoftmax",
    "MSELoss", "L1Loss", "BCELoss", "BCEWithLogitsLoss", "CrossEntropyLoss", "NLLLoss",
    "functional", "init", "datasets", "callbacks",
    "batches", "DataLoader", "train_val_split", "as_rng",
    "fit", "evaluate", "History",
    "save", "load",
    "to_torch", "from_torch", "export_onnx",
]
