"""Pins the public surface: a change to it is a deliberate change to this file."""

import importlib

import pytest

FUNCGRAD_ALL = {
    "CheckpointError",
    "CheckpointLockedError",
    "FitResult",
    "LinearParams",
    "NonFiniteLossError",
    "TrainState",
    "TrainingInterrupted",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "init_linear",
    "linear",
    "loss",
    "loss_and_grad",
    "fit",
    "initialize_distributed",
    "make_train_step",
}


TORCH_ALL = {
    "Generator",
    "Size",
    "Tensor",
    "abs",
    "add",
    "addmm",
    "allclose",
    "arange",
    "argmax",
    "argmin",
    "as_tensor",
    "autograd",
    "bfloat16",
    "bmm",
    "bool",
    "cat",
    "cfloat",
    "clamp",
    "clip",
    "clone",
    "compile",
    "compiler",
    "complex64",
    "concat",
    "concatenate",
    "detach",
    "div",
    "dot",
    "double",
    "dtype",
    "empty",
    "empty_like",
    "enable_grad",
    "equal",
    "exp",
    "eye",
    "flatten",
    "float",
    "float16",
    "float32",
    "float64",
    "from_numpy",
    "func",
    "full",
    "full_like",
    "get_default_dtype",
    "half",
    "inference_mode",
    "initial_seed",
    "int",
    "int16",
    "int32",
    "int64",
    "int8",
    "is_grad_enabled",
    "is_tensor",
    "linspace",
    "log",
    "long",
    "manual_seed",
    "matmul",
    "max",
    "maximum",
    "mean",
    "min",
    "minimum",
    "mm",
    "mul",
    "mv",
    "neg",
    "nn",
    "no_grad",
    "numel",
    "ones",
    "ones_like",
    "optim",
    "permute",
    "pow",
    "rand",
    "rand_like",
    "randn",
    "randn_like",
    "relu",
    "reshape",
    "set_grad_enabled",
    "short",
    "sigmoid",
    "sqrt",
    "squeeze",
    "stack",
    "sub",
    "sum",
    "t",
    "tanh",
    "tensor",
    "transpose",
    "uint8",
    "unsqueeze",
    "viz",
    "where",
    "zeros",
    "zeros_like",
}

NN_ALL = {
    "BCELoss",
    "BCEWithLogitsLoss",
    "CrossEntropyLoss",
    "Identity",
    "Linear",
    "MSELoss",
    "Module",
    "Parameter",
    "ReLU",
    "Sequential",
    "Sigmoid",
    "Tanh",
    "functional",
    "init",
}

FUNCTIONAL_ALL = {
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "linear",
    "log_softmax",
    "mse_loss",
    "nll_loss",
    "relu",
    "sigmoid",
    "softmax",
    "tanh",
}

OPTIM_ALL = {
    "Adam",
    "Optimizer",
    "SGD",
}

AUTOGRAD_ALL = {
    "backward",
    "detect_anomaly",
    "enable_grad",
    "grad",
    "inference_mode",
    "is_anomaly_enabled",
    "no_grad",
    "set_grad_enabled",
}

DATA_ALL = {
    "DataError",
    "Dataset",
    "Standardizer",
    "check_split",
    "load_breast_cancer",
    "load_csv",
    "parse_csv_bytes",
    "standardize",
    "train_test_split",
}

FUNC_ALL = {
    "functional_call",
    "grad",
    "grad_and_value",
    "hessian",
    "jacfwd",
    "jacrev",
    "jvp",
    "stack_module_state",
    "vjp",
    "vmap",
}

COMPILER_ALL = {"disable", "explain", "is_compiling", "reset"}

PINNED = {
    "funcgrad": FUNCGRAD_ALL,
    "funcgrad.torch": TORCH_ALL,
    "funcgrad.torch.nn": NN_ALL,
    "funcgrad.torch.nn.functional": FUNCTIONAL_ALL,
    "funcgrad.torch.optim": OPTIM_ALL,
    "funcgrad.torch.autograd": AUTOGRAD_ALL,
    "funcgrad.torch.func": FUNC_ALL,
    "funcgrad.torch.compiler": COMPILER_ALL,
    "funcgrad.data": DATA_ALL,
}


@pytest.mark.parametrize("module_name", sorted(PINNED))
def test_public_surface_is_pinned(module_name: str) -> None:
    module = importlib.import_module(module_name)
    assert set(module.__all__) == PINNED[module_name]
    for name in module.__all__:
        assert hasattr(module, name), name


@pytest.mark.parametrize("module_name", sorted(PINNED))
def test_every_public_symbol_has_a_runnable_example(module_name: str) -> None:
    """Modules and dtypes aside, each public name documents itself with ``>>>``
    (tests/test_docstrings.py runs those examples)."""
    module = importlib.import_module(module_name)
    missing = [
        name
        for name in module.__all__
        if type(getattr(module, name)).__name__ not in ("module", "dtype")
        and ">>>" not in (getattr(module, name).__doc__ or "")
    ]
    assert not missing, f"{module_name}: no runnable example for {missing}"
