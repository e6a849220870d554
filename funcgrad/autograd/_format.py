"""Render tensors the way PyTorch prints them.

:func:`format_tensor` takes the values of a tensor as a NumPy array and returns the
exact string that ``repr(t)`` (and ``str(t)``) gives for the PyTorch tensor ``t``
holding those values: element formatting (fixed point, integer-valued floats,
scientific notation), column alignment, line wrapping, summarization of large
tensors with ``...``, and the trailing ``size=``, ``dtype=``, ``grad_fn=`` and
``requires_grad=`` annotations.

The module is pure NumPy; it never imports torch.  Print options are
module-level state, managed with :func:`set_printoptions`,
:func:`get_printoptions` and :func:`printoptions`, and mirror
``torch.set_printoptions``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from . import dtypes as _dt

try:  # bfloat16 for NumPy; a dependency of jax, but keep the module importable
    import ml_dtypes as _ml_dtypes
except ImportError:  # pragma: no cover - exercised only without ml_dtypes
    _ml_dtypes = None

__all__ = [
    "PrintOptions",
    "format_tensor",
    "get_printoptions",
    "printoptions",
    "set_printoptions",
]


@dataclasses.dataclass
class PrintOptions:
    """Options that control how tensors are printed.

    ``precision`` is the number of digits after the decimal point,
    ``threshold`` the element count above which a tensor is summarized,
    ``edgeitems`` how many items are kept at each end of a summarized
    dimension, ``linewidth`` the width at which rows wrap, and ``sci_mode``
    forces (``True``) or forbids (``False``) scientific notation; ``None``
    chooses automatically.

    >>> PrintOptions()
    PrintOptions(precision=4, threshold=1000, edgeitems=3, linewidth=80, sci_mode=None)
    """

    precision: int = 4
    threshold: float = 1000
    edgeitems: int = 3
    linewidth: int = 80
    sci_mode: bool | None = None


_OPTIONS = PrintOptions()

_PROFILES: dict[str, dict[str, Any]] = {
    "default": {"precision": 4, "threshold": 1000, "edgeitems": 3, "linewidth": 80},
    "short": {"precision": 2, "threshold": 1000, "edgeitems": 2, "linewidth": 80},
    "full": {"precision": 4, "threshold": math.inf, "edgeitems": 3, "linewidth": 80},
}


def set_printoptions(
    precision: int | None = None,
    threshold: float | None = None,
    edgeitems: int | None = None,
    linewidth: int | None = None,
    profile: str | None = None,
    sci_mode: bool | None = None,
) -> None:
    """Set the options used by :func:`format_tensor`, like ``torch.set_printoptions``.

    ``profile`` (``"default"``, ``"short"`` or ``"full"``) is applied first and
    the other arguments override it; an argument left as ``None`` keeps its
    current value, except ``sci_mode``, which is always set (``None`` restores
    automatic choice), exactly as PyTorch does.

    >>> import numpy as np
    >>> set_printoptions(precision=2)
    >>> format_tensor(np.array([1.12345], dtype=np.float32), dtype="float32")
    'tensor([1.12])'
    >>> set_printoptions(threshold=5)
    >>> format_tensor(np.arange(10), dtype="int64")
    'tensor([0, 1, 2,  ..., 7, 8, 9])'
    >>> set_printoptions(profile="default")
    >>> format_tensor(np.array([1.12345], dtype=np.float32), dtype="float32")
    'tensor([1.1235])'
    """
    if profile is not None:
        try:
            settings = _PROFILES[profile]
        except KeyError:
            raise ValueError(
                f"unknown print profile {profile!r}; expected one of "
                f"{sorted(_PROFILES)}"
            ) from None
        for name, value in settings.items():
            setattr(_OPTIONS, name, value)
    if precision is not None:
        _OPTIONS.precision = precision
    if threshold is not None:
        _OPTIONS.threshold = threshold
    if edgeitems is not None:
        _OPTIONS.edgeitems = edgeitems
    if linewidth is not None:
        _OPTIONS.linewidth = linewidth
    _OPTIONS.sci_mode = sci_mode


def get_printoptions() -> dict[str, Any]:
    """Return the current print options as a dict accepted by :func:`set_printoptions`.

    >>> options = get_printoptions()
    >>> options["precision"], options["threshold"], options["sci_mode"]
    (4, 1000, None)
    >>> set_printoptions(**options)  # a round trip changes nothing
    """
    return dataclasses.asdict(_OPTIONS)


@contextlib.contextmanager
def printoptions(**kwargs: Any) -> Iterator[None]:
    """Temporarily change the print options; arguments as for :func:`set_printoptions`.

    >>> import numpy as np
    >>> with printoptions(sci_mode=True, precision=1):
    ...     format_tensor(np.array([1.0, 250.0], dtype=np.float32), dtype="float32")
    'tensor([1.0e+00, 2.5e+02])'
    >>> get_printoptions()["sci_mode"] is None
    True
    """
    saved = get_printoptions()
    set_printoptions(**kwargs)
    try:
        yield
    finally:
        set_printoptions(**saved)


# --------------------------------------------------------------------------- dtypes

_ALIASES = {
    "float": "float32",
    "double": "float64",
    "half": "float16",
    "long": "int64",
    "int": "int32",
    "short": "int16",
    "cfloat": "complex64",
    "cdouble": "complex128",
}

_NUMPY_DTYPES: dict[str, Any] = {
    "float16": np.float16,
    "float32": np.float32,
    "float64": np.float64,
    "complex64": np.complex64,
    "complex128": np.complex128,
    "int8": np.int8,
    "int16": np.int16,
    "int32": np.int32,
    "int64": np.int64,
    "uint8": np.uint8,
    "uint16": np.uint16,
    "uint32": np.uint32,
    "uint64": np.uint64,
    "bool": np.bool_,
}
if _ml_dtypes is not None:
    _NUMPY_DTYPES["bfloat16"] = _ml_dtypes.bfloat16


# Dtypes PyTorch leaves out of a non-empty tensor's repr: the default float dtype
# (``dtypes.get_default_dtype``), its complex counterpart, int64 and bool.
def _implied_dtypes() -> tuple[str, ...]:
    default = _dt.get_default_dtype().name
    return (default, _dt.default_complex().name, "int64", "bool")


def _canonical_dtype(dtype: str) -> str:
    name = str(dtype).removeprefix("torch.")
    name = _ALIASES.get(name, name)
    if name not in _NUMPY_DTYPES:
        if name == "bfloat16":
            raise ValueError("dtype 'bfloat16' needs the ml_dtypes package")
        raise ValueError(f"unsupported dtype {dtype!r}")
    return name


def _kind(name: str) -> str:
    if name == "bool":
        return "b"
    if name.startswith("complex"):
        return "c"
    if name.startswith(("float", "bfloat")):
        return "f"
    return "i"


def _as_dtype(values: Any, name: str) -> np.ndarray:
    """The values as an array of dtype ``name``, rounded as a torch cast would."""
    target = np.dtype(_NUMPY_DTYPES[name])
    array = np.asarray(values)
    if array.dtype != target:
        with np.errstate(over="ignore", invalid="ignore"):
            array = array.astype(target)
    return array


# ----------------------------------------------------------------------- elements


class _ScalarFormatter:
    """Formats the elements of one real tensor (or the real or imaginary part).

    Its layout decisions -- integer mode, scientific notation and the common
    column width -- are taken from ``sample``, the values that will be shown.
    """

    def __init__(self, sample: np.ndarray, kind: str, options: PrintOptions) -> None:
        self.floating = kind == "f"
        self.precision = options.precision
        self.int_mode = True
        self.sci_mode = False
        self.width = 1
        flat = sample.reshape(-1)
        if not self.floating:
            for value in np.unique(flat).tolist():
                self.width = max(self.width, len(str(value)))
            return
        flat = flat.astype(np.float64)
        shown = flat[np.isfinite(flat) & (flat != 0)]
        if shown.size == 0:
            return
        magnitudes = np.abs(shown)
        smallest = float(magnitudes.min())
        largest = float(magnitudes.max())
        self.int_mode = bool(np.all(shown == np.ceil(shown)))
        if options.sci_mode is None:
            self.sci_mode = (
                largest / smallest > 1000.0 or largest > 1.0e8 or smallest < 1.0e-4
            )
        else:
            self.sci_mode = bool(options.sci_mode)
        precision = self.precision
        for value in np.unique(shown).tolist():
            if self.sci_mode:
                length = len(f"{value:.{precision}e}")
            elif self.int_mode:
                length = len(f"{value:.0f}") + 1  # room for the trailing "."
            else:
                length = len(f"{value:.{precision}f}")
            self.width = max(self.width, length)

    def __call__(self, value: Any) -> str:
        if not self.floating:
            text = str(value)
        elif self.sci_mode:
            text = f"{value:{self.width}.{self.precision}e}"
        elif self.int_mode:
            text = f"{value:.0f}"
            if math.isfinite(value):
                text += "."
        else:
            text = f"{value:.{self.precision}f}"
        return text.rjust(self.width)


class _ComplexFormatter:
    """Formats complex elements as ``real+imagj`` with one formatter per part."""

    def __init__(self, sample: np.ndarray, options: PrintOptions) -> None:
        self.real = _ScalarFormatter(sample.real, "f", options)
        self.imag = _ScalarFormatter(sample.imag, "f", options)
        self.width = self.real.width + self.imag.width + 1

    def __call__(self, value: complex) -> str:
        real = self.real(value.real)
        imag = (self.imag(value.imag) + "j").lstrip()
        if imag[0] in "+-":
            return real + imag
        return real + "+" + imag


_Formatter = Callable[[Any], str]


# ------------------------------------------------------------------------ layout


def _shown_values(array: np.ndarray, edgeitems: int) -> np.ndarray:
    """The elements a summarized print shows, flattened (the formatter's sample)."""
    if array.ndim == 0:
        return array.reshape(-1)
    if array.ndim == 1:
        if array.shape[0] > 2 * edgeitems:
            # With edgeitems == 0 the tail slice ``[-0:]`` is the whole vector,
            # which is what PyTorch measures in that case too.
            return np.concatenate([array[:edgeitems], array[-edgeitems:]])
        return array
    if not edgeitems:
        return array.reshape(-1)[:0]
    count = array.shape[0]
    if count > 2 * edgeitems:
        rows = [*range(edgeitems), *range(count - edgeitems, count)]
    else:
        rows = list(range(count))
    return np.concatenate([_shown_values(array[i], edgeitems) for i in rows])


def _layout(
    array: np.ndarray,
    indent: int,
    summarize: bool,
    fmt: _Formatter,
    element_width: int,
    options: PrintOptions,
) -> str:
    if array.ndim == 0:
        return fmt(array.item())
    edge = options.edgeitems
    count = array.shape[0]
    elided = summarize and count > 2 * edge
    if array.ndim == 1:
        if summarize and not edge:
            items = ["..."]
        elif elided:
            items = [
                *(fmt(v) for v in array[:edge].tolist()),
                " ...",
                *(fmt(v) for v in array[-edge:].tolist()),
            ]
        else:
            items = [fmt(v) for v in array.tolist()]
        per_line = max(
            1, math.floor((options.linewidth - indent) / (element_width + 2))
        )
        lines = [
            ", ".join(items[i : i + per_line]) for i in range(0, len(items), per_line)
        ]
        return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"
    if elided:
        rows: list[int | None] = [
            *range(edge),
            None,
            *range(count - edge, count),
        ]
    else:
        rows = list(range(count))
    blocks = [
        "..."
        if i is None
        else _layout(array[i], indent + 1, summarize, fmt, element_width, options)
        for i in rows
    ]
    separator = "," + "\n" * (array.ndim - 1) + " " * (indent + 1)
    return "[" + separator.join(blocks) + "]"


def _body(array: np.ndarray, kind: str, indent: int, options: PrintOptions) -> str:
    summarize = array.size > options.threshold
    sample = _shown_values(array, options.edgeitems) if summarize else array
    if kind == "c":
        fmt: _Formatter = _ComplexFormatter(sample, options)
        width = fmt.width
    else:
        scalar = _ScalarFormatter(sample, kind, options)
        fmt, width = scalar, scalar.width
    if kind == "f":
        array = array.astype(np.float64)  # exact for every supported float dtype
    elif kind == "c":
        array = array.astype(np.complex128)
    return _layout(array, indent, summarize, fmt, width, options)


def _join_suffixes(text: str, suffixes: list[str], indent: int, linewidth: int) -> str:
    parts = [text]
    # PyTorch's measure of the last line; it counts two more characters than
    # the line holds when the text has no newline, and this reproduces that.
    last_line = len(text) - text.rfind("\n") + 1
    for suffix in suffixes:
        if last_line + len(suffix) + 2 > linewidth:
            parts.append(",\n" + " " * indent + suffix)
            last_line = indent + len(suffix)
        else:
            parts.append(", " + suffix)
            last_line += len(suffix) + 2
    parts.append(")")
    return "".join(parts)


def format_tensor(
    values: np.ndarray,
    *,
    dtype: str,
    requires_grad: bool = False,
    grad_fn: str | None = None,
    is_parameter: bool = False,
) -> str:
    """Return what ``repr(t)`` gives for the PyTorch tensor ``t`` holding ``values``.

    ``dtype`` is PyTorch's dtype name without the ``torch.`` prefix
    (``"float32"``, ``"bfloat16"``, ``"int64"``, ``"bool"``, ...); the values
    are converted to it first, as ``torch.tensor(values, dtype=...)`` would.
    ``grad_fn`` is the name of the node that produced the tensor, such as
    ``"AddBackward0"``, or ``None`` for a leaf; ``requires_grad=True`` is only
    shown for a leaf.  ``is_parameter`` adds the ``Parameter containing:``
    header of ``torch.nn.Parameter``.  The current print options apply.

    >>> import numpy as np
    >>> format_tensor(np.array([1.0, 2.5], dtype=np.float32), dtype="float32")
    'tensor([1.0000, 2.5000])'
    >>> format_tensor(np.array([1, 2]), dtype="int32")
    'tensor([1, 2], dtype=torch.int32)'
    >>> format_tensor(np.float32(0.1234), dtype="float32", grad_fn="AddBackward0")
    'tensor(0.1234, grad_fn=<AddBackward0>)'
    >>> format_tensor(np.zeros((0, 3), dtype=np.float32), dtype="float32")
    'tensor([], size=(0, 3))'
    >>> print(format_tensor(np.ones(2, dtype=np.float32), dtype="float32",
    ...                     requires_grad=True, is_parameter=True))
    Parameter containing:
    tensor([1., 1.], requires_grad=True)
    >>> print(format_tensor(np.array([[1e-5, 1.0], [-2.0, np.nan]]), dtype="float64"))
    tensor([[ 1.0000e-05,  1.0000e+00],
            [-2.0000e+00,         nan]], dtype=torch.float64)
    """
    name = _canonical_dtype(dtype)
    array = _as_dtype(values, name)
    options = _OPTIONS
    prefix = "tensor("
    indent = len(prefix)
    suffixes = []
    if array.size == 0:
        if array.ndim != 1:
            suffixes.append(f"size={tuple(array.shape)}")
        if name != _dt.get_default_dtype().name:
            suffixes.append(f"dtype=torch.{name}")
        body = "[]"
    else:
        if not options.edgeitems:
            suffixes.append(f"size={tuple(array.shape)}")
        if name not in _implied_dtypes():
            suffixes.append(f"dtype=torch.{name}")
        body = _body(array, _kind(name), indent, options)
    if grad_fn is not None:
        suffixes.append(f"grad_fn=<{grad_fn.strip('<>')}>")
    elif requires_grad:
        suffixes.append("requires_grad=True")
    text = _join_suffixes(prefix + body, suffixes, indent, options.linewidth)
    if is_parameter:
        text = "Parameter containing:\n" + text
    return text
