"""`funcgrad graph`: draw a computation graph to a ``.dot``, ``.svg`` or ``.png`` file.

By default it draws the seed tutorial's graph (``loss`` of ``x @ w + b`` with
BCE-with-logits, parameters named ``w`` and ``b``). ``--script FILE --tensor NAME``
runs a script (``torch`` is predefined as ``funcgrad.torch``; the script may also
``import funcgrad.torch as torch`` itself) and draws the tensor bound to ``NAME``.
``--functional`` draws the jaxpr of ``jax.grad(funcgrad.loss)`` instead. ``.dot``
needs nothing else; ``.svg`` and ``.png`` run Graphviz's ``dot``.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..cli import CLIError

if TYPE_CHECKING:
    from ..viz import DotGraph

SUFFIXES = (".dot", ".gv", ".svg", ".png", ".pdf")


def register(subparsers: Any) -> None:
    """Add the ``graph`` subcommand to ``subparsers``.

    >>> from funcgrad.cli import build_parser
    >>> args = build_parser().parse_args(["graph", "--out", "g.svg"])
    >>> args.out, args.script, args.functional
    ('g.svg', None, False)
    """
    p = subparsers.add_parser(
        "graph",
        help="draw a computation graph (.dot, .svg or .png)",
        description=__doc__.split("\n\n", 1)[1].replace("``", "'"),
    )
    p.add_argument(
        "--out",
        required=True,
        metavar="FILE",
        help="output file; the format comes from the extension: " + ", ".join(SUFFIXES),
    )
    p.add_argument("--script", metavar="FILE", help="a Python script to run")
    p.add_argument(
        "--tensor", metavar="NAME", help="the script's variable to draw (--script)"
    )
    p.add_argument(
        "--functional",
        action="store_true",
        help="draw the jaxpr of jax.grad(funcgrad.loss) instead of the facade graph",
    )
    p.add_argument(
        "--show-attrs", action="store_true", help="show node options (dim, reduction)"
    )
    p.add_argument(
        "--show-saved",
        action="store_true",
        help="show the shapes of the inputs each node saved for backward",
    )
    p.set_defaults(run=run)


def _check_args(args: argparse.Namespace) -> tuple[Path, str]:
    out = Path(args.out)
    suffix = out.suffix.lower()
    if suffix not in SUFFIXES:
        raise CLIError(
            f"--out {args.out}: unknown format {suffix or '(no extension)'}; use "
            + ", ".join(SUFFIXES)
        )
    if args.tensor and not args.script:
        raise CLIError("--tensor needs --script FILE")
    if args.script and not args.tensor:
        raise CLIError("--script needs --tensor NAME (the variable to draw)")
    if args.functional and args.script:
        raise CLIError("--functional draws funcgrad.loss; it takes no --script")
    if suffix not in (".dot", ".gv") and shutil.which("dot") is None:
        from ..viz import INSTALL_HINT

        raise CLIError(
            f"writing {suffix} needs the Graphviz 'dot' program, which is not on "
            f"PATH: {INSTALL_HINT} (or write a .dot file)"
        )
    return out, suffix


def seed_graph(show_attrs: bool = False, show_saved: bool = False) -> DotGraph:
    """The seed tutorial's graph: ``loss`` with ``w`` and ``b`` named.

    >>> print(seed_graph().source.count("Backward"))
    4
    """
    import funcgrad.torch as torch

    from ..viz import make_dot

    torch.manual_seed(0)
    x = torch.ones(5)
    y = torch.zeros(3)
    w = torch.randn(5, 3, requires_grad=True)
    b = torch.randn(3, requires_grad=True)
    z = torch.matmul(x, w) + b
    loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)
    return make_dot(
        loss,
        params={"w": w, "b": b},
        show_attrs=show_attrs,
        show_saved=show_saved,
        output_name="loss",
    )


def functional_graph() -> DotGraph:
    """The jaxpr of ``jax.grad(funcgrad.loss)`` at the seed's shapes.

    >>> "dot_general" in functional_graph().source
    True
    """
    import jax.numpy as jnp
    from jax import grad

    import funcgrad as fg

    from ..viz import jaxpr_dot

    params = fg.LinearParams(w=jnp.zeros((5, 3)), b=jnp.zeros(3))
    return jaxpr_dot(
        grad(fg.loss),
        params,
        jnp.ones(5),
        jnp.zeros(3),
        label="jax.grad(funcgrad.loss)",
    )


def _script_error(path: str, e: BaseException) -> CLIError:
    """One line naming the script's own line that failed."""
    where = ""
    if isinstance(e, SyntaxError):
        where = f" (line {e.lineno})"
    else:
        frames = [
            f
            for f in traceback.extract_tb(e.__traceback__)
            if Path(f.filename).resolve() == Path(path).resolve()
        ]
        if frames:
            where = f" (line {frames[-1].lineno})"
    text = " ".join((e.msg if isinstance(e, SyntaxError) else str(e)).split())
    return CLIError(
        f"script {path} failed{where}: {type(e).__name__}"
        + (f": {text}" if text else "")
    )


def script_graph(
    path: str, name: str, show_attrs: bool = False, show_saved: bool = False
) -> DotGraph:
    """Run the script at ``path`` and draw its variable ``name``.

    The script runs as ``__main__`` with ``torch`` bound to ``funcgrad.torch``;
    its other facade tensors that require grad and have no ``grad_fn`` name the
    leaves, as do the parameters of its modules (``named_parameters()``).

    >>> import pathlib, tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = pathlib.Path(d) / "s.py"
    ...     _ = p.write_text("a = torch.ones(2, requires_grad=True)\\nc = a * 2\\n")
    ...     print(script_graph(str(p), "c").source.count("MulBackward0"))
    1
    """
    import runpy

    import funcgrad.torch as torch
    from funcgrad.autograd.tensor import Tensor

    from ..viz import make_dot

    if not Path(path).is_file():
        raise CLIError(f"--script {path}: no such file")
    argv = sys.argv
    try:
        sys.argv = [path]
        namespace = runpy.run_path(
            path, init_globals={"torch": torch}, run_name="__main__"
        )
    except SystemExit as e:
        if e.code not in (None, 0):
            raise CLIError(f"script {path} exited with status {e.code}") from None
        raise CLIError(
            f"script {path} exited before --tensor {name} could be drawn"
        ) from None
    except Exception as e:  # noqa: BLE001 - any failure of user code is one line
        raise _script_error(path, e) from None
    finally:
        sys.argv = argv
    if name not in namespace:
        tensors = sorted(
            k
            for k, v in namespace.items()
            if isinstance(v, Tensor) and not k.startswith("_")
        )
        raise CLIError(
            f"script {path} defines no variable {name!r}"
            + (f" (its tensors: {', '.join(tensors)})" if tensors else "")
        )
    var = namespace[name]
    if not isinstance(var, Tensor):
        kind = f"{type(var).__module__}.{type(var).__name__}"
        hint = (
            "; use import funcgrad.torch as torch" if kind.startswith("torch.") else ""
        )
        raise CLIError(f"{name!r} is a {kind}, not a funcgrad.torch tensor{hint}")
    params: dict[str, Any] = {}
    for key, value in namespace.items():
        if key.startswith("_"):
            continue
        if isinstance(value, Tensor) and value.requires_grad and value.grad_fn is None:
            params.setdefault(key, value)
        elif hasattr(value, "named_parameters") and not isinstance(value, type):
            try:
                for pname, p in value.named_parameters():
                    params.setdefault(f"{key}.{pname}", p)
            except Exception:  # noqa: BLE001 - not a module after all
                pass
    return make_dot(
        var,
        params=[(k, v) for k, v in params.items()],
        show_attrs=show_attrs,
        show_saved=show_saved,
        output_name=name,
    )


def run(args: argparse.Namespace) -> int:
    """Draw the graph asked for and write it to ``--out``; print one line."""
    out, _ = _check_args(args)
    if args.functional:
        graph = functional_graph()
    elif args.script:
        graph = script_graph(args.script, args.tensor, args.show_attrs, args.show_saved)
    else:
        graph = seed_graph(args.show_attrs, args.show_saved)
    try:
        graph.render(out)
    except OSError as e:
        raise CLIError(f"cannot write {out}: {e.strerror or e}") from None
    print(f"wrote {out} ({graph.node_count} nodes)")
    return 0
