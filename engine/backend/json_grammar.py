"""The grammar that holds a model's output to a JSON schema, with strings JSON can read.

llama-cpp-python converts a schema to llama.cpp's GBNF, but its string characters take
anything but a quote or a backslash, so a model may put a raw line break inside a
synopsis, and the answer then fails to parse although the grammar accepted it. Here
control characters inside strings are refused, as JSON requires (and as llama.cpp's own
converter does); an escaped ``\\n`` stays possible.
"""

from __future__ import annotations

import re

STRICT_CHAR_RULE = (r'char ::= [^"\\\x7F\x00-\x1F] | '
                    r'"\\" (["\\/bfnrt] | "u" [0-9a-fA-F] [0-9a-fA-F] [0-9a-fA-F] [0-9a-fA-F])')
_CHAR_RULE = re.compile(r"^char ::= .*$", re.MULTILINE)


def json_schema_grammar(json_schema: str) -> str:
    """GBNF text for ``json_schema`` (JSON text) whose strings hold no control characters.

    Imported lazily: the HTTP backend sends this text to a server, and a remote model
    should not need llama.cpp's library loaded to start.
    """
    from llama_cpp.llama_grammar import json_schema_to_gbnf

    return _CHAR_RULE.sub(lambda _: STRICT_CHAR_RULE, json_schema_to_gbnf(json_schema))
