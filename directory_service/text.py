"""Vietnamese text handling: NFC normalisation and diacritic folding."""

from __future__ import annotations

import unicodedata

from anyascii import anyascii


def nfc(text: str) -> str:
    """Return text in Unicode NFC, the form everything is stored in."""
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """Return text transliterated to ASCII (đ -> d), case kept, for diacritic-free matching."""
    return anyascii(nfc(text))
