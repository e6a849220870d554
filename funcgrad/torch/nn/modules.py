"""``torch.nn`` modules: :class:`Module`, :class:`Linear`, :class:`Sequential`,
activations and losses, with PyTorch's registration, ``state_dict`` and repr."""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple

import jax.numpy as jnp

from ...autograd import dtypes as _dt
from ...autograd.tensor import Tensor
from .. import _checks, _device
from . import _pytree, init
from . import functional as F
from ._pytree import register_module_class
from .parameter import Parameter

__all__ = [
    "BCELoss",
    "BCEWithLogitsLoss",
    "CrossEntropyLoss",
    "Identity",
    "Linear",
    "MSELoss",
    "Module",
    "ReLU",
    "Sequential",
    "Sigmoid",
    "Tanh",
]


# torch.compile registers itself here (funcgrad.torch._compile), for Module.compile.
_COMPILE_HOOK: list = []


class _IncompatibleKeys(NamedTuple):
    """What ``load_state_dict`` returns: the keys it could not match.

    >>> _IncompatibleKeys([], [])
    <All keys matched successfully>
    """

    missing_keys: list[str]
    unexpected_keys: list[str]

    def __repr__(self) -> str:
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return (
            f"_IncompatibleKeys(missing_keys={self.missing_keys}, "
            f"unexpected_keys={self.unexpected_keys})"
        )

    __str__ = __repr__


def _torch_type_name(value: Any) -> str:
    if isinstance(value, Tensor):
        names = {"float32": "Float", "float64": "Double", "int64": "Long"}
        return f"torch.{names.get(value.dtype.name, value.dtype.name.title())}Tensor"
    return type(value).__qualname__


def _addindent(text: str, spaces: int) -> str:
    lines = text.split("\n")
    if len(lines) == 1:
        return text
    return lines[0] + "\n" + "\n".join(" " * spaces + line for line in lines[1:])


class Module:
    """Base class of the facade's modules, as ``torch.nn.Module``: attributes that
    are :class:`Parameter` s, buffers or modules are registered, ``__call__`` runs
    ``forward``, and ``state_dict``/``load_state_dict`` save and restore values.

    >>> import funcgrad.torch as torch
    >>> class Affine(Module):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.scale = Parameter(torch.ones(2))
    ...     def forward(self, x):
    ...         return x * self.scale
    >>> m = Affine()
    >>> [name for name, _ in m.named_parameters()], m(torch.ones(2))
    (['scale'], tensor([1., 1.], grad_fn=<MulBackward0>))
    """

    training: bool

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        register_module_class(cls)  # modules are pytrees (see _pytree.py)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if args or kwargs:
            raise TypeError(
                f"{type(self).__name__}.__init__() takes 1 positional argument but "
                f"{len(args) + 1} were given"
            )
        object.__setattr__(self, "training", True)
        object.__setattr__(self, "_parameters", OrderedDict())
        object.__setattr__(self, "_buffers", OrderedDict())
        object.__setattr__(self, "_non_persistent", set())
        object.__setattr__(self, "_modules", OrderedDict())

    # --- registration ---
    def _check_init(self) -> None:
        if "_parameters" not in self.__dict__:
            raise AttributeError("cannot assign module before Module.__init__() call")

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        """Register ``param`` (or ``None``) under ``name``."""
        _pytree.changed()
        self._check_init()
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(
                f"cannot assign '{_torch_type_name(param)}' object to parameter "
                f"'{name}' (torch.nn.Parameter or None required)"
            )
        self.__dict__.pop(name, None)
        self._parameters[name] = param

    def register_buffer(
        self, name: str, tensor: Tensor | None, persistent: bool = True
    ) -> None:
        """Register a tensor that is state but not a parameter (saved in
        ``state_dict`` unless ``persistent=False``)."""
        _pytree.changed()
        self._check_init()
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(
                f"cannot assign '{_torch_type_name(tensor)}' object to buffer "
                f"'{name}' (torch Tensor or None required)"
            )
        self.__dict__.pop(name, None)
        self._buffers[name] = tensor
        if persistent:
            self._non_persistent.discard(name)
        else:
            self._non_persistent.add(name)

    def add_module(self, name: str, module: Module | None) -> None:
        """Register a child module under ``name``."""
        _pytree.changed()
        self._check_init()
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"{_torch_type_name(module)} is not a Module subclass")
        self.__dict__.pop(name, None)
        self._modules[name] = module

    register_module = add_module

    def __setattr__(self, name: str, value: Any) -> None:
        _pytree.changed()
        params = self.__dict__.get("_parameters")
        if isinstance(value, Parameter):
            self._check_init()
            for d in (self._buffers, self._modules):
                d.pop(name, None)
            self.register_parameter(name, value)
        elif params is not None and name in params:
            if value is not None:
                raise TypeError(
                    f"cannot assign '{_torch_type_name(value)}' as parameter "
                    f"'{name}' (torch.nn.Parameter or None expected)"
                )
            params[name] = None
        elif isinstance(value, Module):
            self._check_init()
            for d in (self._parameters, self._buffers):
                d.pop(name, None)
            self.add_module(name, value)
        elif "_modules" in self.__dict__ and name in self._modules:
            if value is not None:
                raise TypeError(
                    f"cannot assign '{_torch_type_name(value)}' as child module "
                    f"'{name}' (torch.nn.Module or None expected)"
                )
            self._modules[name] = None
        elif "_buffers" in self.__dict__ and name in self._buffers:
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(
                    f"cannot assign '{_torch_type_name(value)}' as buffer '{name}' "
                    "(torch.Tensor or None expected)"
                )
            self._buffers[name] = value
        else:
            object.__setattr__(self, name, value)

    def __getattr__(self, name: str) -> Any:
        d = self.__dict__
        for registry in ("_parameters", "_buffers", "_modules"):
            if registry in d and name in d[registry]:
                return d[registry][name]
        raise AttributeError(
            f"'{type(self).__name__}' object has no attribute '{name}'"
        )

    def __delattr__(self, name: str) -> None:
        _pytree.changed()
        for registry in ("_parameters", "_buffers", "_modules"):
            if name in self.__dict__.get(registry, {}):
                del self.__dict__[registry][name]
                return
        object.__delattr__(self, name)

    # --- running ---
    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(
            f'Module [{type(self).__name__}] is missing the required "forward" function'
        )

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        compiled = self.__dict__.get("_compiled_call")
        if compiled is not None:
            return compiled(*args, **kwargs)
        return self.forward(*args, **kwargs)

    def _call_eager(self, *args: Any, **kwargs: Any) -> Any:
        return self.forward(*args, **kwargs)

    def compile(self, *args: Any, **kwargs: Any) -> None:
        """Compile this module's calls in place, with ``torch.compile``'s options.

        >>> import funcgrad.torch as torch
        >>> m = torch.nn.Linear(2, 1)
        >>> m.compile(); m(torch.ones(2)).shape
        torch.Size([1])
        """
        (hook,) = _COMPILE_HOOK
        object.__setattr__(self, "_compiled_call", hook(self, *args, **kwargs))

    # --- traversal ---
    def named_modules(
        self, memo: set | None = None, prefix: str = "", remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Module]]:
        """This module and every descendant, with dotted names."""
        if memo is None:
            memo = set()
        if remove_duplicate:
            if id(self) in memo:
                return
            memo.add(id(self))
        yield prefix, self
        for name, module in self._modules.items():
            if module is None:
                continue
            sub = prefix + ("." if prefix else "") + name
            yield from module.named_modules(memo, sub, remove_duplicate)

    def modules(self) -> Iterator[Module]:
        """This module and every descendant."""
        for _, m in self.named_modules():
            yield m

    def named_children(self) -> Iterator[tuple[str, Module]]:
        """The direct children, with their names."""
        seen = set()
        for name, module in self._modules.items():
            if module is not None and id(module) not in seen:
                seen.add(id(module))
                yield name, module

    def children(self) -> Iterator[Module]:
        """The direct children."""
        for _, m in self.named_children():
            yield m

    def _named_members(self, registry: str, prefix: str, recurse: bool):
        seen = set()
        modules = self.named_modules(prefix=prefix) if recurse else [(prefix, self)]
        for module_prefix, module in modules:
            for name, value in module.__dict__[registry].items():
                if value is None or id(value) in seen:
                    continue
                seen.add(id(value))
                yield module_prefix + ("." if module_prefix else "") + name, value

    def named_parameters(
        self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Parameter]]:
        """Every parameter (each once), with dotted names."""
        yield from self._named_members("_parameters", prefix, recurse)

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        """Every parameter, each once, in registration order."""
        for _, p in self.named_parameters(recurse=recurse):
            yield p

    def named_buffers(
        self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Tensor]]:
        """Every buffer, with dotted names."""
        yield from self._named_members("_buffers", prefix, recurse)

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        """Every buffer."""
        for _, b in self.named_buffers(recurse=recurse):
            yield b

    def apply(self, fn) -> Module:
        """Call ``fn`` on every descendant, then on this module; returns self."""
        for module in self.children():
            module.apply(fn)
        fn(self)
        return self

    # --- modes and gradients ---
    def train(self, mode: bool = True) -> Module:
        """Set training mode here and in every descendant; returns self."""
        if not isinstance(mode, bool):
            raise ValueError("training mode is expected to be boolean")
        for module in self.modules():
            object.__setattr__(module, "training", mode)
        _pytree.changed()
        return self

    def eval(self) -> Module:
        """``train(False)``."""
        return self.train(False)

    def requires_grad_(self, requires_grad: bool = True) -> Module:
        """Set ``requires_grad`` on every parameter; returns self."""
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset every parameter's ``.grad``: to ``None`` (default) or to zeros."""
        for p in self.parameters():
            if p.grad is None:
                continue
            if set_to_none:
                p.grad = None
            else:
                g = p.grad
                with _dt.scope(g.dtype.x64):
                    g._value = jnp.zeros_like(g._value)
                g._version += 1

    def to(self, *args: Any, **kwargs: Any) -> Module:
        """Move parameters and buffers to a device and cast floating-point ones
        to a dtype (``to(device)``, ``to(dtype)``, ``to(device, dtype)``)."""
        dev, dtype = _device.split_to_args(args, kwargs)
        if dev is not None:
            for t in (*self.parameters(), *self.buffers()):
                _device.move_(t, dev)
        if dtype is not None:
            for t in (*self.parameters(), *self.buffers()):
                if t.dtype.is_floating_point:
                    with _dt.scope(dtype.x64):
                        t._value = t._value.astype(dtype.storage())
                    t._dtype = dtype
                    t._version += 1
        return self

    def float(self) -> Module:
        """Cast to float32."""
        return self.to(_dt.float32)

    def double(self) -> Module:
        """Cast to float64."""
        return self.to(_dt.float64)

    def cpu(self) -> Module:
        """Move parameters and buffers to the CPU."""
        return self.to("cpu")

    def cuda(self, device: Any = None) -> Module:
        """Move parameters and buffers to the accelerator (a JAX GPU or TPU)."""
        return self.to("cuda" if device is None else device)

    # --- state ---
    def state_dict(
        self, *, destination=None, prefix: str = "", keep_vars: bool = False
    ) -> OrderedDict[str, Tensor]:
        """Parameters and persistent buffers by dotted name (detached unless
        ``keep_vars``)."""
        out = OrderedDict() if destination is None else destination
        for name, p in self._parameters.items():
            if p is not None:
                out[prefix + name] = p if keep_vars else p.detach()
        for name, b in self._buffers.items():
            if b is not None and name not in self._non_persistent:
                out[prefix + name] = b if keep_vars else b.detach()
        for name, module in self._modules.items():
            if module is not None:
                module.state_dict(
                    destination=out, prefix=f"{prefix}{name}.", keep_vars=keep_vars
                )
        return out

    def load_state_dict(
        self, state_dict: Mapping[str, Any], strict: bool = True, assign: bool = False
    ) -> _IncompatibleKeys:
        """Copy values from ``state_dict`` into the parameters and buffers, with
        PyTorch's errors for missing, unexpected and mis-shaped entries."""
        if not isinstance(state_dict, Mapping):
            raise TypeError(
                f"Expected state_dict to be dict-like, got {type(state_dict)}."
            )
        own = self.state_dict(keep_vars=True)
        missing = [k for k in own if k not in state_dict]
        unexpected = [k for k in state_dict if k not in own]
        errors = []
        updates = []
        for key, target in own.items():
            if key not in state_dict:
                continue
            value = state_dict[key]
            if not isinstance(value, Tensor):
                errors.append(
                    f'While copying the parameter named "{key}", expected '
                    f"torch.Tensor or Tensor-like object from checkpoint but received "
                    f"{type(value)}"
                )
                continue
            if value.shape != target.shape:
                errors.append(
                    f"size mismatch for {key}: copying a param with shape "
                    f"{value.shape} from checkpoint, the shape in current model is "
                    f"{target.shape}."
                )
                continue
            updates.append((target, value))
        if strict:
            if unexpected:
                keys = ", ".join(f'"{k}"' for k in unexpected)
                errors.insert(0, f"Unexpected key(s) in state_dict: {keys}. ")
            if missing:
                keys = ", ".join(f'"{k}"' for k in missing)
                errors.insert(0, f"Missing key(s) in state_dict: {keys}. ")
        if errors:
            raise RuntimeError(
                f"Error(s) in loading state_dict for {type(self).__name__}:\n\t"
                + "\n\t".join(errors)
            )
        for target, value in updates:
            with _dt.scope(target.dtype.x64):
                target._value = jnp.asarray(value._value, target._value.dtype)
            target._version += 1
        return _IncompatibleKeys(missing, unexpected)

    # --- repr ---
    def extra_repr(self) -> str:
        """The text inside this module's parentheses (override to describe it)."""
        return ""

    def _get_name(self) -> str:
        return type(self).__name__

    def __repr__(self) -> str:
        lines = []
        extra = self.extra_repr()
        if extra:
            lines = extra.split("\n")
        for name, module in self._modules.items():
            lines.append(f"({name}): " + _addindent(repr(module), 2))
        main = self._get_name() + "("
        if lines:
            if len(lines) == 1 and not self._modules:
                main += lines[0]
            else:
                main += "\n  " + "\n  ".join(lines) + "\n"
        return main + ")"

    def __dir__(self) -> list[str]:
        return sorted(
            set(super().__dir__())
            | set(self._parameters)
            | set(self._buffers)
            | set(self._modules)
        )


register_module_class(Module)


class Identity(Module):
    """Returns its input.

    >>> import funcgrad.torch as torch
    >>> Identity()(torch.ones(1))
    tensor([1.])
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__()

    def forward(self, input: Tensor) -> Tensor:
        return input


class Linear(Module):
    """``y = x @ weight.T + bias`` with PyTorch's layout (``weight`` is
    ``(out_features, in_features)``) and default init: weight from
    ``kaiming_uniform_(a=sqrt(5))``, bias from ``U(-1/sqrt(in), 1/sqrt(in))``, drawn
    from the global generator in PyTorch's order (so a seeded layer equals
    PyTorch's).

    >>> import funcgrad.torch as torch
    >>> _ = torch.manual_seed(0)
    >>> layer = Linear(2, 1)
    >>> layer
    Linear(in_features=2, out_features=1, bias=True)
    >>> layer.weight
    Parameter containing:
    tensor([[-0.0053,  0.3793]], requires_grad=True)
    >>> layer(torch.ones(4, 2)).shape
    torch.Size([4, 1])
    """

    def __init__(
        self,
        in_features: int,
        out_features: int,
        bias: bool = True,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        d = _dt.to_dtype(dtype) if dtype is not None else _dt.get_default_dtype()
        shape = _checks.size("empty", (out_features, in_features))
        self.weight = Parameter(Tensor(jnp.zeros(shape), dtype=d))
        if bias:
            self.bias = Parameter(Tensor(jnp.zeros((out_features,)), dtype=d))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Re-draw the weights and bias with PyTorch's default init."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input: Tensor) -> Tensor:
        return F.linear(input, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (
            f"in_features={self.in_features}, out_features={self.out_features}, "
            f"bias={self.bias is not None}"
        )


class Sequential(Module):
    """Modules applied in order; indexable and sliceable like PyTorch's.

    >>> import funcgrad.torch as torch
    >>> _ = torch.manual_seed(0)
    >>> net = Sequential(Linear(2, 3), ReLU(), Linear(3, 1), Sigmoid())
    >>> net
    Sequential(
      (0): Linear(in_features=2, out_features=3, bias=True)
      (1): ReLU()
      (2): Linear(in_features=3, out_features=1, bias=True)
      (3): Sigmoid()
    )
    >>> net(torch.ones(2)).grad_fn
    <SigmoidBackward0 object at 0x...>
    """

    def __init__(self, *args: Any) -> None:
        super().__init__()
        if len(args) == 1 and isinstance(args[0], OrderedDict):
            for name, module in args[0].items():
                self.add_module(name, module)
        else:
            for i, module in enumerate(args):
                self.add_module(str(i), module)

    def _index(self, idx: int) -> str:
        n = len(self._modules)
        if not -n <= idx < n:
            raise IndexError(f"index {idx} is out of range")
        return list(self._modules)[idx % n]

    def __getitem__(self, idx: int | slice) -> Module:
        if isinstance(idx, slice):
            return Sequential(OrderedDict(list(self._modules.items())[idx]))
        return self._modules[self._index(idx)]

    def __setitem__(self, idx: int, module: Module) -> None:
        self.add_module(self._index(idx), module)

    def __delitem__(self, idx: int | slice) -> None:
        keys = list(self._modules)
        for key in keys[idx] if isinstance(idx, slice) else [self._index(idx)]:
            del self._modules[key]

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())

    def append(self, module: Module) -> Sequential:
        """Add ``module`` at the end; returns self."""
        self.add_module(str(len(self)), module)
        return self

    def forward(self, input: Any) -> Any:
        for module in self:
            input = module(input)
        return input


class ReLU(Module):
    """``max(x, 0)``.

    >>> import funcgrad.torch as torch
    >>> ReLU()(torch.tensor([-1.0, 1.0]))
    tensor([0., 1.])
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.relu(input, inplace=self.inplace)

    def extra_repr(self) -> str:
        return "inplace=True" if self.inplace else ""


class Sigmoid(Module):
    """The logistic sigmoid.

    >>> import funcgrad.torch as torch
    >>> Sigmoid()(torch.zeros(1))
    tensor([0.5000])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.sigmoid(input)


class Tanh(Module):
    """The hyperbolic tangent.

    >>> import funcgrad.torch as torch
    >>> Tanh()(torch.zeros(1))
    tensor([0.])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.tanh(input)


class _Loss(Module):
    def __init__(self, size_average=None, reduce=None, reduction: str = "mean") -> None:
        super().__init__()
        self.reduction = F._reduction(size_average, reduce, reduction)


class MSELoss(_Loss):
    """Mean squared error.

    >>> import funcgrad.torch as torch
    >>> MSELoss()(torch.tensor([1.0, 3.0]), torch.zeros(2))
    tensor(5.)
    """

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.mse_loss(input, target, reduction=self.reduction)


class BCELoss(_Loss):
    """Binary cross-entropy on probabilities (``weight`` is a buffer).

    >>> import funcgrad.torch as torch
    >>> BCELoss()(torch.full((2,), 0.5), torch.ones(2))
    tensor(0.6931)
    """

    def __init__(
        self, weight: Tensor | None = None, size_average=None, reduce=None,
        reduction: str = "mean",
    ) -> None:  # fmt: skip
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", weight)

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.binary_cross_entropy(
            input, target, weight=self.weight, reduction=self.reduction
        )


class BCEWithLogitsLoss(_Loss):
    """Binary cross-entropy on logits (``weight`` and ``pos_weight`` are buffers).

    >>> import funcgrad.torch as torch
    >>> BCEWithLogitsLoss()(torch.zeros(3, requires_grad=True), torch.ones(3))
    tensor(0.6931, grad_fn=<BinaryCrossEntropyWithLogitsBackward0>)
    """

    def __init__(
        self, weight: Tensor | None = None, size_average=None, reduce=None,
        reduction: str = "mean", pos_weight: Tensor | None = None,
    ) -> None:  # fmt: skip
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", weight)
        self.register_buffer("pos_weight", pos_weight)

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.binary_cross_entropy_with_logits(
            input,
            target,
            self.weight,
            pos_weight=self.pos_weight,
            reduction=self.reduction,
        )


class CrossEntropyLoss(_Loss):
    """Cross-entropy of logits against class indices or class probabilities.

    >>> import funcgrad.torch as torch
    >>> CrossEntropyLoss()(torch.zeros(2, 4), torch.tensor([0, 3]))
    tensor(1.3863)
    """

    def __init__(
        self, weight: Tensor | None = None, size_average=None,
        ignore_index: int = -100, reduce=None, reduction: str = "mean",
        label_smoothing: float = 0.0,
    ) -> None:  # fmt: skip
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", weight)
        self.ignore_index = ignore_index
        self.label_smoothing = label_smoothing

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.cross_entropy(
            input,
            target,
            weight=self.weight,
            ignore_index=self.ignore_index,
            reduction=self.reduction,
            label_smoothing=self.label_smoothing,
        )
