"""Self-contained HTML reports: sections of paragraphs, tables and Vega-Lite charts in one file.

A :class:`Report` is built up and then rendered; nothing in it refers to
another file or site (the Vega scripts of ``glyload/static/`` are inlined, the
fonts are the reader's own), so the file opens offline and can be mailed::

    report = Report("Glycemic load diary", subtitle="7 days, 21 meals")
    days = report.section("Days")
    days.chart(spec, text=["..."], caption="GL per day")
    days.table(rows, [("date", "date", None, "<"), ("gl", "GL", 1, ">")])
    report.note("Swaps compare foods at the same weight.")
    report.write("report.html")

Sections nest (``section.section("2024-03-04")``); a chart is any Vega-Lite
spec (:mod:`glyload.charts` builds them) with its text alternative, a list of
sentences read to screen readers in place of the drawing. Table columns are
:func:`glyload.output.table`'s ``(key, heading, digits, align)`` tuples.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .charts import EMBED_SCRIPT, STATIC_DIR, VEGA_SCRIPTS
from .output import format_value

TEMPLATE = "glyload_report.html"
TEMPLATES = Path(__file__).resolve().parent / "templates"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section"


@dataclass
class Block:
    """One piece of a section: ``kind`` is paragraph, table, chart or section."""

    kind: str
    content: object


@dataclass
class Section:
    heading: str
    id: str
    level: int = 2
    blocks: list[Block] = field(default_factory=list)
    _report: Report | None = field(default=None, repr=False)

    def paragraph(self, text: str, css_class: str = "") -> Section:
        """A paragraph of plain text (escaped when rendered)."""
        self.blocks.append(Block("paragraph", {"text": text, "class": css_class}))
        return self

    def table(self, rows: list[dict], columns: list[tuple], caption: str = "",
              total: dict | None = None) -> Section:
        """A table of ``rows`` with :func:`glyload.output.table`'s column tuples (and an optional total row)."""
        def cells(row):
            return [format_value(row.get(key), digits) for key, _, digits, _ in columns]

        self.blocks.append(Block("table", {
            "caption": caption,
            "headings": [(heading, align) for _, heading, _, align in columns],
            "rows": [list(zip(cells(row), (align for *_, align in columns))) for row in rows],
            "total": None if total is None else list(zip(cells(total), (align for *_, align in columns))),
        }))
        return self

    def chart(self, spec: dict, text: list[str], caption: str = "", id: str | None = None) -> Section:
        """A Vega-Lite ``spec`` drawn as SVG, with ``text`` as its screen-reader alternative."""
        id = self._report._unique(id or f"{self.id}-chart")
        self.blocks.append(Block("chart", {"id": id, "spec": spec, "text": text, "caption": caption}))
        self._report.charts += 1
        return self

    def section(self, heading: str, id: str | None = None) -> Section:
        """A subsection (one heading level down)."""
        child = Section(heading, self._report._unique(id or _slug(heading)), min(self.level + 1, 6),
                        _report=self._report)
        self.blocks.append(Block("section", child))
        return child


class Report:
    """An HTML report: a title, sections, and notes (assumptions and conventions) at the end."""

    def __init__(self, title: str, subtitle: str = ""):
        self.title = title
        self.subtitle = subtitle
        self.sections: list[Section] = []
        self.notes: list[str] = []
        self.charts = 0
        self._ids: set[str] = set()

    def _unique(self, id: str) -> str:
        candidate, n = id, 1
        while candidate in self._ids:
            n += 1
            candidate = f"{id}-{n}"
        self._ids.add(candidate)
        return candidate

    def section(self, heading: str, id: str | None = None) -> Section:
        """A new top-level section, listed in the report's contents."""
        section = Section(heading, self._unique(id or _slug(heading)), _report=self)
        self.sections.append(section)
        return section

    def note(self, text: str) -> Report:
        if text not in self.notes:
            self.notes.append(text)
        return self

    def render(self) -> str:
        from jinja2 import Environment, FileSystemLoader, select_autoescape
        from markupsafe import Markup

        env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(default=True),
                          trim_blocks=True, lstrip_blocks=True)
        scripts, licences = [], []
        if self.charts:
            licences = [(STATIC_DIR / f"{name}-LICENSE.txt").read_text(encoding="utf-8") for name in VEGA_SCRIPTS]
            licences.append((STATIC_DIR / "THIRD-PARTY-NOTICES.txt").read_text(encoding="utf-8"))
            for _, filename in VEGA_SCRIPTS.values():
                scripts.append(inline_script(STATIC_DIR / filename))
            scripts.append(inline_script(STATIC_DIR / EMBED_SCRIPT))
        return env.get_template(TEMPLATE).render(
            report=self, scripts=[Markup(s) for s in scripts], licences=licences, version=__version__,
            vega_versions=", ".join(f"{name} {version}" for name, (version, _) in VEGA_SCRIPTS.items()))

    def write(self, path) -> Path:
        path = Path(path)
        path.write_text(self.render(), encoding="utf-8")
        return path


def inline_script(path: Path) -> str:
    """A script file's text, safe to put between <script> tags."""
    text = path.read_text(encoding="utf-8")
    if re.search(r"</script|<!--", text, re.IGNORECASE):
        raise ValueError(f"{path.name} cannot be inlined: it contains '</script' or '<!--'")
    return text
