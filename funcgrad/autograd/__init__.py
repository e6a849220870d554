"""The facade's autograd engine, independent of the ``torch`` namespace.

``ops`` holds the op registry, ``node`` the ``grad_fn`` objects, ``engine`` the
backward sweep, ``grad_mode`` the thread-local switches, ``tensor`` the ``Tensor``.
"""
