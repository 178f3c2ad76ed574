"""Split a mail cell into addresses, repair the typos that are certain, and check the syntax.

The syntax accepted is a conservative subset of RFC 5322 ``addr-spec``: an ASCII dot-atom local
part (no quoted strings, no comments) and a domain of at least two DNS labels with an alphabetic
top-level label. Anything else is reported, never guessed at.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from directory_service.importing.messages import (
    MAIL_BAD_DOMAIN,
    MAIL_BAD_LOCAL,
    MAIL_NO_AT,
    MAIL_NON_ASCII,
    MAIL_TOO_LONG,
)
from directory_service.importing.read.cells import INVISIBLE
from directory_service.reference.mail_providers import PERSONAL_DOMAINS
from directory_service.reference.mail_providers import PERSONAL_PARENTS as _PERSONAL_PARENTS
from directory_service.text import fold

# Domain typos whose correction is certain: no such service exists under the mistyped name.
DOMAIN_TYPOS = {
    "gmail.con": "gmail.com",
    "gmail.cm": "gmail.com",
    "gmail.com.vn": "gmail.com",
    "gmai.com": "gmail.com",
    "gmial.com": "gmail.com",
    "gamil.com": "gmail.com",
    "yahoo.con": "yahoo.com",
    "yahoo.com.vm": "yahoo.com.vn",
    "hotmail.con": "hotmail.com",
}

MAX_LOCAL = 64
MAX_ADDRESS = 254

# Problems with a candidate address: their codes are the messages' keys.
NO_AT = MAIL_NO_AT
NON_ASCII = MAIL_NON_ASCII
BAD_LOCAL = MAIL_BAD_LOCAL
BAD_DOMAIN = MAIL_BAD_DOMAIN
TOO_LONG = MAIL_TOO_LONG

_LABEL = re.compile(r"^(?:e-?mail|mail|thư điện tử|địa chỉ)\s*:\s*", re.IGNORECASE)
_MAILTO = re.compile(r"mailto\s*:\s*", re.IGNORECASE)
_BRACKETS = re.compile(r"[<>()\[\]\"“”]")
_SEPARATORS = re.compile(r"[;,/|\n\r\t]+|\s+(?:và|hoặc|and|or)\s+", re.IGNORECASE)
# "gov,vn" and "hanoi,gov.vn": a comma typed for the dot. It is marked before the cell is split
# on commas, and the mark turned back into a dot (and reported) in the address it belongs to.
_COMMA_MARK = "\ue000"
_COMMA_TYPOS = (
    re.compile(r"(?<=\bgov)\s*,\s*(?=vn(?![\w@]))", re.IGNORECASE),
    re.compile(r"(?<=[\w-])\s*,\s*(?=gov\.vn(?![\w@]))", re.IGNORECASE),
)
# A cell of plain ASCII addresses separated by ";" or ",": the common case, split directly. An
# address does not start with a quote: one there is punctuation (a spreadsheet's text marker, as
# in "'an@..."), stripped on the general path like the quotes around a word.
_PLAIN_ADDRESS = (
    r"[A-Za-z0-9!#$%&*+=?^_{|}~.-][A-Za-z0-9!#$%&'*+=?^_`{|}~.-]*"
    r"@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"
)
_PLAIN_CELL = re.compile(rf"^\s*{_PLAIN_ADDRESS}(?:\s*[;,]\s*{_PLAIN_ADDRESS})*\s*$")
_PLAIN_SEPARATOR = re.compile(r"\s*[;,]\s*")
_LOCAL = re.compile(r"^[a-z0-9!#$%&'*+=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+=?^_`{|}~-]+)*$")
_DOMAIN_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")


@dataclass
class Candidate:
    """One piece of a mail cell: as written, as repaired, and what is wrong with it."""

    written: str
    address: str
    fixes: list[str] = field(default_factory=list)  # how it was repaired, e.g. "gov,vn -> gov.vn"
    problem: str | None = None


def _glue(chunk: str) -> list[str]:
    """Return a chunk's words joined where spaces were typed around "@" or "." of one address."""
    out: list[str] = []
    for word in chunk.split():
        if out:
            last = out[-1]
            around = last.endswith(("@", ".")) or word.startswith(("@", "."))
            if around and not ("@" in last and "@" in word):
                out[-1] = last + word
                continue
        out.append(word)
    return out


def _repair(address: str) -> tuple[str, list[str]]:
    """Return an address with certain typos repaired, and the repairs made."""
    fixes = []
    stripped = address.rstrip(".")
    if stripped != address:
        fixes.append(f"{address} -> {stripped}")
        address = stripped
    local, at, domain = address.rpartition("@")
    if at:
        repaired = re.sub(r"\.{2,}", ".", domain)
        if repaired.endswith(".govvn"):
            repaired = repaired[: -len("govvn")] + "gov.vn"
        repaired = DOMAIN_TYPOS.get(repaired, repaired)
        if repaired != domain:
            fixes.append(f"{domain} -> {repaired}")
            address = f"{local}@{repaired}"
    return address, fixes


def problem(address: str) -> str | None:
    """Return what is wrong with an address (NO_AT, NON_ASCII, ...), or None when it is valid."""
    return local_problem(address) or domain_problem(address.rpartition("@")[2])


def local_problem(address: str) -> str | None:
    """Return what is wrong with an address but its domain, or None."""
    if "@" not in address:
        return NO_AT
    if not address.isascii():
        return NON_ASCII
    if len(address) > MAX_ADDRESS:
        return TOO_LONG
    local = address.rpartition("@")[0]
    if not local or len(local) > MAX_LOCAL or not _LOCAL.match(local):
        return BAD_LOCAL
    return None


def domain_problem(domain: str) -> str | None:
    """Return BAD_DOMAIN when an address's domain is malformed, else None."""
    labels = domain.split(".")
    if len(labels) < 2 or not all(_DOMAIN_LABEL.match(label) for label in labels):
        return BAD_DOMAIN
    if not labels[-1].isalpha() or len(labels[-1]) < 2:
        return BAD_DOMAIN
    return None


def is_personal(address: str) -> bool:
    """Return whether an address is on a personal (non-government) mail service."""
    domain = address.rpartition("@")[2]
    return domain in PERSONAL_DOMAINS or domain.endswith(tuple("." + p for p in _PERSONAL_PARENTS))


def split_cell(cell: str) -> list[Candidate]:
    """Return the candidate addresses of a mail cell, lower-cased and repaired, in order."""
    if _PLAIN_CELL.match(cell):
        return [_candidate(word, word) for word in _PLAIN_SEPARATOR.split(cell.strip())]
    value = unicodedata.normalize("NFKC", cell).translate(INVISIBLE)
    value = _BRACKETS.sub(" ", _MAILTO.sub(" ", value))
    for pattern in _COMMA_TYPOS:
        value = pattern.sub(_COMMA_MARK, value)
    out: list[Candidate] = []
    for chunk in _SEPARATORS.split(value):
        for word in _glue(_LABEL.sub("", chunk.strip())):
            word = word.strip("'`:;")
            if not word:
                continue
            out.append(_candidate(word.replace(_COMMA_MARK, ","), word.replace(_COMMA_MARK, ".")))
    return out


def _candidate(written: str, word: str) -> Candidate:
    """Return the candidate for one word of a cell, repaired, reporting a comma read as a dot."""
    address, fixes = _repair(word.lower())
    if written != word:
        fixes.insert(0, f"{written.lower()} -> {word.lower()}")
    return Candidate(written, address, fixes, problem(address))


def problem_suggestion(found: str, address: str, domain: str | None) -> str:
    """Return the advice for an address with a syntax problem."""
    if found == NON_ASCII:
        folded = fold(address).lower()
        if problem(folded) is None:
            return f"Có phải / Did you mean: {folded}"
    example = f"ten@{domain}" if domain else "ten@donvi.gov.vn"
    return f"Ghi theo dạng / Write it as: {example}"
