"""The memory layer: the project store, chunks, summaries, retrieval and context assembly.

It never loads a model: it is handed a token-counting function, and the engine
writes summaries into it. Three layers, each importing only those below it:
``memory.context`` (the pyramid, the story bible, retrieval, the assembler),
``memory.storage`` (the project file and its tables) and ``memory.text`` (pure text
analysis). The project facade, import, export and the edits that join them sit at the top.
"""
