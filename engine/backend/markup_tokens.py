"""The vocabulary's markup tokens, which never belong in a writer's prose.

Models trained on web pages and images keep tokens such as ``<start_of_image>``,
``<h1>`` or ``[multimodal]`` as single pieces of their vocabulary, and llama.cpp
prints them as text. A base model that emits one has left the page it was
writing (an image comes next, or another web document), so generation stops
there: the writer gets the prose before it, never the marker or what follows.
"""

from __future__ import annotations

import llama_cpp

_CONTROL = llama_cpp.LLAMA_TOKEN_ATTR_CONTROL
_USER_DEFINED = llama_cpp.LLAMA_TOKEN_ATTR_USER_DEFINED
_UNUSED = llama_cpp.LLAMA_TOKEN_ATTR_UNUSED


def markup_token_texts(llm: llama_cpp.Llama) -> tuple[str, ...]:
    """Texts of the tokens that end prose: control tokens that do not end generation
    (llama.cpp stops on those itself) and user-defined tokens that are not whitespace.

    Unused placeholder tokens are left out: a trained model never samples them.
    One pass over the vocabulary, made once per model.
    """
    return tuple(sorted({text for _, text in markup_tokens(llm)}))


def markup_tokens(llm: llama_cpp.Llama) -> list[tuple[int, str]]:
    """(id, text) of every markup token ``markup_token_texts`` describes."""
    vocab = llama_cpp.llama_model_get_vocab(llm.model)
    found: list[tuple[int, str]] = []
    for token in range(llama_cpp.llama_vocab_n_tokens(vocab)):
        attributes = llama_cpp.llama_vocab_get_attr(vocab, token)
        if attributes & _UNUSED or not attributes & (_CONTROL | _USER_DEFINED):
            continue
        if attributes & _CONTROL and llama_cpp.llama_vocab_is_eog(vocab, token):
            continue
        text = llm.detokenize([token], special=True).decode("utf-8", errors="replace")
        if text.strip():
            found.append((token, text))
    return found
