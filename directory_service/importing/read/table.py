"""What a reader hands on: the Table of rows read from a file, and the error for bad files."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from types import TracebackType

from directory_service.importing.messages import legacy_font_issue
from directory_service.importing.read.encoding import (
    converter,
    legacy_reading,
    reads_as_vietnamese,
    vietnamese_score,
)
from directory_service.importing.read.headers import HEADER_SEARCH_ROWS, Header, find_header
from directory_service.importing.read.layout import SECTION, body_rows
from directory_service.importing.rows import (
    FAMILY,
    GIVEN,
    MIDDLE,
    NAME,
    TITLE,
    UNIT,
    UNIT_CODE,
    Issue,
    SourceRow,
)
from directory_service.text import clean

# A source row as a reader yields it: its 1-based number in the file and its cells, or the Issue
# that says why it could not be read at all.
NumberedRow = tuple[int, list[str] | Issue]
# Columns whose cells are read one by one as TCVN3 or VNI text when that is what they hold, in a
# file that is Unicode as a whole (a name pasted from an old document).
LEGACY_CHECKED = (NAME, FAMILY, MIDDLE, GIVEN, TITLE, UNIT)


class ImportFormatError(Exception):
    """Raised when a file cannot be read at all; the message is in Vietnamese and English."""

    def __init__(self, reason_vi: str, reason_en: str) -> None:
        super().__init__(f"{reason_vi} / {reason_en}")
        self.reason_vi = reason_vi
        self.reason_en = reason_en


def no_header_error(detail_vi: str = "", detail_en: str = "") -> ImportFormatError:
    """Return the error for a file whose first rows hold no recognisable header."""
    return ImportFormatError(
        f"Không tìm thấy dòng tiêu đề cột (cần ít nhất cột Họ và tên và cột Địa chỉ thư điện tử) "
        f"trong {HEADER_SEARCH_ROWS} dòng đầu{detail_vi}",
        f"No header row (at least a name column and an email column) in the first "
        f"{HEADER_SEARCH_ROWS} rows{detail_en}",
    )


@dataclass
class Table:
    """Rows read from one file, streamed, with what was learnt about the file on the way."""

    kind: str  # csv, xlsx, xls, ods, ldif or html
    encoding: str  # utf-8, utf-16, cp1258, tcvn3 or vni; "unicode" for cells stored as Unicode
    header: list[str]  # the file's headings, one per column (two-row headers combined)
    columns: dict[str, str]  # heading -> canonical column, for the headings we know
    rows: Iterator[SourceRow]
    issues: list[Issue] = field(default_factory=list)  # filled as rows are consumed
    header_row: int = 0  # file row number of the (last) header row
    sheet: str | None = None  # the sheet read, for workbooks
    on_close: Callable[[], None] | None = field(default=None, repr=False)

    def close(self) -> None:
        """Stop reading and release the file."""
        close = getattr(self.rows, "close", None)
        if close is not None:
            close()
        if self.on_close is not None:
            self.on_close()

    def __enter__(self) -> Table:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def fits_header(rows: list[list[str]], header: Header | None, font: str | None) -> bool:
    """Return False for a legacy font when the header, as it stands, is accented Vietnamese.

    Such a header is Unicode, and so is its file: legacy-font cells in it (names pasted from an
    old document) are then read one by one, not the whole file in their font.
    """
    if font is None or header is None:
        return True
    text = clean(" ".join(" ".join(row) for row in rows[header.first : header.last + 1]))
    return text.isascii() or not reads_as_vietnamese(text)


def choose_font(
    rows: list[list[str]], fonts: Iterable[str | None]
) -> tuple[str | None, Header | None]:
    """Return the legacy font (or None) whose reading of rows finds the best header, and it."""
    best: tuple[tuple[int, bool, int], str | None, Header | None] | None = None
    for font in fonts:
        to_unicode = converter(font)
        cleaned = [[clean(to_unicode(c)) for c in row] for row in rows]
        header = find_header(cleaned[:HEADER_SEARCH_ROWS])
        score = (
            header.score if header else -1,
            fits_header(rows, header, font),
            vietnamese_score(" ".join(" ".join(row) for row in cleaned)),
        )
        if best is None or score > best[0]:
            best = (score, font, header)
    assert best is not None
    return best[1], best[2]


def convert_legacy_cells(
    rows: Iterable[SourceRow], issues: list[Issue], columns: Iterable[str] = LEGACY_CHECKED
) -> Iterator[SourceRow]:
    """Yield rows with their name, title and unit cells in TCVN3 or VNI converted and flagged."""
    columns = tuple(columns)
    for row in rows:
        values = row.values
        for column in columns:
            value = values.get(column)
            if value and not value.isascii() and (reading := legacy_reading(value)):
                issues.append(legacy_font_issue(row.number, column, value, *reading))
                values[column] = reading[1]
        section = row.raw.get(SECTION)
        if section and not section.isascii() and not values.get(UNIT) and not values.get(UNIT_CODE):
            if reading := legacy_reading(section):  # the section heading names the row's unit
                issues.append(legacy_font_issue(row.number, UNIT, section, *reading))
                row.raw[SECTION] = reading[1]
        yield row


def _once(release: Callable[[], None] | None) -> Callable[[], None]:
    """Return a function that calls release the first time only (a workbook closes once)."""
    pending = [release] if release else []

    def call() -> None:
        while pending:
            pending.pop()()

    return call


def tabulate(
    source: Iterator[NumberedRow],
    clean_cell: Callable[[str], str],
    *,
    kind: str,
    encoding: str,
    sheet: str | None = None,
    on_close: Callable[[], None] | None = None,
    cell_fonts: bool = False,
) -> Table:
    """Find the header among the first rows of source and return the Table of the rows below.

    With cell_fonts (a file read as Unicode, no --encoding given) name, title and unit cells in
    TCVN3 or VNI are converted one by one and flagged.
    """
    on_close = _once(on_close)
    issues: list[Issue] = []
    head: list[tuple[int, list[str]]] = []
    try:
        for number, cells in source:
            if isinstance(cells, Issue):
                issues.append(cells)
            else:
                head.append((number, [clean_cell(c) for c in cells]))
            if len(head) >= HEADER_SEARCH_ROWS:
                break
        header = find_header([cells for _, cells in head])
        if header is None:
            raise no_header_error()
    except BaseException:
        on_close()
        raise
    rest = head[header.last + 1 :]
    checked = [c for c in LEGACY_CHECKED if c in header.columns]

    def cleaned() -> Iterator[tuple[int, list[str] | Issue]]:
        yield from rest
        for number, cells in source:
            yield number, cells if isinstance(cells, Issue) else [clean_cell(c) for c in cells]

    def stream() -> Iterator[SourceRow]:
        try:
            rows = body_rows(cleaned(), header, issues)
            yield from convert_legacy_cells(rows, issues, checked) if cell_fonts else rows
        finally:
            on_close()

    return Table(
        kind=kind,
        encoding=encoding,
        header=header.keys,
        columns={k: c for k, c in zip(header.keys, header.columns, strict=True) if c},
        rows=stream(),
        issues=issues,
        header_row=head[header.last][0],
        sheet=sheet,
        on_close=on_close,
    )
