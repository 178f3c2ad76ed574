"""Clean one cell of an import file: NFC, invisible characters removed, spaces collapsed."""

from __future__ import annotations

import unicodedata

from .. import text

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
