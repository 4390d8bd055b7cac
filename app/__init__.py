"""Draftsmith's user interfaces: the Textual app and the ``draftsmith`` command line."""
