"""The project file and its tables: documents, chunks, outline, provenance, the name index.

Every write is one transaction on one SQLite file; nothing here builds a prompt.
"""
