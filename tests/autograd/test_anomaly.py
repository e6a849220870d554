"""Anomaly detection: the node that produced NaN, and the forward line behind it."""

from __future__ import annotations

import threading
import warnings

import pytest

import funcgrad.torch as ftorch
from funcgrad.autograd import anomaly
from funcgrad.torch.autograd import (
    detect_anomaly,
    is_anomaly_enabled,
    set_detect_anomaly,
)

ENABLED = "Anomaly Detection has been enabled"
SQRT_NAN = "Function 'SqrtBackward0' returned nan values in its 0th output."
HEADER = "Error detected in {}. Traceback of forward call that caused the error:"


@pytest.fixture(autouse=True)
def _anomaly_off():
    """The mode is process-wide: every test starts and ends with it off."""
    assert not is_anomaly_enabled()
    yield
    anomaly._set(False, True)


def quiet_detect_anomaly(check_nan: bool = True):
    """``detect_anomaly()`` with its (expected) enabling warning checked."""
    with pytest.warns(UserWarning, match=ENABLED):
        return detect_anomaly(check_nan=check_nan)


def sqrt_at_zero(torch):
    """sqrt'(0) = inf times an incoming 0 is NaN: born in SqrtBackward0."""
    x = torch.tensor([0.0, 4.0], requires_grad=True)
    y = torch.sqrt(x)  # the forward line the report must point at
    return x, (y * 0).sum()


def test_off_by_default_and_free():
    assert anomaly.enabled is False and not is_anomaly_enabled()
    x, loss = sqrt_at_zero(ftorch)
    assert "traceback_" not in loss.grad_fn.next_functions[0][0].metadata
    loss.backward()  # no check: the NaN reaches .grad, as in PyTorch
    assert [str(v) for v in x.grad.tolist()] == ["nan", "0.0"]


def test_nan_names_the_node_and_the_forward_line(capsys):
    mode = quiet_detect_anomaly()
    with mode:
        x, loss = sqrt_at_zero(ftorch)
        with pytest.raises(RuntimeError) as info:
            loss.backward()
    assert str(info.value) == SQRT_NAN
    assert x.grad is None
    # warnings are errors in this suite, so the report goes to stderr, as torch's
    err = capsys.readouterr().err
    first, *stack = err.splitlines()
    assert first == "UserWarning: " + HEADER.format("SqrtBackward0")
    assert stack[-2:] == [
        f'  File "{__file__}", line {sqrt_at_zero.__code__.co_firstlineno + 3}, '
        "in sqrt_at_zero",
        "    y = torch.sqrt(x)  # the forward line the report must point at",
    ]
    assert any("in test_nan_names_the_node_and_the_forward_line" in s for s in stack)
    assert "funcgrad/autograd" not in err and "funcgrad/torch" not in err
    assert not is_anomaly_enabled()


def test_the_report_is_a_warning_at_the_backward_call():
    with quiet_detect_anomaly():
        x = ftorch.tensor([-1.0, 0.0], requires_grad=True)
        y = ftorch.log(x)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            with pytest.raises(RuntimeError, match="'LogBackward0' returned nan"):
                (y * 0).sum().backward()
    assert len(caught) == 1
    w = caught[0]
    assert w.category is UserWarning and w.filename == __file__
    text = str(w.message)
    assert text.startswith(HEADER.format("LogBackward0") + "\n")
    assert text.endswith("\n    y = ftorch.log(x)")


def test_matches_real_torch(capsys):
    torch = pytest.importorskip("torch")
    reports = {}
    for name, module in (("torch", torch), ("funcgrad", ftorch)):
        with pytest.warns(UserWarning, match=ENABLED):
            mode = module.autograd.detect_anomaly()
        with mode:
            x, loss = sqrt_at_zero(module)
            with pytest.raises(RuntimeError) as info:
                loss.backward()
        err = capsys.readouterr().err.splitlines()
        reports[name] = (
            str(info.value),
            err[0],
            err[-3:-1] if name == "torch" else err[-2:],
        )
        grad_fn = loss.grad_fn.next_functions[0][0].next_functions[0][0]
        reports[name] += (grad_fn.name(), grad_fn.metadata["traceback_"][-1])
    # same error text, same header, same last frame (torch adds a "Triggered
    # internally at ..." line after the stack)
    assert reports["funcgrad"] == reports["torch"]


def test_create_graph_is_checked_too():
    with quiet_detect_anomaly():
        x, loss = sqrt_at_zero(ftorch)
        with warnings.catch_warnings(record=True):
            warnings.simplefilter("always")
            with pytest.raises(RuntimeError, match="SqrtBackward0"):
                loss.backward(create_graph=True)


def test_check_nan_false_records_but_does_not_raise():
    with quiet_detect_anomaly(check_nan=False):
        assert anomaly.is_anomaly_check_nan_enabled() is False
        x, loss = sqrt_at_zero(ftorch)
        loss.backward()
    node = loss.grad_fn.next_functions[0][0].next_functions[0][0]
    assert node.name() == "SqrtBackward0"
    assert node.metadata["traceback_"][-1].endswith(
        "y = torch.sqrt(x)  # the forward line the report must point at\n"
    )
    assert anomaly.is_anomaly_check_nan_enabled() is True


def test_node_recorded_before_the_mode_has_no_stack(capsys):
    x, loss = sqrt_at_zero(ftorch)
    with set_detect_anomaly(True):
        with pytest.raises(RuntimeError, match=SQRT_NAN):
            loss.backward()
    assert capsys.readouterr().err == (
        "UserWarning: Error detected in SqrtBackward0. No forward pass information "
        "available. Enable detect anomaly during forward pass for more information.\n"
    )


def test_finite_backward_is_untouched():
    with quiet_detect_anomaly():
        w = ftorch.tensor([1.0, 2.0], requires_grad=True)
        (w * w).sum().backward()
    assert w.grad.tolist() == [2.0, 4.0]


def test_context_manager_restores_also_on_error():
    with pytest.raises(KeyError):
        with quiet_detect_anomaly():
            assert is_anomaly_enabled()
            with set_detect_anomaly(False):
                assert not is_anomaly_enabled()
            assert is_anomaly_enabled()
            raise KeyError("boom")
    assert not is_anomaly_enabled()


def test_set_detect_anomaly_as_function():
    set_detect_anomaly(True)
    assert is_anomaly_enabled() and anomaly.enabled
    set_detect_anomaly(False)
    assert not is_anomaly_enabled()
    set_detect_anomaly(True, check_nan=False)
    assert not anomaly.is_anomaly_check_nan_enabled()


def test_decorator():
    with pytest.warns(UserWarning, match=ENABLED):

        @detect_anomaly()
        def train_step():
            assert is_anomaly_enabled()
            x, loss = sqrt_at_zero(ftorch)
            loss.backward()

    assert not is_anomaly_enabled()
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        with pytest.raises(RuntimeError, match=SQRT_NAN):
            train_step()
    assert not is_anomaly_enabled()

    @set_detect_anomaly(True)
    def probe():
        return is_anomaly_enabled()

    set_detect_anomaly(False)
    assert probe() is True and not is_anomaly_enabled()


def test_process_wide_like_torch():
    seen = []
    with set_detect_anomaly(True):
        t = threading.Thread(target=lambda: seen.append(is_anomaly_enabled()))
        t.start()
        t.join()
    assert seen == [True]


def test_exported_from_the_torch_namespace():
    assert ftorch.autograd.detect_anomaly is anomaly.detect_anomaly
    assert ftorch.autograd.set_detect_anomaly is anomaly.set_detect_anomaly
    assert ftorch.autograd.is_anomaly_enabled is anomaly.is_anomaly_enabled


def test_checked_also_for_a_graph_seen_before():
    """A graph shape already run without anomaly mode (and possibly replayed by a
    fast path since) is still checked node by node once the mode is on."""
    for _ in range(3):
        _, loss = sqrt_at_zero(ftorch)
        loss.backward()
    with set_detect_anomaly(True):
        _, loss = sqrt_at_zero(ftorch)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            with pytest.raises(RuntimeError, match=SQRT_NAN):
                loss.backward()
    assert "y = torch.sqrt(x)" in str(caught[0].message)
