"""One module per ``draftsmith`` subcommand, each with ``register`` and ``run``."""
