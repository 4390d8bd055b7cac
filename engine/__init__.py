"""Draftsmith's engine: the model runtime and the generation workflows.

Nothing here imports Textual or the ``app`` package; the UI drives the engine,
never the other way round.
"""
