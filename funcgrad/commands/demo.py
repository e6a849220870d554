"""`funcgrad demo`: the seed tutorial on the facade, with its pure-JAX twin.

Walks PyTorch's autograd tutorial (the notebook in ``shared/seed``, whose code
cells are embedded below) cell by cell: each cell runs unchanged with ``torch``
bound to ``funcgrad.torch`` and its output is printed; under it, the same idea in
the functional core (``funcgrad.loss``, ``jax.grad``, ``jax.lax.stop_gradient``)
with its result, and a line saying whether both agree. The global generator is
seeded first (``--seed``, default 0), so the numbers are the ones PyTorch prints
for that seed. JAX is imported inside :func:`run` only.

The notebook helpers (:func:`parse_notebook`, :func:`torch_namespace`,
:func:`run_cell`) are shared with the test that replays the tutorial.
"""

from __future__ import annotations

import argparse
import builtins
import contextlib
import io
import re
import sys
from dataclasses import dataclass
from types import ModuleType
from typing import Any

_CELL_HEADER = re.compile(r"^In \[(\d+)\]:\s*$")
ADDRESS = re.compile(r"0x[0-9a-f]+")


@dataclass(frozen=True)
class Cell:
    """One code cell of an exported notebook: its number, code and recorded output.

    >>> Cell(3, "print(1)", "1").number
    3
    """

    number: int
    code: str
    output: str


def parse_notebook(text: str) -> list[Cell]:
    """The code cells of a notebook exported as text (``In [n]:`` headers).

    A cell's block runs to the next header or to two blank lines in a row (the
    gap before markdown). Its last blank-line-separated paragraph is the recorded
    output when the code before it compiles and prints (outputs of ``print``
    never contain blank lines).

    >>> text = "# Title\\n\\nIn [1]:\\nx = 1\\n\\nprint(x)\\n\\n1\\n\\n\\nSome text\\n"
    >>> parse_notebook(text)
    [Cell(number=1, code='x = 1\\n\\nprint(x)', output='1')]
    """
    lines = text.splitlines()
    cells: list[Cell] = []
    i = 0
    while i < len(lines):
        m = _CELL_HEADER.match(lines[i])
        if not m:
            i += 1
            continue
        block: list[str] = []
        i += 1
        while i < len(lines) and not _CELL_HEADER.match(lines[i]):
            if lines[i] == "" and i + 1 < len(lines) and lines[i + 1] == "" and block:
                break
            block.append(lines[i])
            i += 1
        cells.append(_split_cell(int(m.group(1)), block))
    return cells


def _split_cell(number: int, block: list[str]) -> Cell:
    while block and not block[-1].strip():
        block.pop()
    paragraphs: list[list[str]] = [[]]
    for line in block:
        if line.strip():
            paragraphs[-1].append(line)
        elif paragraphs[-1]:
            paragraphs.append([])
    if len(paragraphs) > 1:
        code = "\n".join(block[: len(block) - len(paragraphs[-1]) - 1]).rstrip()
        if _compiles(code) and "print(" in code:
            return Cell(number, code, "\n".join(paragraphs[-1]))
    return Cell(number, "\n".join(block).rstrip(), "")


def _compiles(code: str) -> bool:
    try:
        compile(code, "<cell>", "exec")
    except SyntaxError:
        return False
    return True


def is_magic(code: str) -> bool:
    """Whether a cell is an IPython magic (``%matplotlib inline``), not Python.

    >>> is_magic("%matplotlib inline"), is_magic("x = 1")
    (True, False)
    """
    return all(
        line.lstrip().startswith(("%", "!"))
        for line in code.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    )


def torch_namespace(torch_module: ModuleType) -> dict[str, Any]:
    """Globals for running notebook code where ``import torch`` (and
    ``import torch.nn`` ...) gives ``torch_module``.

    >>> import funcgrad.torch
    >>> ns = torch_namespace(funcgrad.torch)
    >>> exec("import torch", ns); ns["torch"] is funcgrad.torch
    True
    """
    real_import = builtins.__import__
    name = torch_module.__name__

    def _import(mod: str, globals=None, locals=None, fromlist=(), level=0):
        if level == 0 and (mod == "torch" or mod.startswith("torch.")):
            target = name + mod[len("torch") :]
            module = real_import(target, globals, locals, fromlist, level)
            return module if fromlist else sys.modules[name]
        return real_import(mod, globals, locals, fromlist, level)

    return {
        "__builtins__": dict(builtins.__dict__, __import__=_import),
        "__name__": "__main__",
    }


def run_cell(code: str, namespace: dict[str, Any]) -> str:
    """Execute ``code`` in ``namespace``; return what it printed.

    >>> run_cell("print(6 * 7)", {})
    '42\\n'
    """
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        exec(compile(code, "<cell>", "exec"), namespace)
    return buf.getvalue()


# The tutorial's code cells (shared/seed/000_abf77997e9e56149.txt), verbatim.
TUTORIAL: tuple[Cell, ...] = (
    Cell(1, "%matplotlib inline", ""),
    Cell(
        2,
        "import torch\n\n"
        "x = torch.ones(5) #input tensor\n"
        "y = torch.zeros(3) #expected output(正解ラベル)\n"
        "w = torch.randn(5, 3, requires_grad=True)\n"
        "b = torch.randn(3, requires_grad=True)\n"
        "z = torch.matmul(x, w)+b\n"
        "loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)",
        "",
    ),
    Cell(
        3,
        "#grad_fnはそのテンソルがどの演算結果として生まれたかを表す情報\n"
        "print('Gradient function for z =', z.grad_fn) #zは加算(Add)演算で得られた\n"
        "                                              #計算グラフのノード名が"
        " AddBackward0\n"
        "print('Gradient function for loss =', loss.grad_fn)"
        " #lossはBCE-with-logits演算の結果\n"
        "                                                    #計算グラフのノード名が"
        "BinaryCrossEntropyWithLogitsBackward",
        "",
    ),
    Cell(
        4,
        "#gradにはそのテンソル（通常は学習パラメータ）に関する損失の勾配値が格納される\n"
        "loss.backward()\n"
        "print(w.grad)  # wに対する損失の勾配\n"
        "print(b.grad)  # bに対する損失の勾配",
        "",
    ),
    Cell(
        5,
        "#勾配計算をしない方法(訓練済みモデルで推論するケースなど)\n"
        "z = torch.matmul(x, w)+b\n"
        "print(z.requires_grad)\n\n"
        "with torch.no_grad():\n"
        "    z = torch.matmul(x, w)+b\n"
        "print(z.requires_grad)",
        "",
    ),
    Cell(
        6,
        "#detach() は PyTorch のテンソルメソッドで、そのテンソルを計算グラフから"
        "切り離した新しいテンソルを返すためのもの\n"
        "z = torch.matmul(x, w)+b\n"
        "z_det = z.detach() #元のテンソルと同じ値を持つが、autograd（自動微分）の"
        "追跡対象外になる\n"
        "print(z_det.requires_grad)",
        "",
    ),
)

# The notebook's notes (its comments) in English: ``--lang en``, the default, shows
# each cell with these in place of the Japanese ones; the code is the same.
NOTES_EN: dict[str, str] = {
    "#expected output(正解ラベル)": "#expected output (the label)",
    "#grad_fnはそのテンソルがどの演算結果として生まれたかを表す情報": (
        "#grad_fn tells which operation produced the tensor"
    ),
    "#zは加算(Add)演算で得られた": "#z came from an addition (Add)",
    "#計算グラフのノード名が AddBackward0": "#its node in the graph: AddBackward0",
    "#lossはBCE-with-logits演算の結果": "#loss is the result of BCE-with-logits",
    "#計算グラフのノード名がBinaryCrossEntropyWithLogitsBackward": (
        "#its node in the graph: BinaryCrossEntropyWithLogitsBackward"
    ),
    "#gradにはそのテンソル（通常は学習パラメータ）に関する損失の勾配値が格納される": (
        "#.grad holds the gradient of the loss with respect to that tensor "
        "(usually a trainable parameter)"
    ),
    "# wに対する損失の勾配": "# gradient of the loss with respect to w",
    "# bに対する損失の勾配": "# gradient of the loss with respect to b",
    "#勾配計算をしない方法(訓練済みモデルで推論するケースなど)": (
        "#computing without gradients (e.g. inference with a trained model)"
    ),
    "#detach() は PyTorch のテンソルメソッドで、そのテンソルを計算グラフから"
    "切り離した新しいテンソルを返すためのもの": (
        "#detach() is PyTorch's tensor method that returns a new tensor cut off "
        "from the computation graph"
    ),
    "#元のテンソルと同じ値を持つが、autograd（自動微分）の追跡対象外になる": (
        "#same values as the original, but autograd no longer tracks it"
    ),
}
LANGUAGES = ("en", "ja")
_INTRO = {
    "en": "The autograd tutorial on funcgrad.torch (import funcgrad.torch as torch), "
    "seed {seed},\nand each cell's pure-JAX twin from the functional core.",
    "ja": "funcgrad.torch 上の autograd チュートリアル"
    "（import funcgrad.torch as torch、seed {seed}）と、\n"
    "各セルの関数型コア（素の JAX）による同じ計算。",
}


def localize(code: str, lang: str) -> str:
    """A cell's code with its notes in ``lang``: ``"ja"``, the notebook's own, or
    ``"en"``. Only comments change.

    >>> print(localize(TUTORIAL[3].code, "en").splitlines()[2])
    print(w.grad)  # gradient of the loss with respect to w
    """
    if lang == "ja":
        return code
    for note, english in NOTES_EN.items():
        code = code.replace(note, english)
    return code


# The functional core's version of each cell: the code shown and run.
_JAX: dict[int, str] = {
    2: (
        "import jax, jax.numpy as jnp\n"
        "import funcgrad as fg\n"
        "# the facade's w and b, as plain arrays (w is (in, out): x @ w + b)\n"
        "params = fg.LinearParams(w=jnp.asarray(w.detach()),\n"
        "                         b=jnp.asarray(b.detach()))\n"
        "xj, yj = jnp.ones(5), jnp.zeros(3)\n"
        "zj = fg.linear(params, xj)              # x @ w + b\n"
        "lossj = fg.loss(params, xj, yj)         # linear + BCE-with-logits\n"
        "print('z    =', zj)\n"
        "print('loss =', lossj)"
    ),
    3: (
        "# JAX records no grad_fn: the graph is the traced program of fg.loss.\n"
        "eqns = jax.make_jaxpr(fg.loss)(params, xj, yj).jaxpr.eqns\n"
        "print('primitives of fg.loss:', ' '.join(e.primitive.name for e in eqns))"
    ),
    4: (
        "grads = jax.grad(fg.loss)(params, xj, yj)   # no .grad buffers: returned\n"
        "print(grads.w)\n"
        "print(grads.b)"
    ),
    5: (
        "# no_grad is a stop_gradient scope: nothing flows back through it.\n"
        "frozen = lambda p: fg.loss(jax.lax.stop_gradient(p), xj, yj)\n"
        "zj = jax.lax.stop_gradient(fg.linear(params, xj))\n"
        "print(jax.grad(frozen)(params).w.any())"
    ),
    6: (
        "zj_det = jax.lax.stop_gradient(fg.linear(params, xj))   # detach()\n"
        "print(jax.grad(lambda p: jax.lax.stop_gradient(fg.linear(p, xj)).sum())"
        "(params).b)"
    ),
}

# Pairs (facade expression, JAX expression) whose values must agree per cell.
_AGREE: dict[int, tuple[tuple[str, str], ...]] = {
    2: (("z", "zj"), ("loss", "lossj")),
    3: (("loss", "fg.loss(params, xj, yj)"),),
    4: (("w.grad", "grads.w"), ("b.grad", "grads.b")),
    5: (("z", "zj"),),
    6: (("z_det", "zj_det"),),
}


def register(subparsers: Any) -> None:
    """Add the ``demo`` subcommand.

    >>> from funcgrad.cli import build_parser
    >>> build_parser().parse_args(["demo"]).seed
    0
    """
    p = subparsers.add_parser(
        "demo",
        help="the autograd tutorial on funcgrad.torch, next to its pure-JAX twin",
        description="Run the seed autograd tutorial cell by cell on funcgrad.torch "
        "and show, under each cell, the same computation with the functional core "
        "and plain JAX, and that both agree.",
    )
    p.add_argument(
        "--seed", type=int, default=0, help="manual_seed before the first cell"
    )
    p.add_argument(
        "--lang",
        choices=LANGUAGES,
        default="en",
        help="language of the notebook's notes: en (default) or ja, the original "
        "Japanese",
    )
    p.set_defaults(run=run)


def _indent(text: str, prefix: str = "    ") -> str:
    return "\n".join(prefix + line if line else line for line in text.splitlines())


def run(args: argparse.Namespace) -> int:
    """Walk the tutorial; return 0 when every cell agrees, 1 otherwise.

    >>> run(argparse.Namespace(seed=0, lang="en"))  # doctest: +ELLIPSIS
    The autograd tutorial on funcgrad.torch ...
    ...agrees: max |diff| = 0.0...
    0
    """
    import jax.numpy as jnp
    import numpy as np

    import funcgrad.torch as ftorch

    ftorch.manual_seed(args.seed)
    ns = torch_namespace(ftorch)
    print(_INTRO[args.lang].format(seed=args.seed))
    ok = True
    for cell in TUTORIAL:
        print(f"\n=== In [{cell.number}] " + "=" * 60)
        print("--- funcgrad.torch ---")
        code = localize(cell.code, args.lang)
        print(_indent(code))
        if is_magic(code):
            print("(a notebook magic: nothing to run outside Jupyter)")
            continue
        out = run_cell(code, ns)
        if out:
            print("output:")
            print(_indent(out.rstrip("\n")))
        jax_code = _JAX.get(cell.number)
        if jax_code is None:
            continue
        print("--- pure JAX (functional core) ---")
        print(_indent(jax_code))
        out = run_cell(jax_code, ns)
        if out:
            print("output:")
            print(_indent(out.rstrip("\n")))
        worst = 0.0
        for facade_expr, jax_expr in _AGREE[cell.number]:
            a = np.asarray(eval(facade_expr, ns).detach().numpy(), np.float64)
            b = np.asarray(eval(jax_expr, ns), np.float64)
            if a.shape != b.shape:
                worst = float("inf")
                continue
            worst = max(worst, float(np.max(np.abs(a - b), initial=0.0)))
        names = ", ".join(f"{f} vs {j}" for f, j in _AGREE[cell.number])
        tolerance = 1e-6 * max(1.0, float(jnp.max(jnp.abs(b))))
        if worst <= tolerance:
            print(f"agrees: max |diff| = {worst}  ({names})")
        else:
            ok = False
            print(f"DISAGREES: max |diff| = {worst}  ({names})")
    return 0 if ok else 1
