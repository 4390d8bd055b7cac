"""The recent start and the memory anchor as pure functions of chunk sizes and the cursor."""

from __future__ import annotations

import random

from memory.context.anchor import SEPARATOR_TOKENS, memory_anchor, recent_start


def _cost(tokens: list[int], start: int, stop: int, partial: int = 0) -> int:
    return sum(tokens[start:stop]) + SEPARATOR_TOKENS * (stop - start) + partial


def test_the_recent_start_is_the_furthest_chunk_that_fits() -> None:
    rng = random.Random(3)
    tokens = [rng.randint(120, 380) for _ in range(400)]
    for cursor in range(50, 400, 7):
        for room in (300, 1000, 3000):
            start = recent_start(tokens, 10, cursor, 40, room)
            assert start < cursor
            if _cost(tokens, start, cursor, 40) <= room:
                assert start == 10 or _cost(tokens, start - 1, cursor, 40) > room
            else:  # not one whole chunk fits: the chunk before the cursor, to be cut
                assert start == cursor - 1 and _cost(tokens, cursor - 1, cursor, 40) > room


def test_inside_the_opening_there_is_no_recent_start() -> None:
    assert recent_start([100] * 10, pin_end=5, cursor_index=4, partial_tokens=0, room=500) == 4


def test_the_memory_anchor_moves_once_per_step_of_new_text() -> None:
    rng = random.Random(5)
    tokens = [rng.randint(120, 380) for _ in range(600)]
    step = 2000
    anchors = [memory_anchor(tokens, 3, recent, step) for recent in range(3, 600)]
    assert anchors == sorted(anchors)  # never back
    assert all(anchor <= recent for anchor, recent in zip(anchors, range(3, 600)))
    moves = [recent for previous, anchor, recent in zip(anchors, anchors[1:], range(4, 600)) if anchor != previous]
    covered = _cost(tokens, 3, 599)
    assert len(moves) == covered // step or len(moves) == covered // step + 1
    for anchor in set(anchors) - {3}:  # each anchor is the first chunk boundary past a grid line
        offset = _cost(tokens, 3, anchor)
        assert offset // step > (offset - tokens[anchor - 1] - SEPARATOR_TOKENS) // step


def test_the_anchor_is_the_same_whatever_follows_it() -> None:
    """What the book gains after the recent start does not move the anchor."""
    tokens = [200] * 100
    longer = tokens + [300] * 50
    assert memory_anchor(tokens, 2, 80, 1500) == memory_anchor(longer, 2, 80, 1500)
