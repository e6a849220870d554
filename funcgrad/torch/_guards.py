"""Guards of ``torch.compile``: one generated Python function that says, in a
few hundred nanoseconds, whether everything a call's walk read is still what it
read (the same objects in closure cells, globals, list items and dict entries,
the same list lengths and dict keys, equal Python scalars).

A *read* is ``(how, holder, key, expected)``: ``how`` one of :data:`CELL`
(``holder.cell_contents``), :data:`GET` (``holder.get(key)``), :data:`ITEM`
(``holder[key]``), :data:`LEN` (``len(holder) == expected``), :data:`KEYS`
(``tuple(holder) == expected``) or :data:`EMPTY` (an empty closure cell). A
read object is compared by identity, a Python scalar by type and value.

>>> box = [1.0, "a"]
>>> guard = compile_guard([(LEN, box, None, 2), (ITEM, box, 0, 1.0)])
>>> guard()
True
>>> box[0] = 2.0
>>> guard()
False
"""

from __future__ import annotations

from collections.abc import Callable

CELL, GET, ITEM, LEN, KEYS, EMPTY = range(6)
ABSENT = object()  # what ``GET`` of a missing name reads
MAX_READS = 2048  # more than this: no guard (the caller walks every call)
_SCALARS = (int, float, str)


def _empty(cell) -> bool:
    try:
        _ = cell.cell_contents
    except ValueError:
        return True
    return False


def _term(i: int, how: int, key, expected) -> str:
    h, e = f"h{i}", f"e{i}"
    if how == LEN:
        return f"len({h}) == {e}"
    if how == KEYS:
        return f"tuple({h}) == {e}"
    if how == EMPTY:
        return f"_empty({h})"
    read = {CELL: f"{h}.cell_contents", GET: f"{h}.get(k{i}, _ABSENT)"}.get(
        how, f"{h}[k{i}]"
    )
    if type(expected) in _SCALARS:
        return f"((v := {read}).__class__ is t{i} and v == {e})"
    return f"{read} is {e}"


def compile_guard(reads: list) -> Callable[[], bool] | None:
    """A function of no arguments: ``True`` while every read reads the same.
    ``None`` when there are too many reads to be worth a guard."""
    if len(reads) > MAX_READS:
        return None
    names: dict = {"_ABSENT": ABSENT, "_empty": _empty}
    terms = []
    for i, (how, holder, key, expected) in enumerate(reads):
        term = _term(i, how, key, expected)
        for name, obj in (("h", holder), ("k", key), ("e", expected)):
            if f"{name}{i}" in term:
                names[f"{name}{i}"] = obj
        if f"t{i}" in term:
            names[f"t{i}"] = type(expected)
        terms.append(term)
    params = ", ".join(names)
    body = " and ".join(terms) or "True"
    source = (
        f"def make({params}):\n"
        "    def guard():\n"
        "        try:\n"
        f"            return {body}\n"
        "        except Exception:\n"
        "            return False\n"
        "    return guard\n"
    )
    scope: dict = {}
    exec(compile(source, "<torch.compile guard>", "exec"), scope)  # noqa: S102
    return scope["make"](**names)
