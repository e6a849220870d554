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
from . import random as random
from . import special as special
from . import testing as testing
from . import utils as utils
from . import viz as viz
from ._compile import compile as compile
from ._constants import e as e
from ._constants import finfo as finfo
from ._constants import iinfo as iinfo
from ._constants import inf as inf
from ._constants import nan as nan
from ._constants import newaxis as newaxis
from ._constants import pi as pi
from ._device import device as device
from ._device import get_default_device as get_default_device
from ._device import set_default_device as set_default_device
from ._draws import get_rng_state as get_rng_state
from ._draws import set_rng_state as set_rng_state
from ._factories import from_numpy as from_numpy
from ._functions import abs as abs
from ._functions import absolute as absolute
from ._functions import acos as acos
from ._functions import acosh as acosh
from ._functions import add as add
from ._functions import addbmm as addbmm
from ._functions import addmm as addmm
from ._functions import addmv as addmv
from ._functions import allclose as allclose
from ._functions import amax as amax
from ._functions import amin as amin
from ._functions import arccos as arccos
from ._functions import arccosh as arccosh
from ._functions import arcsin as arcsin
from ._functions import arcsinh as arcsinh
from ._functions import arctan as arctan
from ._functions import arctan2 as arctan2
from ._functions import arctanh as arctanh
from ._functions import argmax as argmax
from ._functions import argmin as argmin
from ._functions import asin as asin
from ._functions import asinh as asinh
from ._functions import atan as atan
from ._functions import atan2 as atan2
from ._functions import atanh as atanh
from ._functions import baddbmm as baddbmm
from ._functions import bmm as bmm
from ._functions import cat as cat
from ._functions import ceil as ceil
from ._functions import clamp as clamp
from ._functions import clamp_max as clamp_max
from ._functions import clamp_min as clamp_min
from ._functions import clip as clip
from ._functions import clone as clone
from ._functions import concat as concat
from ._functions import concatenate as concatenate
from ._functions import cos as cos
from ._functions import cosh as cosh
from ._functions import cross as cross
from ._functions import cumprod as cumprod
from ._functions import cumsum as cumsum
from ._functions import detach as detach
from ._functions import diag_embed as diag_embed
from ._functions import div as div
from ._functions import dot as dot
from ._functions import equal as equal
from ._functions import erf as erf
from ._functions import erfc as erfc
from ._functions import exp as exp
from ._functions import exp2 as exp2
from ._functions import expm1 as expm1
from ._functions import fix as fix
from ._functions import flatten as flatten
from ._functions import flip as flip
from ._functions import floor as floor
from ._functions import fmod as fmod
from ._functions import frac as frac
from ._functions import gather as gather
from ._functions import hypot as hypot
from ._functions import index_select as index_select
from ._functions import is_tensor as is_tensor
from ._functions import kthvalue as kthvalue
from ._functions import lerp as lerp
from ._functions import log as log
from ._functions import log1p as log1p
from ._functions import log2 as log2
from ._functions import log10 as log10
from ._functions import logit as logit
from ._functions import logsumexp as logsumexp
from ._functions import masked_select as masked_select
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
from ._functions import negative as negative
from ._functions import numel as numel
from ._functions import permute as permute
from ._functions import pow as pow
from ._functions import reciprocal as reciprocal
from ._functions import relu as relu
from ._functions import remainder as remainder
from ._functions import reshape as reshape
from ._functions import roll as roll
from ._functions import round as round
from ._functions import rsqrt as rsqrt
from ._functions import scatter_add as scatter_add
from ._functions import sigmoid as sigmoid
from ._functions import sign as sign
from ._functions import sin as sin
from ._functions import sinh as sinh
from ._functions import sqrt as sqrt
from ._functions import square as square
from ._functions import squeeze as squeeze
from ._functions import stack as stack
from ._functions import std as std
from ._functions import sub as sub
from ._functions import sum as sum
from ._functions import t as t
from ._functions import take as take
from ._functions import tan as tan
from ._functions import tanh as tanh
from ._functions import topk as topk
from ._functions import trace as trace
from ._functions import transpose as transpose
from ._functions import tril as tril
from ._functions import triu as triu
from ._functions import trunc as trunc
from ._functions import unsqueeze as unsqueeze
from ._functions import var as var
from ._functions import where as where
from ._install import install as install
from ._legacy import BoolTensor as BoolTensor
from ._legacy import ByteTensor as ByteTensor
from ._legacy import CharTensor as CharTensor
from ._legacy import DoubleTensor as DoubleTensor
from ._legacy import FloatTensor as FloatTensor
from ._legacy import HalfTensor as HalfTensor
from ._legacy import IntTensor as IntTensor
from ._legacy import LongTensor as LongTensor
from ._legacy import ShortTensor as ShortTensor
from ._missing import missing as _missing
from ._placed import arange as arange
from ._placed import as_tensor as as_tensor
from ._placed import bernoulli as bernoulli
from ._placed import empty as empty
from ._placed import empty_like as empty_like
from ._placed import eye as eye
from ._placed import full as full
from ._placed import full_like as full_like
from ._placed import linspace as linspace
from ._placed import logspace as logspace
from ._placed import multinomial as multinomial
from ._placed import normal as normal
from ._placed import ones as ones
from ._placed import ones_like as ones_like
from ._placed import rand as rand
from ._placed import rand_like as rand_like
from ._placed import randint as randint
from ._placed import randint_like as randint_like
from ._placed import randn as randn
from ._placed import randn_like as randn_like
from ._placed import randperm as randperm
from ._placed import tensor as tensor
from ._placed import zeros as zeros
from ._placed import zeros_like as zeros_like
from ._random import Generator as Generator
from ._random import default_generator as default_generator
from ._random import initial_seed as initial_seed
from ._random import manual_seed as manual_seed
from ._random import seed as seed
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
from ._shapes import atleast_1d as atleast_1d
from ._shapes import atleast_2d as atleast_2d
from ._shapes import atleast_3d as atleast_3d
from ._shapes import broadcast_to as broadcast_to
from ._shapes import chunk as chunk
from ._shapes import column_stack as column_stack
from ._shapes import diag as diag
from ._shapes import diagflat as diagflat
from ._shapes import dstack as dstack
from ._shapes import einsum as einsum
from ._shapes import fliplr as fliplr
from ._shapes import flipud as flipud
from ._shapes import ger as ger
from ._shapes import hstack as hstack
from ._shapes import inner as inner
from ._shapes import kron as kron
from ._shapes import log_softmax as log_softmax
from ._shapes import meshgrid as meshgrid
from ._shapes import moveaxis as moveaxis
from ._shapes import movedim as movedim
from ._shapes import outer as outer
from ._shapes import rot90 as rot90
from ._shapes import scatter as scatter
from ._shapes import softmax as softmax
from ._shapes import split as split
from ._shapes import swapaxes as swapaxes
from ._shapes import swapdims as swapdims
from ._shapes import take_along_dim as take_along_dim
from ._shapes import tensordot as tensordot
from ._shapes import tile as tile
from ._shapes import unbind as unbind
from ._shapes import unflatten as unflatten
from ._shapes import vstack as vstack

__getattr__ = _missing(__name__)

__all__ = [
    "e",
    "finfo",
    "iinfo",
    "inf",
    "nan",
    "newaxis",
    "pi",
    "BoolTensor",
    "ByteTensor",
    "CharTensor",
    "DoubleTensor",
    "FloatTensor",
    "HalfTensor",
    "IntTensor",
    "LongTensor",
    "ShortTensor",
    "Generator",
    "accelerator",
    "cuda",
    "default_generator",
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
    "bernoulli",
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
    "get_rng_state",
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
    "logspace",
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
    "multinomial",
    "mv",
    "neg",
    "nn",
    "no_grad",
    "normal",
    "optim",
    "numel",
    "ones",
    "ones_like",
    "permute",
    "pow",
    "promote_types",
    "rand",
    "rand_like",
    "randint",
    "randint_like",
    "randn",
    "randn_like",
    "random",
    "randperm",
    "relu",
    "reshape",
    "result_type",
    "set_default_dtype",
    "set_grad_enabled",
    "set_rng_state",
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
    "seed",
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
    "sin",
    "cos",
    "tan",
    "asin",
    "acos",
    "atan",
    "atan2",
    "sinh",
    "cosh",
    "asinh",
    "acosh",
    "atanh",
    "exp2",
    "expm1",
    "log2",
    "log10",
    "log1p",
    "rsqrt",
    "sign",
    "reciprocal",
    "floor",
    "ceil",
    "round",
    "trunc",
    "frac",
    "clamp_min",
    "clamp_max",
    "fmod",
    "remainder",
    "erf",
    "erfc",
    "logit",
    "lerp",
    "hypot",
    "arcsin",
    "arccos",
    "arctan",
    "arctan2",
    "arcsinh",
    "arccosh",
    "arctanh",
    "absolute",
    "negative",
    "square",
    "fix",
    "special",
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
    "addbmm",
    "addmv",
    "baddbmm",
    "cross",
    "diag_embed",
    "flip",
    "masked_select",
    "roll",
    "scatter_add",
    "take",
    "trace",
    "tril",
    "triu",
    "atleast_1d",
    "atleast_2d",
    "atleast_3d",
    "broadcast_to",
    "chunk",
    "column_stack",
    "diag",
    "diagflat",
    "dstack",
    "einsum",
    "fliplr",
    "flipud",
    "ger",
    "hstack",
    "inner",
    "kron",
    "log_softmax",
    "meshgrid",
    "moveaxis",
    "movedim",
    "outer",
    "rot90",
    "scatter",
    "softmax",
    "split",
    "swapaxes",
    "swapdims",
    "take_along_dim",
    "tensordot",
    "tile",
    "unbind",
    "unflatten",
    "vstack",
]
