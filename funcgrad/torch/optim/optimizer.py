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
from ...autograd import dtypes as _dt
from .. import _access

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
        """The group's step as one compiled call (per static hyperparameters):
        ``(values, grads, states, lr) -> (new values, new states)``."""
        key = (type(self).__name__, self._key(group))
        fn = self._jitted.get(key)
        if fn is None:
            tx = self._transform(group)
            static = {k: v for k, v in group.items() if k not in ("params", "lr")}

            def group_step(values, grads, states, lr):
                new_values, new_states = [], []
                for v, g, state in zip(values, grads, states, strict=True):
                    direction, state = tx.update(g.astype(v.dtype), state, v)
                    new = self._apply(static, v, direction, state, lr)
                    new_values.append(new.astype(v.dtype))
                    new_states.append(state)
                return new_values, new_states

            fn = (tx.init, jax.jit(group_step))
            self._jitted[key] = fn
        return key, fn

    def _apply(
        self, group: dict[str, Any], value: jax.Array, direction, state: Any, lr
    ) -> jax.Array:
        """The new value of a parameter from the update direction (``p - lr * d``);
        traced, with ``lr`` a traced scalar."""
        return value - lr * direction

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset the ``.grad`` of every parameter: ``None`` (default) or zeros."""
        for group in self.param_groups:
            for p in group["params"]:
                g = _access.grad_of(p)
                if g is None:
                    continue
                if set_to_none:
                    _access.set_grad(p, None)
                else:
                    with _dt.scope(g.dtype.x64):
                        _access.set_value(g, jnp.zeros_like(_access.value(g)))
                    _access.bump_version(g)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """One update of every parameter that has a ``.grad`` (one compiled call
        per parameter group); returns the closure's loss when a closure is given."""
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        with no_grad():
            for group in self.param_groups:
                self._step_group(group)
        return loss

    def _step_group(self, group: dict[str, Any]) -> None:
        params = [p for p in group["params"] if _access.grad_of(p) is not None]
        if not params:
            return
        _, (init, update) = self._update_fn(group)
        structure = self._structure(group)
        values = [_access.value(p) for p in params]
        states = []
        for p, v in zip(params, values, strict=True):
            entry = self._state.get(id(p))
            states.append(entry[1] if entry and entry[0] == structure else init(v))
        grads = [_access.value(_access.grad_of(p)) for p in params]
        lr = group["lr"]
        lr = _access.value(lr) if isinstance(lr, Tensor) else lr
        with _dt.scope(any(p.dtype.x64 for p in params)):  # float64: in float64
            new_values, new_states = update(values, grads, states, lr)
        for p, v, state in zip(params, new_values, new_states, strict=True):
            self._state[id(p)] = (structure, state)
            _access.set_value(p, v)
            _access.bump_version(p)

    # --- torch.compile's view of the state (see funcgrad.torch._compile) ------
    def _compile_key(self) -> tuple:
        """What decides the program of a step: static hyperparameters and which
        parameters have state of which structure (not the learning rates)."""
        out = []
        for group in self.param_groups:
            entries = [self._state.get(id(p)) for p in group["params"]]
            out.append((self._key(group), tuple(e and e[0] for e in entries)))
        return tuple(out)

    def _compile_inputs(self) -> tuple[list, list]:
        """The optax state of every parameter that has one, as one flat list of
        arrays, and per such parameter its tree and leaf count."""
        leaves, trees = [], []
        for group in self.param_groups:
            for p in group["params"]:
                entry = self._state.get(id(p))
                if entry is not None:
                    flat, tree = jax.tree_util.tree_flatten(entry[1])
                    leaves += flat
                    trees.append((tree, len(flat)))
        return leaves, trees

    def _compile_lrs(self) -> list:
        return [_lr_array(group["lr"]) for group in self.param_groups]

    def _compile_lr_objects(self) -> list:
        return [group["lr"] for group in self.param_groups]

    def _compile_ids(self) -> list[int]:
        return [id(p) for group in self.param_groups for p in group["params"]]

    def _compile_entries(self, ids: list[int]) -> list:
        """The state entries of the parameters ``ids`` (compared by identity)."""
        return list(map(self._state.get, ids))

    def _compile_swap_in(self, leaves: list, trees: list, lrs: list) -> None:
        it, at = iter(trees), 0
        for group, lr in zip(self.param_groups, lrs, strict=True):
            group["lr"] = lr
            for p in group["params"]:
                entry = self._state.get(id(p))
                if entry is not None:
                    tree, n = next(it)
                    self._state[id(p)] = (entry[0], tree.unflatten(leaves[at : at + n]))
                    at += n
        self._traced_lrs = lrs

    def _compile_outputs(self) -> tuple[list, list]:
        leaves, how = [], []
        for group, lr in zip(self.param_groups, self._traced_lrs, strict=True):
            if group["lr"] is not lr:
                raise RuntimeError("the learning rate was changed inside the step")
            for p in group["params"]:
                entry = self._state.get(id(p))
                if entry is None:
                    how.append(None)
                    continue
                flat, tree = jax.tree_util.tree_flatten(entry[1])
                how.append((entry[0], tree, len(flat)))
                leaves.extend(flat)
        return leaves, how

    def _compile_write_back(self, how: list, leaves: list) -> list:
        """Store the program's state leaves; returns every parameter's entry."""
        params = [p for group in self.param_groups for p in group["params"]]
        at, entries = 0, []
        for p, h in zip(params, how, strict=True):
            if h is None:
                entries.append(self._state.get(id(p)))
                continue
            structure, tree, n = h
            entry = (structure, tree.unflatten(leaves[at : at + n]))
            self._state[id(p)] = entry
            entries.append(entry)
            at += n
        return entries

    def _compile_snapshot(self) -> tuple:
        return dict(self._state), [group["lr"] for group in self.param_groups]

    def _compile_restore(self, snap: tuple) -> None:
        state, lrs = snap
        self._state.clear()
        self._state.update(state)
        for group, lr in zip(self.param_groups, lrs, strict=True):
            group["lr"] = lr

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
            text += ("\n" if i else "") + f"\nParameter Group {i}"
            for key in sorted(group):
                if key != "params":
                    text += f"\n    {key}: {group[key]}"
        return text + "\n)"


def _lr_array(lr: Any) -> Any:
    if isinstance(lr, Tensor):
        return _access.value(lr).astype(jnp.float32)
    return np.float32(lr)


def _as_array(value: Any, like: jax.Array) -> jax.Array:
    raw = _access.value(value) if isinstance(value, Tensor) else value
    if hasattr(raw, "numpy") and not isinstance(raw, jax.Array):
        raw = raw.numpy()  # a torch tensor from torch.optim's state_dict
    # A copy: JAX may alias an aligned host buffer, which its owner may mutate.
    return jnp.array(np.array(raw, copy=True), like.dtype).reshape(like.shape)
