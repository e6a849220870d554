"""The subcommands of the ``funcgrad`` command line."""
