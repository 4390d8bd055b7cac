"""The story bible and focus retrieval on the real novels."""

from __future__ import annotations

from pathlib import Path

from memory.context.bible import (
    BibleEntry,
    DatedFact,
    delete_entry,
    entries_mentioned,
    extract_bible,
    find_bible_entries,
    last_mentions,
    load_bible,
    save_entry,
)
from memory.context.retrieval import focus_passages
from memory.importer import import_text
from memory.project import Project
from memory.storage.store import ProjectStore


def _holding(entries: list[BibleEntry], name: str) -> BibleEntry:
    """The one entry that has ``name`` among its names."""
    (entry,) = [entry for entry in entries if name in entry.all_names()]
    return entry


def test_main_characters_are_found_with_aliases(pride_project: Project) -> None:
    entries = load_bible(pride_project.store)
    darcy = _holding(entries, "Darcy")
    assert "Mr. Darcy" in darcy.all_names() and darcy.pronouns == "he/him"
    elizabeth = _holding(entries, "Elizabeth")
    assert {"Lizzy", "Eliza", "Miss Elizabeth Bennet"} <= set(elizabeth.aliases)  # nicknames and rare forms
    assert elizabeth.mentions > _holding(entries, "Wickham").mentions
    assert _holding(entries, "Lydia").pronouns == "she/her"
    assert _holding(entries, "Longbourn").kind == "place"


def test_a_heroine_among_men_and_places_near_pronouns(pride_project: Project) -> None:
    """Elizabeth's sentences are full of the men she talks about, and "he rode to London"
    puts a pronoun beside a place: neither may decide a pronoun wrongly."""
    entries = load_bible(pride_project.store)
    assert _holding(entries, "Elizabeth").pronouns == "she/her"
    assert _holding(entries, "Wickham").pronouns == "he/him"
    for place in ("London", "Netherfield", "Meryton", "Hertfordshire"):
        entry = _holding(entries, place)
        assert (entry.name, entry.kind, entry.pronouns) == (place, "place", "")


def test_a_family_name_is_as_many_people_as_its_titles_say(pride_project: Project) -> None:
    """Mr. and Mrs. Bennet are two people, Miss Bennet (the eldest) is not Elizabeth, who is
    "Miss Elizabeth Bennet"; the bare "Darcy" is Mr. Darcy, not Miss Darcy; a colonel is
    nobody's first name ("Colonel Fitzwilliam" is not Mr. Fitzwilliam Darcy)."""
    entries = load_bible(pride_project.store)
    for name, pronouns in (("Mr. Bennet", "he/him"), ("Mrs. Bennet", "she/her"), ("Miss Darcy", "she/her"),
                           ("Miss Bingley", "she/her"), ("Mrs. Forster", "she/her"), ("Colonel Forster", "he/him")):
        assert _holding(entries, name).pronouns == pronouns, name
    assert len({_holding(entries, name).name for name in ("Mr. Bennet", "Mrs. Bennet", "Elizabeth")}) == 3
    assert _holding(entries, "Miss Bennet") is not _holding(entries, "Elizabeth")
    assert _holding(entries, "Darcy") is _holding(entries, "Mr. Darcy")
    assert _holding(entries, "Colonel Fitzwilliam") is not _holding(entries, "Mr. Darcy")
    for entry in entries:  # nobody carries a title of the other sex as another name
        titles = {name.split()[0].rstrip(".") for name in entry.all_names()}
        assert not (titles & {"Mr", "Sir"} and titles & {"Mrs", "Miss", "Lady"}), entry.all_names()


def test_titles_and_place_words_keep_people_apart() -> None:
    """Two Toms stay two people, a lodge named for a family is a place, not one of the family,
    and the family in the plural is a group."""
    text = " ".join(
        ["Then Tom Morgan spoke, and later Tom Redruth answered, and then Tom laughed."] * 4
        + ["Then Mr. Lucas rode home. He was tired, and later Lucas slept. He dreamt."] * 4
        + ["They dined at Lucas Lodge that night.", "Then Mrs. Lucas smiled.", "And the Lucases left."] * 3)
    entries = find_bible_entries(text, 3)
    assert _holding(entries, "Tom Morgan") is not _holding(entries, "Tom Redruth")
    assert _holding(entries, "Tom").all_names() == ["Tom"]
    assert _holding(entries, "Lucas Lodge").kind == "place"
    assert _holding(entries, "Lucas") is _holding(entries, "Mr. Lucas")
    assert _holding(entries, "Mrs. Lucas") is not _holding(entries, "Lucas")
    assert _holding(entries, "Mrs. Lucas").pronouns == "she/her"
    assert (_holding(entries, "Lucases").kind, _holding(entries, "Lucases").pronouns) == ("group", "they/them")


def test_words_written_small_are_names_only_where_a_name_shows_it() -> None:
    """A diary is a diary, though a heading capitalises it; "Will" is a man where the text
    also calls him Will Ladislaw; a city nobody calls he or she is a place."""
    text = " ".join(["I wrote in my diary that night, and the diary was full.",
                     "Later that day, in the Diary, I noted that Will Ladislaw had come to London.",
                     "Then Will smiled, and he said that he would go home soon."] * 4)
    entries = find_bible_entries(text, 3)
    assert not [entry for entry in entries if "Diary" in entry.all_names()]
    will = _holding(entries, "Will")
    assert will is _holding(entries, "Will Ladislaw") and will.pronouns == "he/him"
    assert (_holding(entries, "London").kind, _holding(entries, "London").pronouns) == ("place", "")


def test_pronouns_of_a_first_person_narrators_friends(treasure_project: Project) -> None:
    entries = load_bible(treasure_project.store)
    assert _holding(entries, "Silver").pronouns == "he/him"
    assert _holding(entries, "Jim").pronouns == "he/him"
    assert not [entry for entry in entries if "Flint's" in entry.all_names()]  # possessives fold into the name


def test_words_that_name_nobody_in_the_cast_are_no_entries(pride_project: Project, treasure_project: Project) -> None:
    """Exclamations ("God knows"), peoples and tongues ("in French") and a title on its own
    ("the Colonel") are capitalised mid-sentence, but none is a person or place of the book."""
    pride = {name for entry in load_bible(pride_project.store) for name in entry.all_names()}
    treasure = {name for entry in load_bible(treasure_project.store) for name in entry.all_names()}
    assert not {"God", "Heaven", "Colonel"} & pride
    assert not {"God", "Providence", "Bible", "French", "English", "Spanish"} & treasure
    assert {"Colonel Forster", "Colonel Fitzwilliam"} <= pride


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


def test_a_writers_corrections_survive_a_reimport(tmp_path: Path, tokenizer) -> None:
    """An entry the writer removed is not found again, and a name the writer gave one person is
    not left with the person extraction put it under."""
    store = ProjectStore(tmp_path / "book.draftsmith", create=True)
    chapter = ("Then Ada Quill walked home, and later Ada met Brom at the mill. "
               "Later the Journal lay open, and Brom read the Journal to Ada. ")
    import_text(store, "Chapter 1\n\n" + chapter * 5, tokenizer.count_tokens)
    extract_bible(store)
    names = {name for entry in load_bible(store) for name in entry.all_names()}
    assert {"Journal", "Ada Quill"} <= names
    assert delete_entry(store, "Journal")
    save_entry(store, BibleEntry(name="Miss Quill", aliases=["Ada Quill"], pronouns="she/her", source="writer"))
    import_text(store, "Chapter 1\n\n" + chapter * 6, tokenizer.count_tokens)  # the writer imports again
    entries = extract_bible(store)
    assert not [entry for entry in entries if "Journal" in entry.all_names()]
    assert [entry.name for entry in entries if "Ada Quill" in entry.all_names()] == ["Miss Quill"]
    assert _holding(entries, "Ada").source == "auto"


def test_a_fact_holds_in_the_cast_line_from_its_chapter_on(tmp_path: Path, tokenizer) -> None:
    """Ada marries in chapter 3: the cast line of chapter 2 does not know it, that of chapter 4
    does, and a change nobody confirmed counts nowhere."""
    from memory.context.assembler import assemble
    from memory.context.cursor import cursor_at

    store = ProjectStore(tmp_path / "book.draftsmith", create=True)
    body = "\n\n".join(["Then Ada Quill walked home, and later Ada met Brom at the mill by the river. " * 10] * 3)
    import_text(store, "".join(f"Chapter {n}\n\n{body}\n\n" for n in range(1, 6)), tokenizer.count_tokens)
    extract_bible(store)
    ada = _holding(load_bible(store), "Ada")
    ada.timeline = [DatedFact(3, fact="married to Brom", name="Mrs. Brom"),
                    DatedFact(4, fact="lost at sea", proposed=True)]
    save_entry(store, ada)
    project = Project(store, tokenizer.count_tokens)

    def cast_line(chapter: int) -> str:
        facts = assemble(project, 700, cursor_at(project, chapter, 2)).section("facts")
        return facts.text if facts else ""

    assert "Mrs. Brom" not in cast_line(2) and "married to Brom" not in cast_line(2)
    assert "Mrs. Brom" in cast_line(4) and "married to Brom" in cast_line(4)
    assert "lost at sea" not in cast_line(5)
    assert project.bible(at_chapter=2)[0].all_names() == project.bible()[0].all_names()


def test_entries_mentioned_counts_aliases(pride_project: Project) -> None:
    entries = load_bible(pride_project.store)
    found = dict((entry.name, hits) for entry, hits in
                 entries_mentioned(entries, "Mr. Darcy bowed. Darcy left. Elizabeth laughed at Mr. Collins."))
    assert found["Mr. Darcy"] == 2
    assert found["Elizabeth"] == 1
    assert found["Mr. Collins"] == 1


def test_last_mentions_finds_where_each_entry_is_named_last(pride_project: Project) -> None:
    entries = load_bible(pride_project.store)
    text = "Darcy bowed. Elizabeth laughed at Mr. Collins. Then Mr. Darcy left."
    last = last_mentions(entries, text)
    assert last["Mr. Darcy"] == text.index("Mr. Darcy")
    assert last["Elizabeth"] == text.index("Elizabeth")
    assert "Jane" not in last


def test_focus_retrieval_finds_earlier_sentences_about_the_scene(treasure_project: Project) -> None:
    chunks = len(treasure_project.chunks)
    passages = focus_passages(treasure_project, ["Ben Gunn"], 1, chunks - 50)
    assert passages
    assert all("Ben Gunn" in passage.sentence for passage in passages)
    assert all(1 <= passage.chunk_index < chunks - 50 for passage in passages)
    assert all(len(passage.sentence.split()) <= 30 for passage in passages)
    assert all(passage.sentence.rstrip("\"'\u201d\u2019)_")[-1] in ".!?" for passage in passages)  # whole
    assert not any(passage.sentence.endswith("\u2026") for passage in passages)


def test_focus_retrieval_respects_the_window(treasure_project: Project) -> None:
    # Ben Gunn first appears about halfway through: nothing names him in the first tenth.
    assert focus_passages(treasure_project, ["Ben Gunn"], 0, len(treasure_project.chunks) // 10) == []


def test_a_writers_edit_reaches_the_next_context(tmp_path: Path, tokenizer) -> None:
    from memory.context.assembler import assemble

    store = ProjectStore(tmp_path / "book.draftsmith", create=True)
    text = "Chapter 1\n\n" + "Then Ada Quill walked home, and later Ada met Brom at the mill. " * 40
    import_text(store, text, tokenizer.count_tokens)
    extract_bible(store)
    project = Project(store, tokenizer.count_tokens)
    assert "[Characters: " in assemble(project, 600).text
    save_entry(store, BibleEntry(name="Ada", pronouns="she/her", source="writer"))
    assert "Ada (she/her)" in assemble(project, 600).text
