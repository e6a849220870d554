"""``torch.save`` / ``torch.load`` in a safe format: a zip archive holding one
JSON document (the structure) and one ``.npy`` file per tensor. ``load`` also
reads the zip files PyTorch's ``torch.save`` writes (see ``_pickled``).

Loading never runs code from the file: the JSON names only the kinds below and
arrays are read with ``allow_pickle=False``. What can be saved: tensors (and
parameters), ``None``, bools, ints, floats (NaN and infinities too), strings,
bytes, lists, tuples, dicts and ``OrderedDict`` s (keys of those kinds),
``Counter`` s, ``torch.Size``, ``torch.dtype``, ``torch.device`` and NumPy arrays:
what state dicts, optimizer and scheduler states and training checkpoints hold.
A tensor saved twice (the same object) is stored once and loads as one object.
"""

from __future__ import annotations

import base64
import io
import json
import math
import os
import zipfile
from collections import Counter, OrderedDict
from typing import IO, Any

import jax.numpy as jnp
import numpy as np

from ..autograd import dtypes as _dt
from ..autograd.tensor import Size, Tensor
from . import _device, _pickled
from .nn.parameter import Parameter

__all__ = ["load", "save"]

FORMAT = "funcgrad.torch.save/1"
_STRUCTURE = "structure.json"


class _Writer:
    def __init__(self) -> None:
        self.arrays: list[np.ndarray] = []
        self.seen: dict[int, int] = {}

    def encode(self, obj: Any) -> Any:
        if obj is None or isinstance(obj, bool | str | int):
            return obj
        if isinstance(obj, float):
            return obj if math.isfinite(obj) else {"float": repr(obj)}
        if isinstance(obj, Tensor):
            return self._tensor(obj)
        if isinstance(obj, Size):
            return {"size": list(obj)}
        if isinstance(obj, _dt.dtype):
            return {"dtype": obj.name}
        if isinstance(obj, _device.device):
            return {"device": str(obj)}
        if isinstance(obj, bytes):
            return {"bytes": base64.b64encode(obj).decode("ascii")}
        if isinstance(obj, np.ndarray):
            self.arrays.append(np.array(obj, order="C"))
            return {"ndarray": len(self.arrays) - 1}
        if isinstance(obj, list | tuple):
            kind = "list" if isinstance(obj, list) else "tuple"
            return {kind: [self.encode(v) for v in obj]}
        if isinstance(obj, dict):
            kind = (
                "counter" if isinstance(obj, Counter)
                else "ordereddict" if isinstance(obj, OrderedDict) else "dict"
            )  # fmt: skip
            return {kind: [[self.encode(k), self.encode(v)] for k, v in obj.items()]}
        raise TypeError(
            f"funcgrad.torch.save cannot store an object of type "
            f"{type(obj).__module__}.{type(obj).__qualname__} (it stores tensors, "
            "numbers, strings, bytes, None, lists, tuples, dicts, torch.Size, "
            "dtypes, devices and NumPy arrays; no pickled objects)"
        )

    def _tensor(self, t: Tensor) -> dict:
        key = id(t)
        if key not in self.seen:
            value = np.asarray(t.detach()._value)
            if t.dtype.name == "bfloat16":
                value = value.view(np.uint16)
            self.arrays.append(np.array(value, order="C"))
            self.seen[key] = len(self.arrays) - 1
        return {
            "tensor": self.seen[key],
            "dtype": t.dtype.name,
            "requires_grad": bool(t.requires_grad),
            "parameter": isinstance(t, Parameter),
        }


def save(obj: Any, f: str | os.PathLike | IO[bytes], **kwargs: Any) -> None:
    """Write ``obj`` to the path or binary file ``f``.

    >>> import io, funcgrad.torch as torch
    >>> buf = io.BytesIO()
    >>> save({"w": torch.ones(2), "step": 3}, buf)
    >>> _ = buf.seek(0); load(buf)
    {'w': tensor([1., 1.]), 'step': 3}
    """
    writer = _Writer()
    structure = writer.encode(obj)
    document = json.dumps({"format": FORMAT, "object": structure}, allow_nan=False)
    with zipfile.ZipFile(f, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr(_STRUCTURE, document)
        for i, array in enumerate(writer.arrays):
            buf = io.BytesIO()
            np.save(buf, array, allow_pickle=False)
            archive.writestr(f"tensors/{i}.npy", buf.getvalue())


class _Reader:
    def __init__(self, archive: zipfile.ZipFile, map_location: Any) -> None:
        self.archive = archive
        self.map_location = map_location
        self.loaded: dict[int, Tensor] = {}

    def _array(self, i: int) -> np.ndarray:
        with self.archive.open(f"tensors/{int(i)}.npy") as fh:
            return np.load(io.BytesIO(fh.read()), allow_pickle=False)

    def decode(self, node: Any) -> Any:
        if node is None or isinstance(node, bool | str | float):
            return node
        if isinstance(node, int):
            return node
        if not isinstance(node, dict) or not node:
            raise _corrupt()
        if "tensor" in node:
            return self._tensor(node)
        kind, value = next(iter(node.items()))
        if kind == "float":
            return float(value)
        if kind == "size":
            return Size(int(v) for v in value)
        if kind == "dtype":
            return _dt.to_dtype(value)
        if kind == "device":
            return _device.device(value)
        if kind == "bytes":
            return base64.b64decode(value)
        if kind == "ndarray":
            return self._array(value)
        if kind in ("list", "tuple"):
            items = [self.decode(v) for v in value]
            return items if kind == "list" else tuple(items)
        if kind in ("dict", "ordereddict", "counter"):
            cls = {"dict": dict, "ordereddict": OrderedDict, "counter": Counter}[kind]
            return cls(dict((self.decode(k), self.decode(v)) for k, v in value))
        raise _corrupt()

    def _tensor(self, node: dict) -> Tensor:
        index = int(node["tensor"])
        if index in self.loaded:
            return self.loaded[index]
        d = _dt.to_dtype(node["dtype"])
        array = self._array(index)
        if d.name == "bfloat16":
            array = array.view(jnp.bfloat16)
        value = jnp.array(array, dtype=d.storage())
        if node.get("parameter"):
            t: Tensor = Parameter(Tensor(value, dtype=d), bool(node["requires_grad"]))
        else:
            t = Tensor(value, dtype=d, requires_grad=bool(node["requires_grad"]))
        if self.map_location is not None and not callable(self.map_location):
            target = self.map_location
            if isinstance(target, dict):
                target = target.get(str(t.device), None)
            if target is not None:
                _device.move_(t, target)
        self.loaded[index] = t
        return t


def _corrupt() -> ValueError:
    return ValueError("the file's structure is not one funcgrad.torch.save writes")


def load(
    f: str | os.PathLike | IO[bytes],
    map_location: Any = None,
    pickle_module: Any = None,
    *,
    weights_only: bool | None = None,
    mmap: bool | None = None,
    **kwargs: Any,
) -> Any:
    """Read what :func:`save` wrote, or a file written by PyTorch's
    ``torch.save`` (its pickle read as PyTorch's ``weights_only`` load reads it:
    tensors, parameters, containers and numbers only, never the file's code);
    tensors go to ``map_location`` when given.

    >>> import io, funcgrad.torch as torch
    >>> buf = io.BytesIO(); save([torch.tensor([1, 2]), (0.5, None)], buf)
    >>> _ = buf.seek(0); load(buf, map_location="cpu")
    [tensor([1, 2]), (0.5, None)]
    """
    try:
        archive = zipfile.ZipFile(f, "r")
    except zipfile.BadZipFile:
        raise _not_ours() from None
    with archive:
        if _STRUCTURE not in archive.namelist() and _pickled.is_torch_archive(archive):
            return _pickled.load_torch_archive(archive, map_location)
        try:
            document = json.loads(archive.read(_STRUCTURE))
        except KeyError:
            raise _not_ours() from None
        if not isinstance(document, dict) or document.get("format") != FORMAT:
            raise _not_ours()
        return _Reader(archive, map_location).decode(document["object"])


def _not_ours() -> RuntimeError:
    return RuntimeError(
        "funcgrad.torch.load reads files written by funcgrad.torch.save or by "
        "PyTorch's torch.save (its zip format); this is neither (PyTorch's legacy "
        "format from before version 1.6 is not read)"
    )
