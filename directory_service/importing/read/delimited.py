"""Read delimited text (CSV, semicolon or tab separated) in any encoding, streaming its rows.

The encoding and delimiter are chosen on a sample from the start of the file: every plausible
reading of it is tried and the one that turns a row into the most known headings wins ("Hä vµ
tªn" read as TCVN3 is "Họ và tên"; read as cp1258 it is nothing).  The file is then read again
from the start through an incremental decoder, one record at a time.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from typing import Any, BinaryIO

from directory_service.importing.read.cells import cell_cleaner
from directory_service.importing.read.encoding import (
    UTF8,
    UTF16,
    DecodingError,
    byte_candidates,
    converter,
    decode_sample,
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
from directory_service.importing.rows import Issue
from directory_service.text import clean

SAMPLE_BYTES = 64 * 1024
DELIMITERS = (",", ";", "\t", "|")


def binary_error(what: str = "") -> ImportFormatError:
    """Return the error for a file that is binary data, not text."""
    return ImportFormatError(
        f"Tệp không phải văn bản, bảng tính, LDIF hay trang HTML đọc được{what}",
        f"The file is not readable text, a spreadsheet, LDIF or an HTML page{what}",
    )


def _looks_binary(text: str) -> bool:
    """Return whether decoded text is full of control characters, as binary data decodes."""
    controls = sum(1 for ch in text if ch < " " and ch not in "\t\r\n\f\v")
    return "\x00" in text or controls > len(text) // 100


def _sniffed(text: str) -> tuple[str, ...]:
    """Return the delimiters in the order to try them, csv.Sniffer's guess first."""
    try:
        guess = csv.Sniffer().sniff(text[:16384], delimiters="".join(DELIMITERS)).delimiter
    except csv.Error:
        return DELIMITERS
    return (guess, *(d for d in DELIMITERS if d != guess))


def _first_records(text: str, delimiter: str) -> list[list[str]]:
    """Return the first records of a decoded sample split on delimiter."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    records: list[list[str]] = []
    try:
        for row in reader:
            records.append(row)
            if len(records) >= HEADER_SEARCH_ROWS:
                break
    except csv.Error:
        pass
    return records


def choose_reading(sample: bytes, forced: str | None) -> tuple[str, str | None, str, str]:
    """Return (codec, legacy font, encoding name, delimiter) that read the sample's header best."""
    complete = len(sample) < SAMPLE_BYTES
    best: tuple[tuple[int | bool, ...], tuple[str, str | None, str, str]] | None = None
    decoded_any = False
    for rank, (codec, font, name) in enumerate(byte_candidates(sample, forced)):
        try:
            text = decode_sample(sample, codec)
        except DecodingError as exc:
            if forced:
                raise ImportFormatError(
                    f"Tệp không đọc được theo bảng mã {forced} ({exc}); hãy thử bảng mã khác",
                    f"The file cannot be read as {forced} ({exc}); try another encoding",
                ) from None
            continue
        if _looks_binary(text):
            continue
        decoded_any = True
        if not complete and "\n" in text:
            text = text[: text.rindex("\n") + 1]  # drop the record the sample cut in two
        to_unicode = converter(font)
        looks = vietnamese_score(to_unicode(text[:20000]))
        for order, delimiter in enumerate(_sniffed(text)):
            records = _first_records(text, delimiter)
            header = find_header([[clean(to_unicode(c)) for c in row] for row in records])
            fits = fits_header(records, header, font)
            score = (header.score if header else -1, fits, looks, -rank, -order)
            if best is None or score > best[0]:
                best = (score, (codec, font, name, delimiter))
    if not decoded_any:
        raise binary_error()
    assert best is not None
    if best[0][0] < 0:
        forced_vi = f" (bảng mã {forced})" if forced else ""
        forced_en = f" (read as {forced})" if forced else ""
        raise no_header_error(forced_vi, forced_en)
    return best[1]


SUGGEST_UNREADABLE = (
    "Xem các dòng này trong một trình soạn thảo văn bản (thường là một dấu ngoặc kép không"
    " đóng), sửa rồi nhập lại / Look at these lines in a text editor (usually a double quote"
    " that is not closed), correct them and import again"
)


def _unreadable(number: int, first: int, last: int, exc: csv.Error) -> Issue:
    """Return the Issue of a record the csv reader gave up on, with the file lines it took."""
    lines_vi = f"dòng {first}–{last}" if last > first else f"dòng {first}"
    lines_en = f"lines {first}–{last}" if last > first else f"line {first}"
    return Issue(
        row=number,
        column="",
        value="",
        reason_vi=f"Dòng không đọc được ({exc}); {lines_vi} của tệp bị bỏ qua",
        reason_en=f"The row cannot be read ({exc}); {lines_en} of the file skipped",
        suggestion=SUGGEST_UNREADABLE,
    )


def _records(reader: Any) -> Iterator[NumberedRow]:
    """Number the records of a csv reader, turning a malformed record into an Issue."""
    number = 0
    while True:
        number += 1
        first = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield number, _unreadable(number, first, reader.line_num, exc)
            number += reader.line_num - first  # number on as if each line it took were a row
            continue
        yield number, row


def read_delimited(open_binary: Callable[[], BinaryIO], forced: str | None) -> Table:
    """Return the Table of a delimited text file, choosing its encoding and delimiter."""
    with open_binary() as stream:
        sample = stream.read(SAMPLE_BYTES)
    codec, font, name, delimiter = choose_reading(sample, forced)
    text = io.TextIOWrapper(open_binary(), encoding=codec, errors="replace", newline="")
    reader = csv.reader(text, delimiter=delimiter)
    return tabulate(
        _records(reader),
        cell_cleaner(font),
        kind="csv",
        encoding=name,
        on_close=text.close,
        cell_fonts=forced is None and font is None and name in (UTF8, UTF16),
    )
