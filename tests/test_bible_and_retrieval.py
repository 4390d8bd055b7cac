"""The story bible and focus retrieval on the real novels."""

from __future__ import annotations

from pathlib import Path

import pytest

from memory.bible import BibleEntry, entries_mentioned, extract_bible, last_mentions, load_bible, save_entry
from memory.importer import import_text
from memory.project import Project
from memory.retrieval import focus_passages
from memory.store import ProjectStore

pytestmark = pytest.mark.model


def test_main_characters_are_found_with_aliases(pride_project: Project) -> None:
    entries = {entry.name: entry for entry in load_bible(pride_project.store)}
    for name in ("Elizabeth", "Darcy", "Jane", "Bingley", "Wickham"):
        assert name in entries
    assert "Mr. Darcy" in entries["Darcy"].aliases
    assert entries["Elizabeth"].mentions > entries["Wickham"].mentions
    assert entries["Lydia"].pronouns == "she/her"
    assert entries["Longbourn"].kind == "place"


def test_a_heroine_among_men_and_places_near_pronouns(pride_project: Project) -> None:
    """Elizabeth's sentences are full of the men she talks about, and "he rode to London"
    puts a pronoun beside a place: neither may decide a pronoun wrongly."""
    entries = {entry.name: entry for entry in load_bible(pride_project.store)}
    assert entries["Elizabeth"].pronouns == "she/her"
    assert entries["Wickham"].pronouns == "he/him"
    for place in ("London", "Netherfield", "Meryton", "Hertfordshire"):
        assert (entries[place].kind, entries[place].pronouns) == ("place", "")


def test_pronouns_of_a_first_person_narrators_friends(treasure_project: Project) -> None:
    entries = {entry.name: entry for entry in load_bible(treasure_project.store)}
    assert entries["Silver"].pronouns == "he/him"
    assert entries["Jim"].pronouns == "he/him"
    assert "Flint's" not in entries  # possessives fold into the name


def test_the_writers_entries_survive_extraction(tmp_path: Path, tokenizer) -> None:
    store = ProjectStore(tmp_path / "book.draftsmith", create=True)
    text = "Chapter 1\n\n" + "Then Ada Quill walked home, and later Ada met Brom at the mill. " * 5
    import_text(store, text, tokenizer.count_tokens)
    extract_bible(store)
    save_entry(store, BibleEntry(name="Ada", pronouns="they/them", facts=["the miller's daughter"], source="writer"))
    extract_bible(store)
    ada = next(entry for entry in load_bible(store) if entry.name == "Ada")
    assert ada.pronouns == "they/them" and ada.facts == ["the miller's daughter"] and ada.source == "writer"
    assert ada.line() == "Ada (they/them): the miller's daughter"


def test_entries_mentioned_counts_aliases(pride_project: Project) -> None:
    entries = load_bible(pride_project.store)
    found = dict((entry.name, hits) for entry, hits in
                 entries_mentioned(entries, "Mr. Darcy bowed. Darcy left. Elizabeth laughed at Mr. Collins."))
    assert found["Darcy"] == 2
    assert found["Elizabeth"] == 1
    assert found["Collins"] == 1


def test_last_mentions_finds_where_each_entry_is_named_last(pride_project: Project) -> None:
    entries = load_bible(pride_project.store)
    text = "Darcy bowed. Elizabeth laughed at Mr. Collins. Then Mr. Darcy left."
    last = last_mentions(entries, text)
    assert last["Darcy"] == text.index("Mr. Darcy")
    assert last["Elizabeth"] == text.index("Elizabeth")
    assert "Jane" not in last


def test_focus_retrieval_finds_earlier_sentences_about_the_scene(treasure_project: Project) -> None:
    chunks = len(treasure_project.chunks)
    passages = focus_passages(treasure_project, ["Ben Gunn"], 1, chunks - 50)
    assert passages
    assert all("Ben Gunn" in passage.sentence for passage in passages)
    assert all(1 <= passage.chunk_index < chunks - 50 for passage in passages)
    assert all(len(passage.sentence.split()) <= 31 for passage in passages)


def test_focus_retrieval_respects_the_window(treasure_project: Project) -> None:
    # Ben Gunn first appears about halfway through: nothing names him in the first tenth.
    assert focus_passages(treasure_project, ["Ben Gunn"], 0, len(treasure_project.chunks) // 10) == []


def test_a_writers_edit_reaches_the_next_context(tmp_path: Path, tokenizer) -> None:
    from memory.assembler import assemble

    store = ProjectStore(tmp_path / "book.draftsmith", create=True)
    text = "Chapter 1\n\n" + "Then Ada Quill walked home, and later Ada met Brom at the mill. " * 40
    import_text(store, text, tokenizer.count_tokens)
    extract_bible(store)
    project = Project(store, tokenizer.count_tokens)
    assert "[Characters: " in assemble(project, 600).text
    save_entry(store, BibleEntry(name="Ada", pronouns="she/her", source="writer"))
    assert "Ada (she/her)" in assemble(project, 600).text
