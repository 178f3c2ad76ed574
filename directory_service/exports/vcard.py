"""vCard 4.0 (RFC 6350) contact cards of people, built with vobject."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence

import vobject

from directory_service.directory.store import PersonInfo, UnitInfo

VCARD_VERSION = "4.0"
LINE_OCTETS = 75  # RFC 6350 3.2: lines SHOULD NOT be longer than 75 octets, excluding CRLF
CRLF = "\r\n"
# A fixed namespace, so a person's UID is the same on every server and every download.
UID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_DNS, "govdir.gov.vn")


def person_uuid(uid: str) -> uuid.UUID:
    """Return the stable UUID of the person with this directory uid."""
    return uuid.uuid5(UID_NAMESPACE, uid)


def vcard_component(person: PersonInfo, units: Sequence[UnitInfo] = ()) -> vobject.base.Component:
    """Return the vobject VCARD component of a person, with units as the ORG path."""
    card = vobject.vCard()
    # Set explicitly: vobject would otherwise add its default VERSION:3.0.
    card.add("version").value = VCARD_VERSION
    card.add("kind").value = "individual"
    card.add("uid").value = person_uuid(person.uid).urn
    card.add("fn").value = person.name
    card.add("n").value = vobject.vcard.Name(
        family=person.family, given=person.given, additional=person.middle
    )
    for address in person.mail:
        email = card.add("email")
        email.value = address
        email.type_param = "work"
    if person.phone:
        tel = card.add("tel")
        tel.value = person.phone
        tel.type_paramlist = ["work", "voice"]
    if person.title:
        card.add("title").value = person.title
    if units:
        card.add("org").value = [u.name for u in units]
    return card


def fold_line(line: str, limit: int = LINE_OCTETS) -> str:
    """Return one content line folded at limit octets, never inside a UTF-8 sequence."""
    pieces, current, size = [], [], 0
    for ch in line:
        width = len(ch.encode("utf-8"))
        if size + width > limit:
            pieces.append("".join(current))
            current, size = [" "], 1
        current.append(ch)
        size += width
    pieces.append("".join(current))
    return CRLF.join(pieces)


def serialize(card: vobject.base.Component) -> str:
    """Return a VCARD component as text: CRLF line endings, folded at 75 octets."""
    # vobject decides whether to fold by counting characters, not octets, so a 60-letter
    # Vietnamese line would stay longer than 75 octets: serialize unfolded and fold here.
    unfolded = card.serialize(lineLength=10**9)
    lines = unfolded.split(CRLF)
    if lines and lines[-1] == "":
        lines.pop()
    return "".join(fold_line(line) + CRLF for line in lines)


def person_vcard(person: PersonInfo, units: Sequence[UnitInfo] = ()) -> str:
    """Return the vCard 4.0 text of a person; units are the unit path, top first."""
    return serialize(vcard_component(person, units))


def people_vcards(
    people: Iterable[PersonInfo],
    units_of: Callable[[PersonInfo], Sequence[UnitInfo]] = lambda _: (),
) -> str:
    """Return one .vcf text holding the vCards of many people."""
    return "".join(person_vcard(p, units_of(p)) for p in people)
