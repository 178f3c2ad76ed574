"""Clean the cells of an import file: as they are read, and before a value is used.

A reader passes every cell through ``cell_cleaner(font)`` (export quotes undone, a legacy font
converted, NFC, whitespace collapsed); the later stages pass the text they use through
``clean_cell``, which also drops invisible characters.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

from directory_service import text
from directory_service.exports.spreadsheets import unquote
from directory_service.importing.read.encoding import converter

# Zero-width spaces and joiners, soft hyphens and byte-order marks come along with text copied
# from web pages and PDF files; they are invisible and never part of a name or an address. (A soft
# hyphen is also TCVN3's "ư": the readers have converted such cells before they are cleaned here,
# see table.convert_legacy_cells.)
INVISIBLE = {c: None for c in range(0x2000, 0x2070) if unicodedata.category(chr(c)) == "Cf"} | {
    0xFEFF: None,
    0xAD: None,
    0x180E: None,
}


def clean_cell(value: str | None) -> str:
    """Return a cell's text in NFC without invisible characters, whitespace collapsed."""
    if not value:
        return ""
    if value.isascii():  # most cells, already cleaned when read: nothing invisible to drop
        return " ".join(value.split())
    return text.clean(value.translate(INVISIBLE))


def cell_cleaner(font: str | None) -> Callable[[str], str]:
    """Return the function applied to every cell: export quote, legacy font, NFC, whitespace."""
    to_unicode = converter(font)

    def read_cell(value: str) -> str:
        if not value:
            return ""
        if value[0] == "'":  # "'-ba@...": our CSV/XLSX export guards it against formulas
            value = unquote(value)
        if value.isascii():  # most cells: nothing to convert or normalise
            return " ".join(value.split())
        return text.clean(to_unicode(value))

    return read_cell
