"""Writing PyTorch's ``torch.save`` format, so real PyTorch loads what the facade
saves (with its default ``weights_only=True``).

The file is PyTorch's zip layout (``archive/data.pkl``, ``archive/data/<key>``,
``archive/byteorder``, ``archive/version``); the pickle is written opcode by
opcode here (protocol 2, as PyTorch writes it), naming only the globals
PyTorch's ``weights_only`` load accepts: the tensor and parameter rebuild
functions, storage types, ``OrderedDict``, ``Counter``, ``set``, ``complex``,
``torch.Size``, ``torch.device``, dtypes and the ``bytes`` codec. An object of
any other type is :class:`Unrepresentable` (the caller then keeps the facade's
own format).
"""

from __future__ import annotations

import io
import struct
import zipfile
from collections import Counter, OrderedDict
from typing import IO, Any

import jax.numpy as jnp
import numpy as np

from ..autograd import dtypes as _dt
from ..autograd.tensor import Size, Tensor
from . import _device
from ._pickled import STORAGE_DTYPES
from .nn.parameter import Parameter

__all__ = ["Unrepresentable", "save_torch_archive"]

_STORAGE_OF = {dtype: name for name, dtype in STORAGE_DTYPES.items()}
_MEMO_TYPES = (Tensor, list, dict)  # objects that keep identity on load


class Unrepresentable(TypeError):
    """An object PyTorch's ``weights_only`` load would not rebuild."""


class _Writer:
    def __init__(self) -> None:
        self.out = io.BytesIO()
        self.memo: dict[int, int] = {}
        self.keep: list[Any] = []  # memoised objects stay alive while writing
        self.storages: list[bytes] = []

    def op(self, code: bytes, *parts: bytes) -> None:
        self.out.write(code)
        for p in parts:
            self.out.write(p)

    def text(self, s: str) -> None:
        raw = s.encode("utf-8", "surrogatepass")
        self.op(b"X", struct.pack("<I", len(raw)), raw)

    def glob(self, module: str, name: str) -> None:
        self.op(b"c", module.encode(), b"\n", name.encode(), b"\n")

    def put(self, obj: Any) -> None:
        i = len(self.memo)
        self.memo[id(obj)] = i
        self.keep.append(obj)
        self.op(b"r", struct.pack("<I", i))

    def write(self, obj: Any) -> None:
        if isinstance(obj, _MEMO_TYPES) and id(obj) in self.memo:
            self.op(b"j", struct.pack("<I", self.memo[id(obj)]))
        elif obj is None or isinstance(obj, bool):
            self.op({None: b"N", True: b"\x88", False: b"\x89"}[obj])
        elif isinstance(obj, int):
            self.integer(obj)
        elif isinstance(obj, float):
            self.op(b"G", struct.pack(">d", obj))
        elif isinstance(obj, str):
            self.text(obj)
        else:
            self.compound(obj)

    def integer(self, v: int) -> None:
        if -(2**31) <= v < 2**31:
            self.op(b"J", struct.pack("<i", v))
        else:
            raw = v.to_bytes((v.bit_length() + 8) // 8, "little", signed=True)
            self.op(b"\x8a", bytes([len(raw)]), raw)

    def call(self, module: str, name: str, args: tuple) -> None:
        self.glob(module, name)
        self.op(b"(")
        for a in args:
            self.write(a)
        self.op(b"t", b"R")

    def compound(self, obj: Any) -> None:
        if isinstance(obj, Tensor):
            self.tensor(obj)
        elif isinstance(obj, Size):
            self.call("torch", "Size", (tuple(obj),))
        elif isinstance(obj, tuple):
            self.op(b"(")
            for v in obj:
                self.write(v)
            self.op(b"t")
        elif isinstance(obj, list):
            self.op(b"]")
            self.put(obj)
            self.items(obj, b"e")
        elif isinstance(obj, dict):
            self.mapping(obj)
        else:
            self.other(obj)

    def items(self, values, close: bytes) -> None:
        self.op(b"(")
        for v in values:
            self.write(v)
        self.op(close)

    def mapping(self, obj: dict) -> None:
        if type(obj) in (OrderedDict, Counter):
            self.glob("collections", type(obj).__name__)
            self.op(b")", b"R")
        elif type(obj) is dict:
            self.op(b"}")
        else:
            raise Unrepresentable(type(obj).__qualname__)
        self.put(obj)
        self.op(b"(")
        for k, v in obj.items():
            self.write(k)
            self.write(v)
        self.op(b"u")
        state = getattr(obj, "__dict__", None)
        if state:  # a state dict's ``_metadata``
            self.op(b"}")
            self.op(b"(")
            for k, v in state.items():
                self.write(k)
                self.write(v)
            self.op(b"u", b"b")

    def other(self, obj: Any) -> None:
        if isinstance(obj, bytes):
            self.glob("_codecs", "encode")
            self.text(obj.decode("latin-1"))
            self.text("latin1")
            self.op(b"\x86", b"R")
        elif isinstance(obj, set | frozenset):
            self.call("__builtin__", type(obj).__name__, (list(obj),))
        elif isinstance(obj, complex):
            self.call("__builtin__", "complex", (obj.real, obj.imag))
        elif isinstance(obj, _dt.dtype):
            self.glob("torch", obj.name)
        elif isinstance(obj, _device.device):
            self.call("torch", "device", (str(obj),))
        else:
            raise Unrepresentable(f"{type(obj).__module__}.{type(obj).__qualname__}")

    def tensor(self, t: Tensor) -> None:
        if t.dtype.name not in _STORAGE_OF:
            raise Unrepresentable(f"a tensor of {t.dtype}")
        kind = jnp.bfloat16 if t.dtype.name == "bfloat16" else np.dtype(t.dtype.name)
        value = np.array(np.asarray(t.detach()._value), dtype=kind, order="C")
        key = len(self.storages)
        self.storages.append(value.tobytes())
        if isinstance(t, Parameter):
            self.glob("torch._utils", "_rebuild_parameter")
            self.op(b"(")
        self.glob("torch._utils", "_rebuild_tensor_v2")
        self.op(b"(", b"(")
        self.text("storage")
        self.glob("torch", _STORAGE_OF[t.dtype.name])
        self.text(str(key))
        self.text("cpu")
        self.integer(value.size)
        self.op(b"t", b"Q")
        strides = tuple(s // max(value.itemsize, 1) for s in value.strides)
        grad = bool(t.requires_grad) and not isinstance(t, Parameter)
        for v in (0, tuple(value.shape), strides, grad):
            self.write(v)
        self.glob("collections", "OrderedDict")
        self.op(b")", b"R", b"t", b"R")
        if isinstance(t, Parameter):
            self.write(bool(t.requires_grad))
            self.glob("collections", "OrderedDict")
            self.op(b")", b"R", b"t", b"R")
        self.put(t)


def save_torch_archive(obj: Any, f: Any, name: str = "archive") -> None:
    """Write ``obj`` as PyTorch's ``torch.save`` does; :class:`Unrepresentable`
    (nothing written) when it holds an object PyTorch's ``weights_only`` load
    would refuse.

    >>> import io, funcgrad.torch as torch
    >>> buf = io.BytesIO(); save_torch_archive({"w": torch.ones(2)}, buf)
    >>> _ = buf.seek(0); torch.load(buf)
    {'w': tensor([1., 1.])}
    """
    writer = _Writer()
    writer.op(b"\x80\x02")
    writer.write(obj)
    writer.op(b".")
    _zip(f, name, writer)


def _zip(f: str | IO[bytes], name: str, writer: _Writer) -> None:
    with zipfile.ZipFile(f, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr(f"{name}/data.pkl", writer.out.getvalue())
        archive.writestr(f"{name}/byteorder", "little")
        for key, raw in enumerate(writer.storages):
            archive.writestr(f"{name}/data/{key}", raw)
        archive.writestr(f"{name}/version", "3\n")
