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
    "accelerator",
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
    "cdouble",
    "cfloat",
    "clamp",
    "clip",
    "clone",
    "compile",
    "compiler",
    "complex128",
    "complex64",
    "concat",
    "concatenate",
    "cuda",
    "detach",
    "device",
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
    "full",
    "full_like",
    "gather",
    "func",
    "get_default_device",
    "get_default_dtype",
    "half",
    "index_select",
    "inference_mode",
    "initial_seed",
    "install",
    "int",
    "int16",
    "int32",
    "int64",
    "int8",
    "is_grad_enabled",
    "is_tensor",
    "linspace",
    "load",
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
    "promote_types",
    "rand",
    "rand_like",
    "randn",
    "randn_like",
    "relu",
    "reshape",
    "result_type",
    "save",
    "set_default_device",
    "set_default_dtype",
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
    "testing",
    "transpose",
    "uint8",
    "unsqueeze",
    "utils",
    "viz",
    "where",
    "zeros",
    "zeros_like",
}

NN_ALL = {
    "AdaptiveAvgPool2d",
    "AvgPool1d",
    "AvgPool2d",
    "BCELoss",
    "BCEWithLogitsLoss",
    "BatchNorm1d",
    "BatchNorm2d",
    "Conv1d",
    "Conv2d",
    "CrossEntropyLoss",
    "Dropout",
    "ELU",
    "Embedding",
    "Flatten",
    "GELU",
    "HuberLoss",
    "Identity",
    "KLDivLoss",
    "L1Loss",
    "LayerNorm",
    "LeakyReLU",
    "Linear",
    "LogSoftmax",
    "MSELoss",
    "MaxPool1d",
    "MaxPool2d",
    "MaxUnpool2d",
    "Module",
    "ModuleDict",
    "ModuleList",
    "NLLLoss",
    "Parameter",
    "ParameterDict",
    "ParameterList",
    "ReLU",
    "Sequential",
    "SiLU",
    "Sigmoid",
    "SmoothL1Loss",
    "Softmax",
    "Tanh",
    "Unflatten",
    "functional",
    "init",
    "utils",
}

FUNCTIONAL_ALL = {
    "adaptive_avg_pool2d",
    "avg_pool1d",
    "avg_pool2d",
    "batch_norm",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "conv1d",
    "conv2d",
    "cross_entropy",
    "dropout",
    "elu",
    "embedding",
    "gelu",
    "huber_loss",
    "kl_div",
    "l1_loss",
    "layer_norm",
    "leaky_relu",
    "linear",
    "log_softmax",
    "max_pool1d",
    "max_pool1d_with_indices",
    "max_pool2d",
    "max_pool2d_with_indices",
    "max_unpool2d",
    "mse_loss",
    "nll_loss",
    "relu",
    "sigmoid",
    "silu",
    "smooth_l1_loss",
    "softmax",
    "tanh",
}

OPTIM_ALL = {
    "Adagrad",
    "Adam",
    "AdamW",
    "Optimizer",
    "RMSprop",
    "SGD",
    "lr_scheduler",
}

AUTOGRAD_ALL = {
    "Function",
    "FunctionCtx",
    "GradcheckError",
    "Variable",
    "backward",
    "detect_anomaly",
    "enable_grad",
    "function",
    "functional",
    "grad",
    "gradcheck",
    "gradgradcheck",
    "inference_mode",
    "is_anomaly_enabled",
    "no_grad",
    "once_differentiable",
    "set_detect_anomaly",
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

UTILS_DATA_ALL = {
    "BatchSampler",
    "DataLoader",
    "Dataset",
    "RandomSampler",
    "SequentialSampler",
    "Subset",
    "TensorDataset",
    "default_collate",
    "random_split",
}

LR_SCHEDULER_ALL = {
    "CosineAnnealingLR",
    "ExponentialLR",
    "LRScheduler",
    "LambdaLR",
    "MultiStepLR",
    "OneCycleLR",
    "ReduceLROnPlateau",
    "StepLR",
}

TESTING_ALL = {
    "assert_close",
}

CUDA_ALL = {
    "current_device",
    "device_count",
    "get_device_name",
    "is_available",
    "manual_seed",
    "manual_seed_all",
    "synchronize",
}

ACCELERATOR_ALL = {
    "current_accelerator",
    "current_device_index",
    "device_count",
    "is_available",
    "synchronize",
}

AUTOGRAD_FUNCTIONAL_ALL = {
    "hessian",
    "hvp",
    "jacobian",
    "jvp",
    "vhp",
    "vjp",
}

NN_UTILS_ALL = {
    "clip_grad_norm_",
    "clip_grad_value_",
    "parameters_to_vector",
    "vector_to_parameters",
}

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
    "funcgrad.torch.utils.data": UTILS_DATA_ALL,
    "funcgrad.torch.optim.lr_scheduler": LR_SCHEDULER_ALL,
    "funcgrad.torch.testing": TESTING_ALL,
    "funcgrad.torch.cuda": CUDA_ALL,
    "funcgrad.torch.accelerator": ACCELERATOR_ALL,
    "funcgrad.torch.autograd.functional": AUTOGRAD_FUNCTIONAL_ALL,
    "funcgrad.torch.nn.utils": NN_UTILS_ALL,
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
