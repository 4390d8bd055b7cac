"""Commands that work on a project: import, export, summarize, context, bible."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path

from app.commands.options import open_session, positive_int
from app.progress import StderrProgress
from engine.edits.bible_edits import confirm_changes, remove_entry, set_entry
from engine.edits.importing import import_into_project
from engine.errors import ProjectError
from engine.export.exporting import (
    EXPORT_FORMATS,
    ExportOptions,
    check_export_target,
    export_bytes,
    export_to_file,
    provenance_sidecar,
    sidecar_path,
)
from engine.projects import open_project, project_path
from engine.workflows.continuation import Place, context_at
from engine.workflows.summarize import summarize_project
from memory.context.bible import KINDS, load_bible
from memory.context.summaries import summary_status
from memory.storage.store import ProjectStore
from memory.storage.store_files import ProjectReadOnlyError
from memory.storage.writer_lock import ProjectBusyError
from memory.text.printable import shown


def register(subcommands: argparse._SubParsersAction) -> None:
    _register_import(subcommands)
    _register_export(subcommands)
    _register_summarize(subcommands)
    _register_context(subcommands)
    _register_bible(subcommands)


def _project_option(parser: argparse.ArgumentParser, required: bool = True) -> None:
    parser.add_argument("--project", required=required, metavar="P",
                        help="a .draftsmith file, or a project name in the projects folder")
    parser.add_argument("--model", help="model whose tokenizer to use (default: the project's)")


# -- import -------------------------------------------------------------------

def _register_import(subcommands: argparse._SubParsersAction) -> None:
    parser = subcommands.add_parser(
        "import", help="import a manuscript (.txt, .md, .docx) into a project",
        description="Import FILE into a project, detecting parts and chapters. Importing again after "
        "editing the file keeps the summaries of everything unchanged.")
    parser.add_argument("file", type=Path)
    _project_option(parser, required=False)
    parser.add_argument("--chunk-tokens", type=positive_int, help="chunk size in tokens (default 256)")
    parser.add_argument("--json", action="store_true", help="print the import report as JSON")
    parser.set_defaults(run=run_import)


def run_import(args: argparse.Namespace) -> int:
    print(f"Importing {shown(args.file.name)}…", file=sys.stderr)
    outcome, _ = import_into_project(args.project or args.file.stem, args.file, args.model, args.chunk_tokens,
                                     progress=StderrProgress("Preparing the default model"))
    report = outcome.report
    if report.invalid_bytes:
        print(f"draftsmith: warning: {report.invalid_bytes} bytes of {shown(args.file.name)} were not valid "
              f"{report.encoding}; each run of them is marked with \ufffd in the text, so search for it "
              "to mend them.", file=sys.stderr)
    if report.control_characters:
        print(f"draftsmith: warning: {shown(args.file.name)} held {report.control_characters} invisible control "
              "characters (such as NUL, bell or escape); they are left out of the text.", file=sys.stderr)
    if args.json:
        print(json.dumps(outcome.as_dict(), indent=2))
    else:
        print(f"{outcome.project_file}: {report.parts} parts, {report.chapters} chapters, {report.words:,} words, "
              f"{report.chunks} chunks ({report.new_chunks} new) in {report.seconds:.2f} s")
    return 0


# -- export -------------------------------------------------------------------

def _register_export(subcommands: argparse._SubParsersAction) -> None:
    parser = subcommands.add_parser(
        "export", help="write the manuscript out as Markdown, text, Word or EPUB",
        description="Write the project's manuscript to --out (Markdown and text may go to stdout). An "
        "existing file is replaced only with --force, and never the project itself; the file is written "
        "whole or not at all.")
    parser.add_argument("--project", required=True, metavar="P")
    parser.add_argument("--format", choices=list(EXPORT_FORMATS),
                        help="md, txt, docx or epub (default: from --out's extension, else md)")
    parser.add_argument("--out", type=Path, help="file to write (default: stdout, for md and txt)")
    parser.add_argument("--force", action="store_true", help="replace --out if it exists")
    parser.add_argument("--manuscript", action="store_true",
                        help="docx: standard manuscript format (Courier 12 pt, double spaced, header, page breaks)")
    parser.add_argument("--chapters", metavar="N-M", help="only these chapters, e.g. 3-7 (default: all)")
    parser.add_argument("--title", help="the book's title (default: the outline's, or the project's name)")
    parser.add_argument("--author", help="the author's name (default: the project's book.author setting)")
    parser.add_argument("--language", help="the book's language code for EPUB (default: en)")
    parser.add_argument("--provenance", action="store_true",
                        help="also write OUT.provenance.json: what produced each generated passage")
    parser.set_defaults(run=run_export)


def run_export(args: argparse.Namespace) -> int:
    file_format = args.format or (args.out.suffix.lower().lstrip(".") if args.out else "md")
    if file_format not in EXPORT_FORMATS:
        file_format = "md"
    options = ExportOptions(file_format, args.manuscript, args.chapters, args.title, args.author, args.language)
    if args.out:
        print(f"Exporting to {shown(args.out.name)}…", file=sys.stderr)
        if args.provenance:  # both files are judged before either is written
            check_export_target(project_path(args.project), sidecar_path(args.out), args.force)
        outcome = export_to_file(project_path(args.project), args.out, options, args.force)
        print(f"Wrote {outcome.target} ({outcome.size:,} bytes)", file=sys.stderr)
        if args.provenance:
            sidecar = provenance_sidecar(project_path(args.project), args.out, options, args.force)
            print(f"Wrote {sidecar}", file=sys.stderr)
    elif args.provenance:
        raise ProjectError("--provenance writes a file beside the export: add --out.")
    elif file_format in ("docx", "epub"):
        raise ProjectError(f"A {file_format} file goes to a file, not the terminal: add --out BOOK.{file_format}.")
    else:
        sys.stdout.write(export_bytes(project_path(args.project), options).decode("utf-8"))
    return 0


# -- summarize ----------------------------------------------------------------

def _register_summarize(subcommands: argparse._SubParsersAction) -> None:
    parser = subcommands.add_parser(
        "summarize", help="write the model's summaries for the project (resumable)",
        description="Summarise every chunk and group with the model, bottom-up. Each summary is saved "
        "as it is written: stop any time (Ctrl-C) and run again to resume.")
    _project_option(parser)
    parser.add_argument("--server", metavar="URL", help="summarise with an OpenAI-compatible server")
    parser.add_argument("--limit", type=positive_int, help="stop after this many summaries")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.set_defaults(run=run_summarize)


def run_summarize(args: argparse.Namespace) -> int:
    project, tokenizer = open_project(args.project, args.model)
    try:
        with open_session(args, project) as session, session.stopping_on_ctrl_c() as stop:
            report = summarize_project(project, session.backend, StderrProgress("Summarizing"), stop, args.limit)
        status = summary_status(project.store, project.pyramid)
    finally:
        project.close()
    result = {**report.as_dict(), **{f"status_{k}": v for k, v in status.as_dict().items()}}
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"Wrote {report.written} summaries ({report.already_done} were already done, "
              f"{report.remaining} remain).")
    return 130 if report.cancelled else 0


# -- context ------------------------------------------------------------------

def _register_context(subcommands: argparse._SubParsersAction) -> None:
    parser = subcommands.add_parser(
        "context", help="show the prompt the memory layer builds at a position",
        description="Print the context the assembler builds for writing at --at (the end by default), "
        "or its sections with token counts and reasons as JSON.")
    _project_option(parser)
    parser.add_argument("--at", metavar="CHAPTER[:PARAGRAPH]", help="e.g. 12 or 12:5 (before paragraph 5)")
    parser.add_argument("--budget", type=positive_int, default=1024, help="token budget (default 1024)")
    parser.add_argument("--json", action="store_true", help="print the sections as JSON")
    parser.set_defaults(run=run_context)


def parse_position(text: str | None) -> tuple[int | None, int | None]:
    if not text:
        return None, None
    chapter, _, paragraph = text.partition(":")
    try:
        return int(chapter), int(paragraph) if paragraph else None
    except ValueError:
        raise ProjectError(f"--at takes CHAPTER or CHAPTER:PARAGRAPH as numbers, not {text!r}.") from None


def run_context(args: argparse.Namespace) -> int:
    try:
        project, tokenizer = open_project(args.project, args.model)
    except (ProjectBusyError, ProjectReadOnlyError) as error:
        # Busy in the app, or read-only: show the context from what is stored.
        print(f"draftsmith: note: {error.sentence} Showing the context from what is stored.", file=sys.stderr)
        project, tokenizer = open_project(args.project, args.model, read_only=True)
    try:
        context = context_at(project, args.budget, Place(*parse_position(args.at)))
    finally:
        project.close()
    if args.json:
        print(json.dumps(context.as_dict(), indent=2, ensure_ascii=False))
    else:
        for section in context.sections:
            print(f"--- {section.name}: {section.tokens} tokens ({section.reason})", file=sys.stderr)
        print(context.text)
        print(f"--- {context.total_tokens} of {context.budget} tokens", file=sys.stderr)
    return 0


# -- bible --------------------------------------------------------------------

def _register_bible(subcommands: argparse._SubParsersAction) -> None:
    parser = subcommands.add_parser("bible", help="show or edit the story bible",
                                    description="List the story bible, or edit an entry.")
    parser.add_argument("--project", required=True, metavar="P")
    parser.add_argument("--json", action="store_true", help="print the entries as JSON")
    parser.set_defaults(run=run_bible_list)
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    edit = actions.add_parser("set", help="add or change an entry (the writer's entries are kept on re-import)",
                              description="Add or change an entry; what you set is never overwritten.")
    edit.add_argument("name")
    edit.add_argument("--kind", choices=list(KINDS))
    edit.add_argument("--pronouns", help="e.g. she/her")
    edit.add_argument("--alias", action="append", default=[], help="another name (repeatable)")
    edit.add_argument("--fact", action="append", default=[], help="a fact (repeatable)")
    edit.add_argument("--from-chapter", type=_chapter_number, metavar="N",
                      help="the facts and names given hold only from chapter N on (a marriage, a death, a move)")
    edit.set_defaults(run=run_bible_set)
    confirm = actions.add_parser("confirm", help="accept an entry's proposed changes of name",
                                 description="Accept the changes extraction proposes for an entry "
                                             "(\"Miss Lucas\" becoming \"Mrs. Collins\" from a chapter on).")
    confirm.add_argument("name")
    confirm.set_defaults(run=run_bible_confirm)
    remove = actions.add_parser("remove", help="delete an entry", description="Delete an entry.")
    remove.add_argument("name")
    remove.set_defaults(run=run_bible_remove)


def _chapter_number(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"a chapter number is 1 or more, not {value!r}")
    return int(value)


def _store(args: argparse.Namespace) -> ProjectStore:
    return ProjectStore(project_path(args.project))


def run_bible_list(args: argparse.Namespace) -> int:
    with ProjectStore(project_path(args.project), read_only=True) as store:
        entries = load_bible(store)
    if args.json:
        print(json.dumps([asdict(entry) for entry in entries], indent=2, ensure_ascii=False))
    else:
        for entry in entries:
            print(f"{entry.line():60} {entry.kind:10} {entry.mentions:5}  {', '.join(entry.aliases)}")
            for dated in entry.timeline:
                print(f"    {dated.describe()}")
    return 0


def run_bible_set(args: argparse.Namespace) -> int:
    with _store(args) as store:
        entry = set_entry(store, args.name, kind=args.kind, pronouns=args.pronouns, aliases=args.alias,
                          facts=args.fact, from_chapter=args.from_chapter)
    print(entry.line())
    for dated in entry.timeline:
        print(f"    {dated.describe()}")
    return 0


def run_bible_confirm(args: argparse.Namespace) -> int:
    with _store(args) as store:
        entry = confirm_changes(store, args.name)
    for dated in entry.timeline:
        print(f"{entry.name}: {dated.describe()}")
    return 0


def run_bible_remove(args: argparse.Namespace) -> int:
    with _store(args) as store:
        remove_entry(store, args.name)
    return 0
