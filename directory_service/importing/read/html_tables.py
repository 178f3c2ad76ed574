"""Read the staff table of a saved web page (or one fetched by URL) with the stdlib HTML parser.

Pages publishing staff lists hold other tables too (layout, contacts of the webmaster); every
table is read, its row and column spans laid out on a grid, and the one whose header matches the
most known headings is taken.  A cell spanning several rows repeats its value in each (a unit cell
beside its people); a cell spanning columns fills only the first, as merged spreadsheet cells do.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

from directory_service.importing.read.cells import cell_cleaner
from directory_service.importing.read.encoding import (
    CP1258,
    UTF8,
    UTF16,
    bom_encoding,
    byte_candidates,
    converter,
    font_candidates,
    vietnamese_score,
)
from directory_service.importing.read.headers import HEADER_SEARCH_ROWS, find_header
from directory_service.importing.read.table import (
    ImportFormatError,
    NumberedRow,
    Table,
    fits_header,
    no_header_error,
    tabulate,
)
from directory_service.text import clean

_MAX_SPAN = 1000
_BLOCK_TAGS = frozenset({"br", "p", "div", "li", "tr", "hr"})
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


@dataclass
class _Cell:
    """A table cell being read: its spans and its text so far."""

    rowspan: int
    colspan: int
    parts: list[str] = field(default_factory=list)


@dataclass
class _Table:
    """A table being read: its finished rows and the row and cell open now."""

    rows: list[list[_Cell]] = field(default_factory=list)
    row: list[_Cell] | None = None
    cell: _Cell | None = None

    def end_cell(self) -> None:
        """Close the open cell."""
        self.cell = None

    def end_row(self) -> None:
        """Close the open row, keeping it."""
        self.cell = None
        if self.row is not None:
            self.rows.append(self.row)
        self.row = None


def _span(value: str | None) -> int:
    """Return a rowspan or colspan attribute as a sane positive number."""
    try:
        return min(max(int(value or 1), 1), _MAX_SPAN)
    except ValueError:
        return 1


class _TableParser(HTMLParser):
    """Collect the cells of every table of a page, nested tables each on their own."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[_Cell]]] = []
        self._open: list[_Table] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skipping += 1
            return
        if tag == "table":
            self._open.append(_Table())
            return
        if not self._open:
            return
        table = self._open[-1]
        if tag == "tr":
            table.end_row()
            table.row = []
        elif tag in ("td", "th"):
            if table.row is None:
                table.row = []
            spans = dict(attrs)
            table.cell = _Cell(_span(spans.get("rowspan")), _span(spans.get("colspan")))
            table.row.append(table.cell)
        elif tag in _BLOCK_TAGS and table.cell is not None:
            table.cell.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skipping = max(self._skipping - 1, 0)
            return
        if not self._open:
            return
        table = self._open[-1]
        if tag == "table":
            table.end_row()
            self.tables.append(self._open.pop().rows)
        elif tag in ("td", "th"):
            table.end_cell()
        elif tag in ("tr", "thead", "tbody", "tfoot"):
            table.end_row()

    def handle_data(self, data: str) -> None:
        if self._skipping or not self._open:
            return
        cell = self._open[-1].cell
        if cell is not None:
            cell.parts.append(data)


def lay_out(rows: list[list[_Cell]]) -> list[list[str]]:
    """Return a table's rows on a grid, with row and column spans resolved."""
    grid: list[list[str]] = []
    carried: dict[int, list] = {}  # column -> [rows still covered, value]
    for cells in rows:
        out = {column: value for column, (_, value) in carried.items()}
        spans: dict[int, list] = {}
        column = 0
        for cell in cells:
            while column in out:
                column += 1
            text = "".join(cell.parts)
            for k in range(cell.colspan):
                out[column + k] = text if k == 0 else ""
                if cell.rowspan > 1:
                    spans[column + k] = [cell.rowspan - 1, text if k == 0 else ""]
            column += cell.colspan
        carried = {c: [left - 1, v] for c, (left, v) in carried.items() if left > 1}
        carried.update(spans)
        width = max(out, default=-1) + 1
        grid.append([out.get(c, "") for c in range(width)])
    return grid


def parse_tables(text: str) -> list[list[list[str]]]:
    """Return every table of an HTML document as a grid of cell texts."""
    parser = _TableParser()
    parser.feed(text)
    parser.close()
    while parser._open:  # tables left open by a truncated page
        table = parser._open.pop()
        table.end_row()
        parser.tables.append(table.rows)
    return [lay_out(rows) for rows in parser.tables if rows]


def declared_charset(data: bytes, http_charset: str | None) -> str | None:
    """Return the charset the server or a <meta> tag declares, when Python knows it."""
    match = _META_CHARSET.search(data[:8192])
    for label in (http_charset, match.group(1).decode("ascii") if match else None):
        if label:
            try:
                return codecs.lookup(label).name
            except LookupError:
                continue
    return None


def _readings(data: bytes, forced: str | None, http_charset: str | None) -> list[tuple]:
    """Return the (codec, legacy font, encoding name) readings worth trying on a page."""
    if forced in (UTF8, UTF16, CP1258):
        codec = {UTF8: "utf-8-sig", UTF16: "utf-16", CP1258: "cp1258"}[forced]
        try:
            data.decode(codec)
        except UnicodeDecodeError as exc:
            raise ImportFormatError(
                f"Trang không đọc được theo bảng mã {forced} (byte {exc.start})",
                f"The page cannot be read as {forced} (byte {exc.start})",
            ) from None
        return [(codec, None, forced)]
    declared = None if bom_encoding(data) else declared_charset(data, http_charset)
    if declared is None:
        return byte_candidates(data[: 64 * 1024], forced)
    name = {"utf-8": UTF8, "utf-16": UTF16, "cp1258": CP1258}.get(declared, declared)
    return [(declared, f, f or name) for f in font_candidates(forced)]


def _numbered(grid: list[list[str]]) -> Iterator[NumberedRow]:
    """Yield a grid's rows with their 1-based row numbers."""
    for index, row in enumerate(grid):
        yield index + 1, row


def read_html(data: bytes, forced: str | None, http_charset: str | None = None) -> Table:
    """Return the Table of the page's table whose header best matches known headings."""
    best = None
    for rank, (codec, font, name) in enumerate(_readings(data, forced, http_charset)):
        tables = parse_tables(data.decode(codec, errors="replace"))
        to_unicode = converter(font)
        for order, grid in enumerate(tables):
            head = [[clean(to_unicode(c)) for c in row] for row in grid[:HEADER_SEARCH_ROWS]]
            header = find_header(head)
            if header is None:
                continue
            looks = vietnamese_score(" ".join(" ".join(row) for row in head))
            score = (header.score, fits_header(grid, header, font), looks, -rank, -order)
            if best is None or score > best[0]:
                best = (score, grid, font, name)
    if best is None:
        raise no_header_error(" của bảng nào trong trang", " of any table on the page")
    _, grid, font, name = best
    unicode = forced is None and font is None and name in (UTF8, UTF16)
    return tabulate(
        _numbered(grid), cell_cleaner(font), kind="html", encoding=name, cell_fonts=unicode
    )
