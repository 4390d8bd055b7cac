"""The memory layer: the project store, chunks, summaries, retrieval and context assembly.

It never loads a model: it is handed a token-counting function, and the engine
writes summaries into it.
"""
