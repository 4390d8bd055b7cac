"""Who the next page is likely to name: the cast ranked by the scenes they share with the
people named last.

The recent text already shows the people of the scene under way; a cast line earns its
tokens with the people the story is about to turn to. Those are most often the ones who
have shared the most passages with the people of the last chapter or so, lately more
than long ago: Jim's shipmates when Jim is on deck, Mr. Darcy's friends when Mr. Darcy
comes to call. So the cast is ranked by that: each chunk before the memory anchor that
names several of them weighs in for all it names, less the further back it lies.

The ranking reads only the chunks before the anchor, so it is the same at every cursor
until the anchor moves, and the prompt's cached prefix is kept.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

from memory.context.cast import CastMember

SCENE_CHUNKS = 20
"""Chunks before the anchor (about a chapter) whose people make up the scene."""
FADE_CHUNKS = 200
"""Chunks over which a shared passage's weight falls to a third (1/e)."""
HORIZON_CHUNKS = 5 * FADE_CHUNKS
"""Chunks read at most: further back a passage weighs under 1% of the last one."""


def rank_by_scene(cast: Sequence[CastMember], chunk_names: Sequence[Counter[str]]) -> list[CastMember]:
    """``cast`` ranked by the passages each shares with the scene's people.

    ``chunk_names`` are the names each chunk before the anchor gives, the last chunk last
    (``NameIndex.names_in_chunks``). A member's score is the sum, over those chunks that
    name them, of how many of the scene's chunks name each other person there, faded by
    the chunk's distance; members with equal scores (none shared) keep the most named first.
    """
    member_of = {form: index for index, member in enumerate(cast) for form in member.forms}
    present = [{member_of[form] for form in names if form in member_of} for names in chunk_names]
    scene = Counter(index for chunk in present[-SCENE_CHUNKS:] for index in chunk)
    score = [0.0] * len(cast)
    last = len(present)
    for position, chunk in enumerate(present):
        if len(chunk) < 2:
            continue
        weight = math.exp(-(last - position) / FADE_CHUNKS)
        shared = sum(scene[index] for index in chunk)
        for index in chunk:
            score[index] += weight * (shared - scene[index])
    order = sorted(range(len(cast)), key=lambda index: (-score[index], -cast[index].count))
    return [cast[index] for index in order]
