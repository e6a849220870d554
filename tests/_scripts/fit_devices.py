"""Run ``fit`` on one device and on several; save both results for the test.

Usage: python fit_devices.py DATA.npz OUT.npz DEVICES
Run with XLA_FLAGS=--xla_force_host_platform_device_count=DEVICES.
"""

import sys

import jax
import numpy as np
import optax

import funcgrad as fg


def main() -> None:
    data_path, out_path, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    assert len(jax.devices()) == count, jax.devices()
    d = np.load(data_path)
    params = fg.init_linear(jax.random.key(0), d["X"].shape[1], 1)
    out = {}
    for name, devices in (("one", None), ("many", count), ("list", jax.devices())):
        r = fg.fit(
            params,
            d["X"],
            d["Y"],
            optimizer=optax.adam(0.05),
            epochs=5,
            batch_size=int(d["batch_size"]),
            key=jax.random.key(7),
            validation=(d["X"][:9], d["Y"][:9]),
            devices=devices,
        )
        out[f"{name}_w"], out[f"{name}_b"] = (
            np.asarray(r.params.w),
            np.asarray(r.params.b),
        )
        out[f"{name}_loss"] = np.asarray(r.history["loss"])
        out[f"{name}_val_loss"] = np.asarray(r.history["val_loss"])
        out[f"{name}_ndev"] = np.asarray(len(r.params.w.sharding.device_set))
    np.savez(out_path, **out)


if __name__ == "__main__":
    main()
