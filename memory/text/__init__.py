"""Text analysis: sentences, names, pronouns, headings, chunks and token fitting.

Pure functions of strings; nothing here opens a project or a model.
"""
