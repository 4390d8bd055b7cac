"""Import a manuscript into a project: the one path the app and the command line share.

The file is read and judged before the project is opened, so a refused file (empty,
binary, a folder, a mislabelled document) creates and changes nothing. The import,
its summaries and its story bible are then written while the project's writer lock
is held, so two imports into one project cannot interleave.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from engine.projects import open_project, project_path
from memory.context.bible import extract_bible
from memory.importer import ImportReport, import_decoded
from memory.manuscript_files import read_manuscript_file
from memory.project import Project


@dataclass(frozen=True)
class ImportOutcome:
    report: ImportReport
    project_file: Path
    new_summaries: int
    bible_entries: int

    def as_dict(self) -> dict[str, object]:
        return {**self.report.as_dict(), "project": str(self.project_file), "new_summaries": self.new_summaries,
                "bible_entries": self.bible_entries}


def import_into_project(name_or_path: str, manuscript: Path, model: str | None = None,
                        chunk_tokens: int | None = None, progress=None,
                        keep_open: bool = False) -> tuple[ImportOutcome, Project | None]:
    """Import ``manuscript`` into the project (created if new); returns the outcome and, if asked, the project."""
    decoded = read_manuscript_file(manuscript)
    project, tokenizer = open_project(name_or_path, model, create=True, progress=progress)
    try:
        report = import_decoded(project.store, decoded, manuscript, tokenizer.count_tokens, chunk_tokens)
        written = project.ensure_summaries()
        entries = extract_bible(project.store)
    except BaseException:
        project.close()
        raise
    outcome = ImportOutcome(report, project_path(name_or_path), written, len(entries))
    if keep_open:
        return outcome, project
    project.close()
    return outcome, None
