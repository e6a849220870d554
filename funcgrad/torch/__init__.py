"""``funcgrad.torch``: a drop-in subset of the ``torch`` namespace on JAX.

``import funcgrad.torch as torch`` runs PyTorch autograd code: tensors with
``requires_grad``, ``.grad`` buffers, ``grad_fn`` nodes named as PyTorch names them,
``backward()``, ``no_grad()`` and ``detach()``.
"""

from ..autograd.dtypes import bfloat16 as bfloat16
from ..autograd.dtypes import bool as bool
from ..autograd.dtypes import cdouble as cdouble
from ..autograd.dtypes import cfloat as cfloat
from ..autograd.dtypes import complex64 as complex64
from ..autograd.dtypes import complex128 as complex128
from ..autograd.dtypes import double as double
from ..autograd.dtypes import dtype as dtype
from ..autograd.dtypes import float as float
from ..autograd.dtypes import float16 as float16
from ..autograd.dtypes import float32 as float32
from ..autograd.dtypes import float64 as float64
from ..autograd.dtypes import get_default_dtype as get_default_dtype
from ..autograd.dtypes import half as half
from ..autograd.dtypes import int as int
from ..autograd.dtypes import int8 as int8
from ..autograd.dtypes import int16 as int16
from ..autograd.dtypes import int32 as int32
from ..autograd.dtypes import int64 as int64
from ..autograd.dtypes import long as long
from ..autograd.dtypes import promote_types as promote_types
from ..autograd.dtypes import result_type as result_type
from ..autograd.dtypes import set_default_dtype as set_default_dtype
from ..autograd.dtypes import short as short
from ..autograd.dtypes import uint8 as uint8
from ..autograd.grad_mode import enable_grad as enable_grad
from ..autograd.grad_mode import inference_mode as inference_mode
from ..autograd.grad_mode import is_grad_enabled as is_grad_enabled
from ..autograd.grad_mode import no_grad as no_grad
from ..autograd.grad_mode import set_grad_enabled as set_grad_enabled
from ..autograd.tensor import Size as Size
from ..autograd.tensor import Tensor as Tensor
from . import accelerator as accelerator
from . import autograd as autograd
from . import compiler as compiler
from . import cuda as cuda
from . import func as func
from . import linalg as linalg
from . import nn as nn
from . import optim as optim
from . import testing as testing
from . import utils as utils
from . import viz as viz
from ._compile import compile as compile
from ._device import device as device
from ._device import get_default_device as get_default_device
from ._device import set_default_device as set_default_device
from ._factories import from_numpy as from_numpy
from ._functions import abs as abs
from ._functions import add as add
from ._functions import addmm as addmm
from ._functions import allclose as allclose
from ._functions import amax as amax
from ._functions import amin as amin
from ._functions import argmax as argmax
from ._functions import argmin as argmin
from ._functions import bmm as bmm
from ._functions import cat as cat
from ._functions import clamp as clamp
from ._functions import clip as clip
from ._functions import clone as clone
from ._functions import concat as concat
from ._functions import concatenate as concatenate
from ._functions import cumprod as cumprod
from ._functions import cumsum as cumsum
from ._functions import detach as detach
from ._functions import div as div
from ._functions import dot as dot
from ._functions import equal as equal
from ._functions import exp as exp
from ._functions import flatten as flatten
from ._functions import is_tensor as is_tensor
from ._functions import kthvalue as kthvalue
from ._functions import log as log
from ._functions import logsumexp as logsumexp
from ._functions import matmul as matmul
from ._functions import max as max
from ._functions import maximum as maximum
from ._functions import mean as mean
from ._functions import min as min
from ._functions import minimum as minimum
from ._functions import mm as mm
from ._functions import mode as mode
from ._functions import mul as mul
from ._functions import mv as mv
from ._functions import neg as neg
from ._functions import numel as numel
from ._functions import permute as permute
from ._functions import pow as pow
from ._functions import relu as relu
from ._functions import reshape as reshape
from ._functions import sigmoid as sigmoid
from ._functions import sqrt as sqrt
from ._functions import squeeze as squeeze
from ._functions import stack as stack
from ._functions import std as std
from ._functions import sub as sub
from ._functions import sum as sum
from ._functions import t as t
from ._functions import tanh as tanh
from ._functions import topk as topk
from ._functions import transpose as transpose
from ._functions import unsqueeze as unsqueeze
from ._functions import var as var
from ._functions import where as where
from ._gather import gather as gather
from ._gather import index_select as index_select
from ._install import install as install
from ._missing import missing as _missing
from ._placed import arange as arange
from ._placed import as_tensor as as_tensor
from ._placed import empty as empty
from ._placed import empty_like as empty_like
from ._placed import eye as eye
from ._placed import full as full
from ._placed import full_like as full_like
from ._placed import linspace as linspace
from ._placed import ones as ones
from ._placed import ones_like as ones_like
from ._placed import rand as rand
from ._placed import rand_like as rand_like
from ._placed import randn as randn
from ._placed import randn_like as randn_like
from ._placed import tensor as tensor
from ._placed import zeros as zeros
from ._placed import zeros_like as zeros_like
from ._random import Generator as Generator
from ._random import initial_seed as initial_seed
from ._random import manual_seed as manual_seed
from ._reductions import all as all
from ._reductions import any as any
from ._reductions import argsort as argsort
from ._reductions import count_nonzero as count_nonzero
from ._reductions import median as median
from ._reductions import msort as msort
from ._reductions import norm as norm
from ._reductions import prod as prod
from ._reductions import sort as sort
from ._reductions import std_mean as std_mean
from ._reductions import unique as unique
from ._reductions import var_mean as var_mean
from ._serialization import load as load
from ._serialization import save as save

__getattr__ = _missing(__name__)

__all__ = [
    "Generator",
    "accelerator",
    "cuda",
    "device",
    "get_default_device",
    "install",
    "set_default_device",
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
    "gather",
    "get_default_dtype",
    "half",
    "index_select",
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
    "optim",
    "numel",
    "ones",
    "ones_like",
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
    "load",
    "save",
    "utils",
    "tensor",
    "testing",
    "transpose",
    "uint8",
    "unsqueeze",
    "viz",
    "where",
    "zeros",
    "zeros_like",
    "all",
    "amax",
    "amin",
    "any",
    "argsort",
    "count_nonzero",
    "cumprod",
    "cumsum",
    "kthvalue",
    "linalg",
    "logsumexp",
    "median",
    "mode",
    "msort",
    "norm",
    "prod",
    "sort",
    "std",
    "std_mean",
    "topk",
    "unique",
    "var",
    "var_mean",
]
