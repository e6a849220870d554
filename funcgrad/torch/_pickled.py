"""Reading the files PyTorch's ``torch.save`` writes, without running their code.

Such a file is a zip archive: ``<name>/data.pkl`` (a pickle of the saved object
whose tensors point at storages by key), ``<name>/data/<key>`` (each storage's
raw bytes) and ``<name>/byteorder``. The pickle is read by an unpickler that
only knows the globals of PyTorch's ``weights_only`` load: the tensor and
parameter rebuild functions, storage types, dtypes, ``torch.Size``,
``torch.device``, ``OrderedDict``, ``Counter``, ``set``, ``bytearray``,
``complex`` and the ``bytes`` codec, each mapped to its facade counterpart here.
Any other global is refused with PyTorch's ``UnpicklingError`` naming it, before
anything is called, whatever ``weights_only`` says: the facade never executes a
file's code. Tensors that shared one storage in PyTorch load as separate
tensors holding the same values.
"""

from __future__ import annotations

import codecs
import io
import pickle
import zipfile
from collections import Counter, OrderedDict
from typing import Any, NamedTuple

import jax.numpy as jnp
import numpy as np

from ..autograd import dtypes as _dt
from ..autograd.tensor import Size, Tensor
from . import _device
from .nn.parameter import Parameter

__all__ = ["is_torch_archive", "load_torch_archive"]

# PyTorch's legacy storage type names and the dtype each holds.
STORAGE_DTYPES = {
    "FloatStorage": "float32",
    "DoubleStorage": "float64",
    "HalfStorage": "float16",
    "BFloat16Storage": "bfloat16",
    "LongStorage": "int64",
    "IntStorage": "int32",
    "ShortStorage": "int16",
    "CharStorage": "int8",
    "ByteStorage": "uint8",
    "BoolStorage": "bool",
    "ComplexFloatStorage": "complex64",
    "ComplexDoubleStorage": "complex128",
}

_DTYPE_NAMES = (
    "float32 float64 float16 bfloat16 int64 int32 int16 int8 uint8 bool "
    "complex64 complex128"
).split()


class StorageType(NamedTuple):
    """Stands for a ``torch.<Type>Storage`` class named in the pickle."""

    dtype: str


class _Storage(NamedTuple):
    array: np.ndarray  # 1-D, the storage's elements
    device: str


def _rebuild_tensor(
    storage: _Storage, offset: int, size, stride, requires_grad=False, hooks=None,
    metadata=None,
) -> Tensor:  # fmt: skip
    """``torch._utils._rebuild_tensor_v2``: the strided view of ``storage``,
    copied into a facade tensor."""
    array = storage.array
    size, stride = tuple(int(s) for s in size), tuple(int(s) for s in stride)
    if 0 in size:
        value = np.zeros(size, array.dtype)
    else:
        last = offset + sum((n - 1) * s for n, s in zip(size, stride, strict=True))
        if offset < 0 or last >= array.size or min(stride, default=0) < 0:
            raise pickle.UnpicklingError("a tensor reaches outside its storage")
        value = np.lib.stride_tricks.as_strided(
            array[offset:], size, tuple(s * array.itemsize for s in stride)
        ).copy()
    d = _dt.to_dtype(str(array.dtype) if array.dtype != jnp.bfloat16 else "bfloat16")
    with _dt.scope(d.x64):
        t = Tensor(jnp.asarray(value, d.storage()), dtype=d)
    t.requires_grad = bool(requires_grad)
    return t


def _rebuild_parameter(data: Tensor, requires_grad=True, hooks=None) -> Parameter:
    return Parameter(data, bool(requires_grad))


def _rebuild_parameter_with_state(data, requires_grad, hooks, state) -> Parameter:
    p = _rebuild_parameter(data, requires_grad)
    for key, value in (state or {}).items():
        setattr(p, key, value)
    return p


def _rebuild_from_type(func, new_type, args, state) -> Any:
    """``torch._tensor._rebuild_from_type_v2``: a plain tensor or parameter
    (subclasses of them are not rebuilt: their classes are code)."""
    t = func(*args)
    if new_type not in (Tensor, Parameter):
        raise pickle.UnpicklingError(f"cannot rebuild a tensor of type {new_type}")
    for key, value in (state or {}).items():
        setattr(t, key, value)
    return t


def _encode(text: str, encoding: str = "utf-8") -> bytes:
    """``_codecs.encode``, as protocol 2 pickles spell ``bytes``: text codecs only."""
    if codecs.lookup(encoding).name not in ("latin-1", "iso8859-1", "utf-8", "ascii"):
        raise pickle.UnpicklingError(f"unsupported encoding {encoding!r}")
    return text.encode(encoding)


def _allowed() -> dict[str, Any]:
    """The globals a PyTorch file may name, mapped to the facade's objects."""
    allowed: dict[str, Any] = {
        "collections.OrderedDict": OrderedDict,
        "collections.Counter": Counter,
        "builtins.set": set,
        "builtins.frozenset": frozenset,
        "builtins.bytearray": bytearray,
        "builtins.complex": complex,
        "_codecs.encode": _encode,
        "torch.Size": Size,
        "torch.device": _device.device,
        "torch.Tensor": Tensor,
        "torch.nn.parameter.Parameter": Parameter,
        "torch._utils._rebuild_tensor": _rebuild_tensor,
        "torch._utils._rebuild_tensor_v2": _rebuild_tensor,
        "torch._utils._rebuild_parameter": _rebuild_parameter,
        "torch._utils._rebuild_parameter_with_state": _rebuild_parameter_with_state,
        "torch._tensor._rebuild_from_type_v2": _rebuild_from_type,
    }
    for name, dtype in STORAGE_DTYPES.items():
        allowed[f"torch.{name}"] = StorageType(dtype)
    for name in _DTYPE_NAMES:
        allowed[f"torch.{name}"] = _dt.to_dtype(name)
    return allowed


_ALLOWED = _allowed()


def unsupported_global(name: str) -> pickle.UnpicklingError:
    """PyTorch's ``weights_only`` refusal of a global, naming it."""
    return pickle.UnpicklingError(
        "Weights only load failed. funcgrad.torch.load reads PyTorch files as "
        "PyTorch's weights_only load does, whatever weights_only says: it never "
        "runs a file's code.\n\tWeightsUnpickler error: Unsupported global: GLOBAL "
        f"{name} was not an allowed global by default."
    )


class _Unpickler(pickle.Unpickler):
    """``pickle`` restricted to :data:`_ALLOWED`, storages read from the zip."""

    def __init__(self, data: bytes, archive, prefix: str, byteorder: str) -> None:
        super().__init__(io.BytesIO(data), encoding="utf-8")
        self.archive, self.prefix, self.byteorder = archive, prefix, byteorder
        self.storages: dict[str, _Storage] = {}

    def find_class(self, module: str, name: str) -> Any:
        module = "builtins" if module == "__builtin__" else module
        full = f"{module}.{name}"
        if full not in _ALLOWED:
            raise unsupported_global(name if module == "builtins" else full)
        return _ALLOWED[full]

    def persistent_load(self, pid: Any) -> _Storage:
        if not (isinstance(pid, tuple) and len(pid) == 5 and pid[0] == "storage"):
            raise pickle.UnpicklingError(f"unsupported persistent id {pid!r}")
        _, kind, key, location, numel = pid
        if not isinstance(kind, StorageType):
            raise pickle.UnpicklingError(f"unsupported storage type {kind!r}")
        key = str(key)
        if key not in self.storages:
            self.storages[key] = self._read(kind, key, str(location), int(numel))
        return self.storages[key]

    def _read(self, kind: StorageType, key: str, location: str, numel: int):
        raw = self.archive.read(f"{self.prefix}data/{key}")
        dtype = np.dtype(jnp.bfloat16 if kind.dtype == "bfloat16" else kind.dtype)
        array = np.frombuffer(raw, dtype=dtype, count=numel)
        if self.byteorder == "big" and dtype.itemsize > 1:
            array = array.byteswap()
        return _Storage(array, location)


def _prefix(archive: zipfile.ZipFile) -> str | None:
    for name in archive.namelist():
        if name.endswith("data.pkl") and name.count("/") == 1:
            return name[: -len("data.pkl")]
    return None


def is_torch_archive(archive: zipfile.ZipFile) -> bool:
    """Whether ``archive`` has the layout of PyTorch's ``torch.save``."""
    return _prefix(archive) is not None


def load_torch_archive(archive: zipfile.ZipFile, map_location: Any = None) -> Any:
    """The object a PyTorch ``torch.save`` file holds, its tensors as facade
    tensors (on ``map_location`` when given, else the default device)."""
    prefix = _prefix(archive)
    try:
        byteorder = archive.read(f"{prefix}byteorder").decode().strip()
    except KeyError:
        byteorder = "little"
    obj = _Unpickler(
        archive.read(f"{prefix}data.pkl"), archive, prefix, byteorder
    ).load()
    return obj if map_location is None else _place(obj, map_location)


def _place(obj: Any, map_location: Any) -> Any:
    """Move every tensor in ``obj`` to ``map_location`` (a device, a name, or a
    ``{saved location: target}`` dict)."""
    seen: set[int] = set()

    def visit(o: Any) -> None:
        if id(o) in seen:
            return
        seen.add(id(o))
        if isinstance(o, Tensor):
            target = map_location
            if isinstance(target, dict):
                target = target.get(str(o.device))
            if target is not None and not callable(target):
                _device.move_(o, target)
        elif isinstance(o, dict):
            for v in o.values():
                visit(v)
        elif isinstance(o, list | tuple | set):
            for v in o:
                visit(v)

    visit(obj)
    return obj
