"""Pins the public surface: a change to it is a deliberate change to this file."""

import funcgrad

FUNCGRAD_ALL = {
    "CheckpointError",
    "FitResult",
    "LinearParams",
    "NonFiniteLossError",
    "TrainState",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "init_linear",
    "linear",
    "loss",
    "fit",
    "initialize_distributed",
    "make_train_step",
}


def test_funcgrad_all_is_pinned() -> None:
    assert set(funcgrad.__all__) == FUNCGRAD_ALL
    for name in funcgrad.__all__:
        assert hasattr(funcgrad, name), name
