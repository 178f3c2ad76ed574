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
    inputs: tuple[str, ...] = field(default=("nguyen", "Nguyễn", "nguyễn van", "an", "annv.snv"))

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
    MailClient("outlook", "(|(cn=%v*)(mail=%v*)(sn=%v*)(givenName=%v*))", transport="ldaps"),
    # Apple Contacts / Mail: may send an empty search base.
    MailClient("apple", "(|(givenName=%v*)(sn=%v*)(cn=%v*)(mail=%v*))", empty_base=True),
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
    ),
    # SOGo: a critical server-side sort on cn.
    MailClient("sogo", "(|(cn=%v*)(mail=%v*)(givenName=%v*)(sn=%v*))", sort=True),
    # mutt through lbdb's mutt_ldap_query: exact matches, one word (or an address) at a time.
    MailClient(
        "mutt",
        "(|(givenName=%v)(sn=%v)(cn=%v)(mail=%v))",
        exact=True,
        inputs=("nguyen", "Nguyễn", "an", "annv.snv@hanoi.gov.vn"),
    ),
]
