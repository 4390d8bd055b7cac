"""One rule gives every try of a generation its seed: drafting's rewrites and write's steps."""

from engine.workflows.try_seeds import try_seed


def test_the_first_try_of_the_first_step_uses_the_writers_seed():
    assert try_seed(7, 0) == 7
    assert try_seed(7, 0, step=0) == 7


def test_without_a_seed_every_try_is_fresh():
    assert try_seed(None, 0) is None
    assert try_seed(None, 3, step=12) is None


def test_every_try_of_a_long_run_has_a_seed_of_its_own():
    seeds = [try_seed(5, attempt, step) for step in range(500) for attempt in range(4)]
    assert len(set(seeds)) == len(seeds)
