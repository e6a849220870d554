"""The optimizer base class: PyTorch's ``param_groups``/``state`` bookkeeping over
per-parameter optax transformations.

Each parameter keeps its own optax state (PyTorch's state, such as Adam's step
count, is per parameter too, and a parameter whose ``.grad`` is ``None`` is
skipped without advancing it). A step reads the group's current hyperparameters,
so ``param_groups[i]["lr"] = ...`` between steps is honoured: the optax part
computes the update direction and the learning rate scales it at apply time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ...autograd import Tensor, enable_grad, no_grad

_REQUIRED = object()


class _RequiredParameter:
    def __repr__(self) -> str:
        return "<required parameter>"


required = _RequiredParameter()


def _type_name(x: Any) -> str:
    if isinstance(x, Tensor):
        names = {"float32": "Float", "float64": "Double", "int64": "Long"}
        return f"torch.{names.get(x.dtype.name, x.dtype.name.title())}Tensor"
    return type(x).__name__


class Optimizer:
    """Base class: holds ``param_groups`` (a list of dicts with ``"params"`` and
    the hyperparameters) and per-parameter state.

    Subclasses define ``_transform(group)`` (an optax ``GradientTransformation``
    giving the update direction, before the learning rate) and may override
    ``_apply``.

    >>> import funcgrad.torch as torch
    >>> p = torch.nn.Parameter(torch.ones(2))
    >>> opt = torch.optim.SGD([p], lr=0.5)
    >>> (p * p).sum().backward(); opt.step(); p
    Parameter containing:
    tensor([0., 0.], requires_grad=True)
    """

    def __init__(self, params: Iterable[Any], defaults: dict[str, Any]) -> None:
        self.defaults = dict(defaults)
        self.param_groups: list[dict[str, Any]] = []
        self._state: dict[int, tuple[Any, Any]] = {}
        self._jitted: dict[Any, Callable] = {}
        if isinstance(params, Tensor):
            raise TypeError(
                "params argument given to the optimizer should be an iterable of "
                f"Tensors or dicts, but got {_type_name(params)}"
            )
        groups = list(params)
        if not groups:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group of parameters with its own hyperparameters (missing ones
        come from the defaults)."""
        if not isinstance(param_group, dict):
            raise TypeError(
                f"param_group must be a dict, but got {_type_name(param_group)}"
            )
        params = param_group["params"]
        params = [params] if isinstance(params, Tensor) else list(params)
        for p in params:
            if not isinstance(p, Tensor):
                raise TypeError(
                    "optimizer can only optimize Tensors, but one of the params is "
                    + _type_name(p)
                )
            if not p.is_leaf:
                raise ValueError("can't optimize a non-leaf Tensor")
        group = {"params": params}
        for key, default in self.defaults.items():
            if key not in param_group and default is required:
                raise ValueError(
                    f"parameter group didn't specify a value of required optimization "
                    f"parameter {key}"
                )
            group[key] = param_group.get(key, default)
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        if any(id(p) in seen for p in params):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(group)

    # --- the update ---------------------------------------------------------------
    def _transform(self, group: dict[str, Any]):  # pragma: no cover - abstract
        raise NotImplementedError

    def _key(self, group: dict[str, Any]) -> tuple:
        """The hyperparameters the optax transformation is built from."""
        return tuple(
            (k, tuple(v) if isinstance(v, list) else v)
            for k, v in sorted(group.items())
            if k not in ("params", "lr")
        )

    def _update_fn(self, group: dict[str, Any]):
        key = (type(self).__name__, self._key(group))
        fn = self._jitted.get(key)
        if fn is None:
            tx = self._transform(group)
            fn = (tx.init, jax.jit(tx.update))
            self._jitted[key] = fn
        return key, fn

    def _apply(
        self, group: dict[str, Any], p: Tensor, direction, state: Any
    ) -> jax.Array:
        """The new value of ``p`` from the update direction (``p - lr * d``)."""
        return p._value - jnp.asarray(group["lr"], p._value.dtype) * direction

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset the ``.grad`` of every parameter: ``None`` (default) or zeros."""
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                if set_to_none:
                    p.grad = None
                else:
                    p.grad._value = jnp.zeros_like(p.grad._value)
                    p.grad._version += 1

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """One update of every parameter that has a ``.grad``; returns the
        closure's loss when a closure is given."""
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        with no_grad():
            for group in self.param_groups:
                key, (init, update) = self._update_fn(group)
                structure = self._structure(group)
                for p in group["params"]:
                    if p.grad is None:
                        continue
                    grad = p.grad._value.astype(p._value.dtype)
                    entry = self._state.get(id(p))
                    if entry is None or entry[0] != structure:
                        entry = (structure, init(p._value))
                    direction, state = update(grad, entry[1], p._value)
                    self._state[id(p)] = (structure, state)
                    new = self._apply(group, p, direction, state)
                    p._value = new.astype(p._value.dtype)
                    p._version += 1
        return loss

    def _structure(self, group: dict[str, Any]) -> tuple:
        """What decides the shape of a parameter's optax state (a change of it
        starts the state afresh)."""
        return ()

    # --- state ------------------------------------------------------------------
    def _torch_state(self, state: Any) -> dict[str, Tensor]:  # pragma: no cover
        raise NotImplementedError

    def _from_torch_state(self, p: Tensor, group: dict[str, Any], saved: dict) -> Any:
        raise NotImplementedError  # pragma: no cover

    @property
    def state(self) -> dict[Tensor, dict[str, Tensor]]:
        """Per-parameter state with PyTorch's names (``momentum_buffer``,
        ``step``/``exp_avg``/``exp_avg_sq``), keyed by parameter."""
        out = {}
        for group in self.param_groups:
            for p in group["params"]:
                entry = self._state.get(id(p))
                saved_state = self._torch_state(entry[1]) if entry else None
                if saved_state:
                    out[p] = saved_state
        return out

    def state_dict(self) -> dict[str, Any]:
        """``{"state": {index: {...}}, "param_groups": [{..., "params": [index]}]}``
        in PyTorch's layout (parameters numbered in group order)."""
        index, groups, state = 0, [], {}
        for group in self.param_groups:
            saved = {k: v for k, v in group.items() if k != "params"}
            ids = []
            for p in group["params"]:
                entry = self._state.get(id(p))
                saved_state = self._torch_state(entry[1]) if entry else None
                if saved_state:
                    state[index] = saved_state
                ids.append(index)
                index += 1
            saved["params"] = ids
            groups.append(saved)
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore hyperparameters and state saved by :meth:`state_dict` (also
        from ``torch.optim``'s, with tensors converted)."""
        saved_groups = state_dict["param_groups"]
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(
                "loaded state dict has a different number of parameter groups"
            )
        for group, saved in zip(self.param_groups, saved_groups, strict=True):
            if len(saved["params"]) != len(group["params"]):
                raise ValueError(
                    "loaded state dict contains a parameter group that doesn't match "
                    "the size of optimizer's group"
                )
        for group, saved in zip(self.param_groups, saved_groups, strict=True):
            for key, value in saved.items():
                if key != "params":
                    group[key] = value
            for p, i in zip(group["params"], saved["params"], strict=True):
                entry = state_dict["state"].get(i)
                if entry is None:
                    self._state.pop(id(p), None)
                else:
                    self._state[id(p)] = (
                        self._structure(group),
                        self._from_torch_state(p, group, entry),
                    )

    def __repr__(self) -> str:
        text = type(self).__name__ + " ("
        for i, group in enumerate(self.param_groups):
            text += f"\nParameter Group {i}"
            for key in sorted(group):
                if key != "params":
                    text += f"\n    {key}: {group[key]}"
        return text + "\n)"


def _as_array(value: Any, like: jax.Array) -> jax.Array:
    raw = value._value if isinstance(value, Tensor) else value
    if hasattr(raw, "numpy") and not isinstance(raw, jax.Array):
        raw = raw.numpy()  # a torch tensor from torch.optim's state_dict
    # A copy: JAX may alias an aligned host buffer, which its owner may mutate.
    return jnp.array(np.array(raw, copy=True), like.dtype).reshape(like.shape)
