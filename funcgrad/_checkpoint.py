"""Checkpoints for ``fit``: orbax-checkpoint step directories plus a checked record.

Private helpers; ``fit(..., checkpoint_dir=...)`` is the public side. Each checkpoint
is an orbax step directory named by the number of completed epochs, written
synchronously (orbax writes into a temporary directory and renames it when complete,
so a process killed mid-save leaves nothing that looks complete). It holds two items:

* ``state``: the flat list of arrays (parameters, optimizer state, step counter and
  the PRNG key's data), saved as a dict ``{"a0000": ..., "a0001": ...}`` so that any
  optimizer state (NamedTuples, empty states) round-trips;
* ``meta``: a JSON record with the epoch, the history so far, the run's options and
  the SHA-256 of the saved arrays, checked again on restore.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import warnings
from collections.abc import Iterator, Sequence
from typing import Any

import jax
import numpy as np

FORMAT = "funcgrad.fit/1"

log = logging.getLogger("funcgrad")


class CheckpointError(ValueError):
    """A checkpoint directory that ``fit`` refuses to resume from.

    Raised when the checkpoints there were written by a run with other shapes or
    options, or when every checkpoint there is damaged. The message is one line
    saying which directory and why.

    >>> raise CheckpointError("checkpoint in ckpt/ has batch_size=32, this run 16")
    Traceback (most recent call last):
    ...
    funcgrad._checkpoint.CheckpointError: checkpoint in ckpt/ has batch_size=32, ...
    """


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Keep orbax's informational logging and warnings out of the user's output."""
    loggers = [logging.getLogger(n) for n in ("absl", "orbax", "jax._src.distributed")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        for lg, level in zip(loggers, levels, strict=True):
            lg.setLevel(level)


class _DrainingLoop(asyncio.SelectorEventLoop):
    """An event loop that finishes its outstanding tasks before it closes.

    orbax runs each save and restore in a fresh event loop of its own
    (``asyncio.new_event_loop()``, then ``run_until_complete`` and ``close``). A read
    that fails part-way raises out of ``asyncio.gather`` while the sibling reads are
    still waiting on tensorstore futures; orbax then closes the loop, and when those
    reads complete, tensorstore's own threads call ``call_soon_threadsafe`` on the
    closed loop: ``RuntimeError('Event loop is closed')``, reported as an unraisable
    exception at some later, unrelated point (under pytest: a warning turned error,
    or an INTERNALERROR in whichever plugin hook is running). Waiting here for the
    leftover tasks, which end as soon as tensorstore answers, means nothing is left
    behind to call back into a closed loop, and their exceptions are retrieved.
    """

    def close(self) -> None:
        if not self.is_running() and not self.is_closed():
            pending = [t for t in asyncio.all_tasks(self) if not t.done()]
            if pending:
                self.run_until_complete(
                    asyncio.gather(*pending, return_exceptions=True)
                )
        super().close()


class _DrainingPolicy(asyncio.DefaultEventLoopPolicy):
    def new_event_loop(self) -> asyncio.AbstractEventLoop:
        return _DrainingLoop()


@contextlib.contextmanager
def _orbax_call() -> Iterator[None]:
    """Run one orbax call quietly, its event loops draining before they close."""
    with _quiet():
        previous = asyncio.get_event_loop_policy()
        asyncio.set_event_loop_policy(_DrainingPolicy())
        try:
            yield
        finally:
            asyncio.set_event_loop_policy(previous)


def arrays_sha256(leaves: Sequence[Any]) -> str:
    """SHA-256 over every array's dtype, shape and bytes, in order."""
    h = hashlib.sha256()
    for leaf in leaves:
        a = np.ascontiguousarray(np.asarray(leaf))
        h.update(f"{a.dtype.str}{a.shape};".encode())
        h.update(a.tobytes())
    return h.hexdigest()


def _names(n: int) -> list[str]:
    return [f"a{i:04d}" for i in range(n)]


def describe_differences(saved: dict[str, Any], current: dict[str, Any]) -> list[str]:
    diffs = []
    for name in sorted(set(saved) | set(current)):
        a, b = saved.get(name), current.get(name)
        if a != b:
            diffs.append(f"{name}={_short(a)} there but {_short(b)} here")
    return diffs


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


class Store:
    """The checkpoints of one run in one directory."""

    def __init__(self, directory: str, max_to_keep: int) -> None:
        with _quiet():
            import orbax.checkpoint as ocp  # imported here: it is slow to import

        self._ocp = ocp
        self.directory = str(directory)
        options = ocp.CheckpointManagerOptions(
            max_to_keep=max_to_keep,
            enable_async_checkpointing=False,
            create=True,
            # A save killed part-way leaves only a temporary directory; remove it.
            cleanup_tmp_directories=True,
        )
        with _orbax_call():
            self._manager = ocp.CheckpointManager(
                self.directory, options=options, item_names=("state", "meta")
            )

    def close(self) -> None:
        with _orbax_call():
            self._manager.close()

    def save(
        self,
        epoch: int,
        leaves: Sequence[jax.Array],
        options: dict[str, Any],
        history: dict[str, list[float]],
    ) -> None:
        ocp = self._ocp
        host = [np.asarray(_local(leaf)) for leaf in leaves]
        meta = {
            "format": FORMAT,
            "epoch": int(epoch),
            "history": history,
            "options": options,
            "arrays_sha256": arrays_sha256(host),
        }
        tree = dict(zip(_names(len(leaves)), leaves, strict=True))
        with _orbax_call():
            self._manager.save(
                int(epoch),
                args=ocp.args.Composite(
                    state=ocp.args.StandardSave(tree), meta=ocp.args.JsonSave(meta)
                ),
                force=True,
            )
            self._manager.wait_until_finished()

    def restore(
        self,
        options: dict[str, Any],
        abstract: Sequence[jax.ShapeDtypeStruct],
    ) -> tuple[int, list[np.ndarray], dict[str, list[float]]] | None:
        """The newest intact checkpoint: ``(epoch, arrays, history)``, or ``None``.

        Raises ``CheckpointError`` if the newest readable checkpoint was written
        with other options, or if there are checkpoints but none is intact. Damaged
        checkpoints newer than the one returned are deleted, so that the resumed run
        can write its own in their place.
        """
        with _orbax_call():
            steps = sorted(self._manager.all_steps(), reverse=True)
        damaged: list[tuple[int, str]] = []
        return self._restore(steps, damaged, options, abstract)

    def _restore(
        self,
        steps: list[int],
        damaged: list[tuple[int, str]],
        options: dict[str, Any],
        abstract: Sequence[jax.ShapeDtypeStruct],
    ) -> tuple[int, list[np.ndarray], dict[str, list[float]]] | None:
        ocp = self._ocp
        for step in steps:
            try:
                with _orbax_call():
                    meta = self._manager.restore(
                        step, args=ocp.args.Composite(meta=ocp.args.JsonRestore())
                    )["meta"]
                if not isinstance(meta, dict) or meta.get("format") != FORMAT:
                    raise ValueError("not a funcgrad.fit checkpoint record")
                saved_options = meta["options"]
                epoch, history, expected = (
                    int(meta["epoch"]),
                    meta["history"],
                    meta["arrays_sha256"],
                )
            except Exception as e:  # any failure here means damaged
                damaged.append((step, f"record unreadable: {_one_line(e)}"))
                continue
            diffs = describe_differences(saved_options, options)
            if diffs:
                raise CheckpointError(
                    f"checkpoint in {self.directory} (epoch {epoch}) was written by a "
                    f"different run: {'; '.join(diffs)}; use another checkpoint "
                    f"directory or the same options"
                )
            try:
                target = dict(zip(_names(len(abstract)), abstract, strict=True))
                with _orbax_call():
                    tree = self._manager.restore(
                        step,
                        args=ocp.args.Composite(state=ocp.args.StandardRestore(target)),
                    )["state"]
                arrays = [np.asarray(_local(tree[name])) for name in sorted(tree)]
                if len(arrays) != len(abstract):
                    raise ValueError(f"{len(arrays)} arrays, expected {len(abstract)}")
            except Exception as e:  # any failure here means damaged
                damaged.append((step, f"arrays unreadable: {_one_line(e)}"))
                continue
            if arrays_sha256(arrays) != expected:
                damaged.append((step, "arrays do not match their SHA-256"))
                continue
            for bad, why in damaged:
                log.warning(
                    "checkpoint %s/%d is damaged (%s); resuming from epoch %d",
                    self.directory,
                    bad,
                    why,
                    epoch,
                )
                with _orbax_call():
                    self._manager.delete(bad)
            return epoch, arrays, history
        if damaged:
            details = "; ".join(f"epoch {s}: {why}" for s, why in damaged)
            raise CheckpointError(
                f"no intact checkpoint in {self.directory} ({details}); refusing to "
                f"train on from damaged state"
            )
        return None


def _local(leaf: Any) -> Any:
    if isinstance(leaf, jax.Array) and not leaf.is_fully_addressable:
        return leaf.addressable_data(0)
    return leaf


def _one_line(e: BaseException) -> str:
    text = " ".join(str(e).split())
    text = f"{type(e).__name__}: {text}" if text else type(e).__name__
    return text if len(text) <= 160 else text[:157] + "..."
