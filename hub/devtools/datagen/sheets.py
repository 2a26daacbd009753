"""The technology sheets of the demo library, what a hub in Mali hands to small enterprises, in French: one
Markdown file per sheet in hub/devtools/data/library/, in the order of their names.

The generator writes them into each Mali hub it fills. A sheet's header (YAML between `---` lines) names
the topics of topics.yaml it answers (the cases and visits it can be shared in) and the partner
organisations it points to, by name; its body uses the marks of `hub.library.formatting`: "## " headings,
"- " bullets, "1. " steps, **bold** and links, one paragraph per line. Costs are indicative, in CFA francs
(XOF), as a referent would give them to an entrepreneur before any quote.
"""

from dataclasses import dataclass
from pathlib import Path

import yaml

from hub.classifications import TechnologyDomain
from hub.devtools.datagen.tables import DATA_DIR
from hub.models import TechnologySheet

LIBRARY_DIR = DATA_DIR / "library"


@dataclass(frozen=True, kw_only=True)
class SheetText:
    key: str
    title: str
    domain: str
    sectors: tuple[str, ...]
    """ISIC section codes."""
    summary: str
    body: str
    cost_min_xof: int | None
    cost_max_xof: int | None
    equipment: str
    topics: tuple[str, ...]
    """Keys of `hub.devtools.datagen.tables.TOPICS` the sheet answers."""
    partners: tuple[str, ...]
    """Names of partner organisations of `hub.devtools.datagen.tables.PARTNERS` or `LIBRARY_PARTNERS`."""
    status: str = TechnologySheet.Status.PUBLISHED


def read_sheet(path: Path) -> SheetText:
    """The sheet of a Markdown file: its header between `---` lines, then its body."""
    _, header, body = path.read_text(encoding="utf-8").split("---\n", 2)
    fields = yaml.safe_load(header)
    return SheetText(
        **fields
        | {
            "domain": TechnologyDomain(fields["domain"]),
            "sectors": tuple(fields["sectors"]),
            "topics": tuple(fields["topics"]),
            "partners": tuple(fields["partners"]),
            "status": TechnologySheet.Status(fields.get("status", TechnologySheet.Status.PUBLISHED)),
        },
        body=body.strip("\n"),
    )


SHEETS = [read_sheet(path) for path in sorted(LIBRARY_DIR.glob("*.md"))]
SHEETS_BY_TITLE = {sheet.title: sheet for sheet in SHEETS}
