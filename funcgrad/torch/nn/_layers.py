"""Layer modules: ``Flatten``, ``Unflatten``, ``Dropout``, ``LayerNorm``,
``BatchNorm1d``/``2d``, ``Embedding``, ``Conv1d``/``2d``, ``AdaptiveAvgPool2d``;
parameters drawn as PyTorch draws them."""

from __future__ import annotations

import math
from typing import Any

import jax.numpy as jnp

from ...autograd import dtypes as _dt
from ...autograd.tensor import Tensor
from . import functional as F
from . import init
from .modules import Linear, Module
from .parameter import Parameter, UninitializedParameter

__all__ = [
    "AdaptiveAvgPool2d",
    "BatchNorm1d",
    "BatchNorm2d",
    "Conv1d",
    "Conv2d",
    "Dropout",
    "Embedding",
    "Flatten",
    "LayerNorm",
    "LazyLinear",
    "Unflatten",
]


def _param(shape: tuple[int, ...], fill: float, dtype: Any = None) -> Parameter:
    d = _dt.to_dtype(dtype) if dtype is not None else _dt.float32
    return Parameter(Tensor(jnp.full(shape, fill, d.storage()), dtype=d))


class Flatten(Module):
    """Flatten dimensions ``start_dim..end_dim`` (a view).

    >>> import funcgrad.torch as torch
    >>> Flatten()(torch.zeros(2, 3, 4)).shape
    torch.Size([2, 12])
    """

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim, self.end_dim = start_dim, end_dim

    def forward(self, input: Tensor) -> Tensor:
        return input.flatten(self.start_dim, self.end_dim)

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Unflatten(Module):
    """Split dimension ``dim`` into ``unflattened_size`` (a view).

    >>> import funcgrad.torch as torch
    >>> Unflatten(1, (2, 3))(torch.zeros(4, 6)).shape
    torch.Size([4, 2, 3])
    """

    def __init__(self, dim: int, unflattened_size: tuple[int, ...]) -> None:
        super().__init__()
        self.dim, self.unflattened_size = dim, tuple(unflattened_size)

    def forward(self, input: Tensor) -> Tensor:
        dim = self.dim % input.ndim
        shape = (*input.shape[:dim], *self.unflattened_size, *input.shape[dim + 1 :])
        return input.view(*shape)

    def extra_repr(self) -> str:
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"


class Dropout(Module):
    """Zero elements with probability ``p`` in training mode; identity in eval.

    >>> import funcgrad.torch as torch
    >>> drop = Dropout(0.5).eval()
    >>> drop(torch.ones(3))
    tensor([1., 1., 1.])
    """

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        if not 0.0 <= p <= 1.0:
            raise ValueError(
                f"dropout probability has to be between 0 and 1, but got {p}"
            )
        self.p, self.inplace = p, inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.dropout(input, self.p, self.training)

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"


class LayerNorm(Module):
    """Layer normalisation over the trailing ``normalized_shape`` dimensions.

    >>> import funcgrad.torch as torch
    >>> LayerNorm(2)(torch.tensor([[1.0, 3.0]]))
    tensor([[-1.0000,  1.0000]], grad_fn=<NativeLayerNormBackward0>)
    """

    def __init__(
        self, normalized_shape: Any, eps: float = 1e-5,
        elementwise_affine: bool = True, bias: bool = True, device: Any = None,
        dtype: Any = None,
    ) -> None:  # fmt: skip
        super().__init__()
        shape = normalized_shape
        self.normalized_shape = (shape,) if isinstance(shape, int) else tuple(shape)
        self.eps, self.elementwise_affine = eps, elementwise_affine
        if elementwise_affine:
            self.weight = _param(self.normalized_shape, 1.0, dtype)
            if bias:
                self.bias = _param(self.normalized_shape, 0.0, dtype)
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)

    def forward(self, input: Tensor) -> Tensor:
        return F.layer_norm(
            input, self.normalized_shape, self.weight, self.bias, self.eps
        )

    def extra_repr(self) -> str:
        return (
            f"{self.normalized_shape}, eps={self.eps}, "
            f"elementwise_affine={self.elementwise_affine}, "
            f"bias={self.bias is not None}"
        )


class _BatchNorm(Module):
    _dims: tuple[int, ...] = ()

    def __init__(
        self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1,
        affine: bool = True, track_running_stats: bool = True, device: Any = None,
        dtype: Any = None,
    ) -> None:  # fmt: skip
        super().__init__()
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        if affine:
            self.weight = _param((num_features,), 1.0, dtype)
            self.bias = _param((num_features,), 0.0, dtype)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        if track_running_stats:
            self.register_buffer("running_mean", Tensor(jnp.zeros(num_features)))
            self.register_buffer("running_var", Tensor(jnp.ones(num_features)))
            self.register_buffer(
                "num_batches_tracked", Tensor(jnp.asarray(0), dtype=_dt.int64)
            )
        else:
            for name in ("running_mean", "running_var", "num_batches_tracked"):
                self.register_buffer(name, None)

    def reset_running_stats(self) -> None:
        """Running mean 0, variance 1, no batches seen."""
        if self.track_running_stats:
            self.running_mean._value = jnp.zeros_like(self.running_mean._value)
            self.running_var._value = jnp.ones_like(self.running_var._value)
            self.num_batches_tracked._value = jnp.zeros_like(
                self.num_batches_tracked._value
            )

    def _check_input_dim(self, input: Tensor) -> None:
        if input.ndim not in self._dims:
            want = " or ".join(f"{d}D" for d in self._dims)
            raise ValueError(f"expected {want} input (got {input.ndim}D input)")

    def forward(self, input: Tensor) -> Tensor:
        self._check_input_dim(input)
        factor = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats:
            n = self.num_batches_tracked
            with _dt.scope(_dt.wide(n)):
                n._value = n._value + 1
            n._version += 1
            if self.momentum is None:
                factor = 1.0 / float(n._value)
        use_batch = self.training or self.running_mean is None
        track = not self.training or self.track_running_stats
        return F.batch_norm(
            input,
            self.running_mean if track else None,
            self.running_var if track else None,
            self.weight, self.bias, use_batch, factor, self.eps,
        )  # fmt: skip

    def extra_repr(self) -> str:
        return (
            f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
            f"affine={self.affine}, bias={self.bias is not None}, "
            f"track_running_stats={self.track_running_stats}"
        )


class BatchNorm1d(_BatchNorm):
    """Batch normalisation of ``(N, C)`` or ``(N, C, L)`` input.

    >>> import funcgrad.torch as torch
    >>> bn = BatchNorm1d(1)
    >>> _ = bn(torch.tensor([[1.0], [3.0]]))
    >>> bn.running_mean, bn.running_var, bn.num_batches_tracked
    (tensor([0.2000]), tensor([1.1000]), tensor(1))
    """

    _dims = (2, 3)


class BatchNorm2d(_BatchNorm):
    """Batch normalisation of ``(N, C, H, W)`` input.

    >>> import funcgrad.torch as torch
    >>> BatchNorm2d(3)(torch.ones(2, 3, 4, 4)).shape
    torch.Size([2, 3, 4, 4])
    """

    _dims = (4,)


class Embedding(Module):
    """A lookup table of ``num_embeddings`` rows of size ``embedding_dim``,
    drawn from ``N(0, 1)`` (the ``padding_idx`` row zero).

    >>> import funcgrad.torch as torch
    >>> emb = Embedding(10, 3, padding_idx=0)
    >>> emb, emb(torch.tensor([0, 2])).shape
    (Embedding(10, 3, padding_idx=0), torch.Size([2, 3]))
    """

    def __init__(
        self, num_embeddings: int, embedding_dim: int, padding_idx: int | None = None,
        max_norm: float | None = None, norm_type: float = 2.0,
        scale_grad_by_freq: bool = False, sparse: bool = False,
        _weight: Tensor | None = None, _freeze: bool = False, device: Any = None,
        dtype: Any = None,
    ) -> None:  # fmt: skip
        super().__init__()
        self.num_embeddings, self.embedding_dim = num_embeddings, embedding_dim
        if padding_idx is not None:
            if not -num_embeddings <= padding_idx < num_embeddings:
                raise AssertionError("Padding_idx must be within num_embeddings")
            padding_idx %= num_embeddings
        self.padding_idx, self.max_norm = padding_idx, max_norm
        self.norm_type, self.scale_grad_by_freq = norm_type, scale_grad_by_freq
        self.sparse = sparse
        if _weight is None:
            self.weight = _param((num_embeddings, embedding_dim), 0.0, dtype)
            self.reset_parameters()
        else:
            self.weight = Parameter(_weight, requires_grad=not _freeze)

    def reset_parameters(self) -> None:
        """Draw ``N(0, 1)``; zero the padding row."""
        init.normal_(self.weight)
        if self.padding_idx is not None:
            w = self.weight
            with _dt.scope(_dt.wide(w)):
                w._value = w._value.at[self.padding_idx].set(0)

    @classmethod
    def from_pretrained(
        cls, embeddings: Tensor, freeze: bool = True, padding_idx: int | None = None,
        **kwargs: Any,
    ) -> Embedding:  # fmt: skip
        """An embedding holding ``embeddings`` (frozen by default)."""
        rows, dim = embeddings.shape
        return cls(rows, dim, padding_idx, _weight=embeddings, _freeze=freeze, **kwargs)

    def forward(self, input: Tensor) -> Tensor:
        return F.embedding(input, self.weight, self.padding_idx, self.max_norm)

    def extra_repr(self) -> str:
        s = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.padding_idx is not None:
            s += f", padding_idx={self.padding_idx}"
        if self.max_norm is not None:
            s += f", max_norm={self.max_norm}"
        return s


def _ntuple(v: Any, n: int) -> tuple:
    return tuple(v) if isinstance(v, tuple | list) else (v,) * n


class _ConvNd(Module):
    _n = 0

    def __init__(
        self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1,
        padding: Any = 0, dilation: Any = 1, groups: int = 1, bias: bool = True,
        padding_mode: str = "zeros", device: Any = None, dtype: Any = None,
    ) -> None:  # fmt: skip
        super().__init__()
        n = self._n
        if in_channels % groups != 0:
            raise ValueError("in_channels must be divisible by groups")
        if out_channels % groups != 0:
            raise ValueError("out_channels must be divisible by groups")
        if padding_mode != "zeros":
            raise NotImplementedError(
                f"padding_mode={padding_mode!r} is not supported (only 'zeros')"
            )
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size, self.stride = _ntuple(kernel_size, n), _ntuple(stride, n)
        self.dilation, self.groups = _ntuple(dilation, n), groups
        if isinstance(padding, str):
            if padding == "same" and any(s != 1 for s in self.stride):
                raise ValueError(
                    "padding='same' is not supported for strided convolutions"
                )
            self.padding = padding
        else:
            self.padding = _ntuple(padding, n)
        self.output_padding, self.transposed = (0,) * n, False
        self.padding_mode = padding_mode
        shape = (out_channels, in_channels // groups, *self.kernel_size)
        self.weight = _param(shape, 0.0, dtype)
        if bias:
            self.bias = _param((out_channels,), 0.0, dtype)
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """PyTorch's default init (that of ``Linear``, over the kernel's fan-in)."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            if fan_in != 0:
                bound = 1 / math.sqrt(fan_in)
                init.uniform_(self.bias, -bound, bound)

    def extra_repr(self) -> str:
        n = self._n
        s = (
            f"{self.in_channels}, {self.out_channels}, "
            f"kernel_size={self.kernel_size}, stride={self.stride}"
        )
        if self.padding != (0,) * n:
            s += f", padding={self.padding}"
        if self.dilation != (1,) * n:
            s += f", dilation={self.dilation}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        return s


class Conv1d(_ConvNd):
    """1-D convolution over ``(N, C, L)`` input.

    >>> import funcgrad.torch as torch
    >>> conv = Conv1d(3, 4, 2)
    >>> conv, conv(torch.ones(1, 3, 5)).shape
    (Conv1d(3, 4, kernel_size=(2,), stride=(1,)), torch.Size([1, 4, 4]))
    """

    _n = 1

    def forward(self, input: Tensor) -> Tensor:
        return F.conv1d(input, self.weight, self.bias, self.stride, self.padding,
                        self.dilation, self.groups)  # fmt: skip


class Conv2d(_ConvNd):
    """2-D convolution over ``(N, C, H, W)`` input.

    >>> import funcgrad.torch as torch
    >>> conv = Conv2d(3, 4, 3, padding=1)
    >>> conv
    Conv2d(3, 4, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))
    >>> conv(torch.ones(1, 3, 5, 5)).shape
    torch.Size([1, 4, 5, 5])
    """

    _n = 2

    def forward(self, input: Tensor) -> Tensor:
        return F.conv2d(input, self.weight, self.bias, self.stride, self.padding,
                        self.dilation, self.groups)  # fmt: skip


class AdaptiveAvgPool2d(Module):
    """Mean over the bins that split ``H x W`` into ``output_size``.

    >>> import funcgrad.torch as torch
    >>> AdaptiveAvgPool2d((1, 1))(torch.ones(2, 3, 4, 4)).shape
    torch.Size([2, 3, 1, 1])
    """

    def __init__(self, output_size: Any) -> None:
        super().__init__()
        self.output_size = output_size

    def forward(self, input: Tensor) -> Tensor:
        return F.adaptive_avg_pool2d(input, self.output_size)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class LazyLinear(Linear):
    """A :class:`Linear` whose ``in_features`` is read off its first input; its
    parameters are drawn then (as PyTorch draws a ``Linear``'s), and the module
    becomes a ``Linear``.

    >>> import funcgrad.torch as torch
    >>> layer = LazyLinear(3)
    >>> layer
    LazyLinear(in_features=0, out_features=3, bias=True)
    >>> layer(torch.ones(2, 4)).shape, layer
    (torch.Size([2, 3]), Linear(in_features=4, out_features=3, bias=True))
    """

    def __init__(
        self, out_features: int, bias: bool = True, device: Any = None,
        dtype: Any = None,
    ) -> None:  # fmt: skip
        Module.__init__(self)
        self.in_features, self.out_features = 0, out_features
        self._lazy_dtype = dtype
        self.weight = UninitializedParameter()
        if bias:
            self.bias = UninitializedParameter()
        else:
            self.register_parameter("bias", None)

    def forward(self, input: Tensor) -> Tensor:
        self.in_features = int(input.shape[-1])
        self.weight.materialize((self.out_features, self.in_features),
                                self._lazy_dtype)  # fmt: skip
        if self.bias is not None:
            self.bias.materialize((self.out_features,), self._lazy_dtype)
        self.reset_parameters()
        del self._lazy_dtype
        self.__class__ = Linear
        return Linear.forward(self, input)
