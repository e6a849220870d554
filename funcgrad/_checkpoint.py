"""Checkpoints for ``fit``: orbax-checkpoint step directories plus a checked record.

Private helpers; ``fit(..., checkpoint_dir=...)`` is the public side. Each checkpoint
is an orbax step directory named by the number of completed epochs, written in the
background (orbax's asynchronous checkpointing: the arrays are copied to the host
when the save starts, then written while training goes on). orbax writes into a
temporary directory and renames it when complete, so a process killed mid-save
leaves nothing that looks complete. A checkpoint holds two items:

* ``state``: the flat list of arrays (parameters, optimizer state, step counter and
  the PRNG key's data), saved as a dict ``{"a0000": ..., "a0001": ...}`` so that any
  optimizer state (NamedTuples, empty states) round-trips;
* ``meta``: a JSON record with the epoch, the history so far, the run's identity
  (:class:`Run`: the exact options compared on resume, and the same options in
  words a person reads) and the SHA-256 of the saved arrays, checked again on
  restore.

One run at a time writes to a directory: :class:`Store` holds an OS lock on a file
in it (``fcntl.flock``, released by the kernel however the holder ends, so the lock
of a killed run is simply taken over).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import errno
import hashlib
import logging
import os
import socket
import warnings
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, NamedTuple

import jax
import numpy as np

try:
    import fcntl
except ImportError:  # not POSIX: no lock
    fcntl = None

FORMAT = "funcgrad.fit/1"
LOCK_NAME = ".funcgrad.lock"

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


class CheckpointLockedError(CheckpointError):
    """Another live run holds the checkpoint directory; nothing in it was touched.

    ``directory`` and ``holder`` (who holds it: process id, host and start time, as
    the holder wrote them) are attributes too.

    >>> e = CheckpointLockedError("ckpt", "pid 41 on host h since 08:00:00 UTC")
    >>> print(e)
    checkpoint directory ckpt is in use by another run (pid 41 on host h since ...
    """

    def __init__(self, directory: str, holder: str) -> None:
        super().__init__(
            f"checkpoint directory {directory} is in use by another run ({holder}); "
            f"wait for it to end or use another directory"
        )
        self.directory, self.holder = directory, holder


class Run(NamedTuple):
    """What identifies a run, saved with each checkpoint and compared on resume.

    ``options`` are compared exactly (a difference refuses the resume); ``described``
    says the same options in ``fit``'s keywords (``{"batch_size": "8"}``) and
    ``labels`` in the caller's own words (``{"--lr": "0.1"}``): they only phrase the
    refusal, naming what differs.
    """

    options: dict[str, Any]
    described: dict[str, Any]
    labels: dict[str, str]


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


def describe_differences(saved: Mapping[str, Any], run: Run) -> list[str]:
    """Why the run recorded in ``saved`` (a checkpoint's ``meta``) is not ``run``.

    Empty when the exact options agree. Otherwise, in the first words both sides
    recorded that differ: the caller's labels (``--lr 0.1 there, --lr 0.05 here``),
    else ``fit``'s keywords (``batch_size=8 there, batch_size=4 here``), else the
    exact options (checkpoints written before the words were recorded).

    >>> old = {"options": {"batch_size": 8}, "described": {"batch_size": "8"},
    ...        "labels": {"--batch-size": "8", "--lr": "0.1"}}
    >>> new = Run({"batch_size": 4}, {"batch_size": "4"},
    ...           {"--batch-size": "4", "--lr": "0.1"})
    >>> describe_differences(old, new)
    ['--batch-size 8 there, --batch-size 4 here']
    >>> describe_differences(old, new._replace(labels={}))
    ['batch_size=8 there, batch_size=4 here']
    """
    if _differing(saved.get("options", {}), run.options) == []:
        return []
    for key, current in (("labels", run.labels), ("described", run.described)):
        recorded = saved.get(key)
        if isinstance(recorded, dict) and current:
            names = _differing(recorded, current)
            if key == "described" and "optimizer" in names and "opt_state" in names:
                names.remove("opt_state")  # follows from the optimizer
            if names:
                return [_phrase(n, recorded.get(n), current.get(n)) for n in names]
    names = _differing(saved.get("options", {}), run.options)
    return [
        _phrase(n, saved.get("options", {}).get(n), run.options.get(n)) for n in names
    ]


def _differing(saved: Mapping[str, Any], current: Mapping[str, Any]) -> list[str]:
    return [n for n in _ordered(saved, current) if saved.get(n) != current.get(n)]


def _ordered(saved: Mapping[str, Any], current: Mapping[str, Any]) -> list[str]:
    return list(current) + [n for n in saved if n not in current]


def _phrase(name: str, there: Any, here: Any) -> str:
    """``--lr 0.1 there, --lr 0.05 here`` (an option) or ``name=... there, ...``."""
    if isinstance(there, list) and isinstance(here, list):
        there, here = _unshared(there, here)
    a, b = _short(there), _short(here)
    if name.startswith("-"):
        word = lambda v: f"{name} {v}" if v is not None else f"no {name}"  # noqa: E731
        return f"{word(a)} there, {word(b)} here"
    return f"{name}={a} there, {name}={b} here"


def _unshared(there: list, here: list) -> tuple[str, str]:
    """Parts of two equally long lists that differ, the shared ones elided (...).

    >>> _unshared(["adam(b1=0.9)", "scale(-0.1)"], ["adam(b1=0.9)", "scale(-0.2)"])
    ('... scale(-0.1)', '... scale(-0.2)')
    """
    if len(there) == len(here):
        pairs = [(a, b) for a, b in zip(there, here, strict=True) if a != b]
        if pairs and len(pairs) < len(there):
            return (
                "... " + " + ".join(str(a) for a, _ in pairs),
                "... " + " + ".join(str(b) for _, b in pairs),
            )
    return " + ".join(map(str, there)) or "()", " + ".join(map(str, here)) or "()"


def _short(value: Any) -> str | None:
    if value is None:
        return None
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= 160 else text[:157] + "..."


class _Lock:
    """An exclusive ``flock`` on ``directory/.funcgrad.lock``, naming its holder.

    The kernel drops an flock when its holder's file is closed, which includes the
    holder being killed: a lock file left by a dead run is simply locked again.
    """

    def __init__(self, directory: str) -> None:
        self.path = os.path.join(directory, LOCK_NAME)
        self._fd: int | None = None
        if fcntl is None:
            return
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as e:
            holder = _read_holder(fd)
            os.close(fd)
            if e.errno in (errno.EWOULDBLOCK, errno.EACCES):
                raise CheckpointLockedError(directory, holder) from None
            raise
        self._fd = fd
        now = datetime.datetime.now(datetime.UTC)
        stamp = now.strftime("%Y-%m-%d %H:%M:%S UTC")
        text = f"pid {os.getpid()} on host {socket.gethostname()} since {stamp}\n"
        os.ftruncate(fd, 0)
        os.pwrite(fd, text.encode(), 0)

    def release(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            os.close(fd)  # closing drops the flock; the file stays for the next run


def _read_holder(fd: int) -> str:
    try:
        text = os.pread(fd, 200, 0).decode("utf-8", "replace").strip()
    except OSError:
        text = ""
    return text or "a process that has not yet written its name"


class Store:
    """The checkpoints of one run in one directory."""

    def __init__(self, directory: str, max_to_keep: int, lock: bool = True) -> None:
        with _quiet():
            import orbax.checkpoint as ocp  # imported here: it is slow to import

        self._ocp = ocp
        self.directory = str(directory)
        # The lock comes first: orbax removes temporary directories when it starts,
        # which would pull a live run's save from under it.
        os.makedirs(self.directory, exist_ok=True)
        self._lock = _Lock(self.directory) if lock else None
        options = ocp.CheckpointManagerOptions(
            max_to_keep=max_to_keep,
            enable_async_checkpointing=True,
            create=True,
            # A save killed part-way leaves only a temporary directory; remove it.
            cleanup_tmp_directories=True,
        )
        try:
            with _orbax_call():
                self._manager = ocp.CheckpointManager(
                    self.directory, options=options, item_names=("state", "meta")
                )
        except BaseException:
            self._release()
            raise
        self.saved: int | None = None  # the newest epoch saved (or being saved)

    def close(self) -> None:
        """Wait for the save in flight, then let the directory go."""
        try:
            with _orbax_call():
                self._manager.close()
        finally:
            self._release()

    def _release(self) -> None:
        if self._lock is not None:
            self._lock.release()

    def wait(self) -> None:
        """Block until the save in flight, if any, is complete on disk."""
        with _orbax_call():
            self._manager.wait_until_finished()

    def save(
        self,
        epoch: int,
        leaves: Sequence[jax.Array],
        run: Run,
        history: dict[str, list[float]],
    ) -> None:
        """Start saving ``epoch``'s checkpoint; it completes in the background."""
        ocp = self._ocp
        host = [np.asarray(_local(leaf)) for leaf in leaves]
        meta = {
            "format": FORMAT,
            "epoch": int(epoch),
            # A copy: the record is written in the background while training
            # extends the history.
            "history": {name: list(values) for name, values in history.items()},
            "options": run.options,
            "described": run.described,
            "labels": run.labels,
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
        self.saved = int(epoch)

    def restore(
        self, run: Run, abstract: Sequence[jax.ShapeDtypeStruct]
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
        found = self._restore(steps, damaged, run, abstract)
        if found is not None:
            self.saved = found[0]
        return found

    def _restore(
        self,
        steps: list[int],
        damaged: list[tuple[int, str]],
        run: Run,
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
                if not isinstance(meta["options"], dict):
                    raise ValueError("no options in the record")
                epoch, history, expected = (
                    int(meta["epoch"]),
                    meta["history"],
                    meta["arrays_sha256"],
                )
            except Exception as e:  # any failure here means damaged
                damaged.append((step, f"record unreadable: {_one_line(e)}"))
                continue
            diffs = describe_differences(meta, run)
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
