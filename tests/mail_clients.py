"""How each mail client builds its address-book search, replayed by the tests and benchmarks."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import ldap
import ldap.filter


def expand_netscape(template: str, typed: str) -> str:
    """Expand a Netscape/Mozilla filter template: %v all words, %v1 the first, %v2- the rest."""
    words = typed.split()
    out = template.replace("%v2-", " ".join(words[1:])).replace("%v1", words[0] if words else "")
    out = out.replace("%v", typed)
    return re.sub(r"\*{2,}", "*", out)  # an empty token leaves "**", which the client collapses


def parse_filter(text: str, start: int = 0) -> tuple[tuple, int]:
    """Parse one parenthesised filter into (operator or "=", its text, children) and its end."""
    if text[start] != "(":
        raise ValueError(f"filter expected at {start}: {text!r}")
    if text[start + 1] in "&|!":
        children, pos = [], start + 2
        while text[pos] == "(":
            child, pos = parse_filter(text, pos)
            children.append(child)
        if text[pos] != ")":
            raise ValueError(f"')' expected at {pos}: {text!r}")
        return (text[start + 1], text[start : pos + 1], children), pos + 1
    end = text.index(")", start)
    return ("=", text[start : end + 1], []), end + 1


def subfilters(node: tuple):
    """Yield a parsed filter and every filter nested in it."""
    yield node
    for child in node[2]:
        yield from subfilters(child)


def or_branches(filt: str) -> list[str]:
    """Return the text of every branch of every OR in a filter."""
    tree, _ = parse_filter(filt)
    return [child[1] for node in subfilters(tree) if node[0] == "|" for child in node[2]]


def assertions(filt: str) -> list[tuple[str, str]]:
    """Return (attribute, index type) for each assertion: eq, pres, subinitial, subany, subfinal."""
    tree, _ = parse_filter(filt)
    found = []
    for op, text, _ in subfilters(tree):
        if op != "=":
            continue
        attr, value = text[1:-1].split("=", 1)
        if value == "*":
            found.append((attr, "pres"))
        elif "*" not in value:
            found.append((attr, "eq"))
        else:
            initial, *inner, final = value.split("*")
            kinds = [("subinitial", initial), *(("subany", v) for v in inner), ("subfinal", final)]
            found.extend((attr, kind) for kind, piece in kinds if piece)
    return found


SUBSTRING_INDEX_INPUTS = ("ngu", "duc", "Đức", "nguyen", "Nguyễn", "nguyễn van", "annv.snv")
PREFIX_INDEX_INPUTS = (*SUBSTRING_INDEX_INPUTS, "an", "ng", "du")


@dataclass(frozen=True)
class MailClient:
    """One client's search: filter for typed text, base, scope, transport and controls."""

    name: str
    template: str
    escape: bool = True
    transport: str = "ldap"  # ldap, ldaps or starttls
    empty_base: bool = False
    scope: int = ldap.SCOPE_SUBTREE
    sort: bool = False
    paged: bool = False
    exact: bool = False
    # What a user types to find Nguyễn Văn An.
    inputs: tuple[str, ...] = field(default=("nguyen", "Nguyễn", "nguyễn van", "an", "annv.snv"))
    # What the no-full-scan check types: 3-letter pieces keep inner substring keys (3 bytes)
    # honest; prefix-only clients also get 2 letters (initial keys start at 2 bytes). A
    # 2-letter inner piece (*an*) has no key at all, so substring clients scan for it.
    index_inputs: tuple[str, ...] = SUBSTRING_INDEX_INPUTS

    def filter(self, typed: str) -> str:
        """Return the filter the client sends for typed text."""
        value = ldap.filter.escape_filter_chars(typed) if self.escape else typed
        return expand_netscape(self.template, value)


CLIENTS = [
    # Thunderbird: its default autocomplete filter; LDAPS only; typed text is not escaped.
    MailClient(
        "thunderbird",
        "(|(cn=*%v1*%v2-*)(mail=*%v*)(givenName=*%v1*)(sn=*%v*))",
        escape=False,
        transport="ldaps",
    ),
    # Outlook: prefix filters on the name attributes and mail; LDAPS.
    MailClient(
        "outlook",
        "(|(cn=%v*)(mail=%v*)(sn=%v*)(givenName=%v*))",
        transport="ldaps",
        index_inputs=PREFIX_INDEX_INPUTS,
    ),
    # Apple Contacts / Mail: may send an empty search base.
    MailClient(
        "apple",
        "(|(givenName=%v*)(sn=%v*)(cn=%v*)(mail=%v*))",
        empty_base=True,
        index_inputs=PREFIX_INDEX_INPUTS,
    ),
    # Roundcube with fuzzy search.
    MailClient(
        "roundcube",
        "(&(objectClass=inetOrgPerson)(|(cn=*%v*)(mail=*%v*)(sn=*%v*)(givenName=*%v*)))",
    ),
    # Evolution: StartTLS, paged results; the README tells users to pick subtree scope.
    MailClient(
        "evolution",
        "(|(cn=%v*)(sn=%v*)(givenName=%v*)(mail=%v*))",
        transport="starttls",
        paged=True,
        index_inputs=PREFIX_INDEX_INPUTS,
    ),
    # SOGo: a critical server-side sort on cn.
    MailClient(
        "sogo",
        "(|(cn=%v*)(mail=%v*)(givenName=%v*)(sn=%v*))",
        sort=True,
        index_inputs=PREFIX_INDEX_INPUTS,
    ),
    # mutt through lbdb's mutt_ldap_query: exact matches, one word (or an address) at a time.
    MailClient(
        "mutt",
        "(|(givenName=%v)(sn=%v)(cn=%v)(mail=%v))",
        exact=True,
        inputs=("nguyen", "Nguyễn", "an", "annv.snv@hanoi.gov.vn"),
        index_inputs=("nguyen", "Nguyễn", "an", "duc", "Đức", "annv.snv@hanoi.gov.vn"),
    ),
]
