"""The story bible and focus retrieval on the real novels."""

from __future__ import annotations

from pathlib import Path

import pytest

from memory.bible_extraction import find_entries
from memory.bible import BibleEntry, entries_mentioned, extract_bible, last_mentions, load_bible, save_entry
from memory.importer import import_text
from memory.project import Project
from memory.retrieval import focus_passages
from memory.store import ProjectStore



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


def test_a_family_name_is_as_many_people_as_its_titles_say(pride_project: Project) -> None:
    """Mr., Mrs. and Miss Bennet are three people, each with the pronoun their title gives;
    the bare "Darcy" is Mr. Darcy, whom its sentences call "he", not Miss Darcy; and the
    Colonel Forster of "Forster" is not Mrs. Forster."""
    entries = {entry.name: entry for entry in load_bible(pride_project.store)}
    for name, pronouns in (("Mr. Bennet", "he/him"), ("Mrs. Bennet", "she/her"), ("Miss Bennet", "she/her"),
                           ("Miss Darcy", "she/her"), ("Miss Bingley", "she/her"), ("Mrs. Forster", "she/her")):
        assert entries[name].pronouns == pronouns, name
    for name, alias in (("Darcy", "Mr. Darcy"), ("Bingley", "Mr. Bingley")):
        assert alias in entries[name].aliases and entries[name].pronouns == "he/him", name
    assert "Colonel Forster" in entries["Forster"].aliases and entries["Forster"].pronouns != "she/her"
    assert "George Wickham" in entries["Wickham"].aliases  # a full name joins its one-person family name
    for entry in entries.values():  # nobody carries a title of the other sex as another name
        titles = {name.split()[0].rstrip(".") for name in entry.all_names()}
        assert not (titles & {"Mr", "Sir"} and titles & {"Mrs", "Miss", "Lady"}), entry.all_names()


def test_titles_and_place_words_keep_people_apart() -> None:
    """Two Toms stay two people, a rare title of the other sex is nobody's alias, a lodge
    named for a family is a place, not one of the family, and the family is "they"."""
    text = " ".join(
        ["Then Tom Morgan spoke, and later Tom Redruth answered, and then Tom laughed."] * 4
        + ["Then Mr. Lucas rode home. He was tired, and later Lucas slept. He dreamt."] * 4
        + ["They dined at Lucas Lodge that night.", "Then Mrs. Lucas smiled.", "And the Lucases left."] * 3)
    entries = {entry.name: entry for entry in find_entries(text, 3)}
    assert {"Tom Morgan", "Tom Redruth", "Tom"} <= set(entries)
    assert entries["Tom"].aliases == []
    assert entries["Lucas Lodge"].kind == "place"
    assert "Lucas Lodge" not in entries["Lucas"].all_names()
    assert entries["Mrs. Lucas"].pronouns == "she/her"
    assert "Mrs. Lucas" not in entries["Lucas"].aliases and "Mr. Lucas" in entries["Lucas"].aliases
    assert entries["Lucases"].pronouns == "they/them"


def test_pronouns_of_a_first_person_narrators_friends(treasure_project: Project) -> None:
    entries = {entry.name: entry for entry in load_bible(treasure_project.store)}
    assert entries["Silver"].pronouns == "he/him"
    assert entries["Jim"].pronouns == "he/him"
    assert "Flint's" not in entries  # possessives fold into the name


def test_words_that_name_nobody_in_the_cast_are_no_entries(pride_project: Project, treasure_project: Project) -> None:
    """Exclamations ("God knows"), peoples and tongues ("in French") and a title on its own
    ("the Colonel") are capitalised mid-sentence, but none is a person or place of the book."""
    pride = {entry.name for entry in load_bible(pride_project.store)}
    treasure = {entry.name for entry in load_bible(treasure_project.store)}
    assert not {"God", "Heaven", "Colonel"} & pride
    assert not {"God", "Providence", "Bible", "French", "English", "Spanish"} & treasure
    assert {"Colonel Forster", "Colonel Fitzwilliam"} <= {name for entry in load_bible(pride_project.store)
                                                          for name in entry.all_names()}


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
    assert found["Mr. Collins"] == 1


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
