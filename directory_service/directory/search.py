"""Search people by name, email or title in Vietnamese, with or without diacritics."""

from __future__ import annotations

from dataclasses import dataclass, field

import ldap.filter

from directory_service.directory.store import (
    PERSON_ATTRS,
    Directory,
    PersonInfo,
    UnitInfo,
    person_from_entry,
    person_order_fields,
)
from directory_service.directory.unit_names import UnitReading
from directory_service.entries.build import PREFIX_MAX, UNIT_RDN
from directory_service.reference.positions import title_rank
from directory_service.text import clean, fold_key, search_words, sort_key_parts, tone_key

MAX_QUERY_CHARS = 200
MAX_WORDS = 8
MIN_WORD_CHARS = 2  # a one-letter word cannot use the substring indexes (slapd would scan)
CANDIDATE_LIMIT = 100  # ranked per query: each candidate costs slapd an entry decode
EXACT_LIMIT = 100  # people with exactly the name typed, added when the candidates were cut
UNIT_MATCHES_MIN = 20  # people of a unit the query names, after name matches that filled the list
MAX_UNITS_PER_WORD = 200  # a word naming more units than this is too vague to narrow by unit
UNIT_RESULTS = 5  # units listed above the people (each with its people count)
MAX_UNIT_NAMES = 3  # names standing for more units than MAX_UNITS_PER_WORD in a people search
READINGS_TRIED = 3  # readings of the units a query names tried when one finds nobody

EXACT, ALL_WORDS, ALL_PREFIX, TITLE, PARTIAL = 0, 1, 2, 3, 4


class QueryError(ValueError):
    """The query cannot be searched: too long, or nothing searchable in it."""


@dataclass
class SearchPage:
    """One page of ranked results."""

    query: str
    people: list[PersonInfo]
    page: int
    per_page: int
    total: int
    more: bool  # True when the candidate set was cut by a size limit: total is a lower bound
    units: list[UnitInfo] = field(default_factory=list)  # the units the query names, first few
    units_total: int = 0  # how many units the query names

    @property
    def has_next(self) -> bool:
        """Return whether a next page exists."""
        return self.page * self.per_page < self.total


def query_words(query: str) -> list[str]:
    """Return the folded, lower-case words of a query, or raise QueryError."""
    if len(query) > MAX_QUERY_CHARS:
        raise QueryError(f"query longer than {MAX_QUERY_CHARS} characters")
    words = search_words(clean(query.replace("\0", " ")))
    words = [w for w in words if len(w) >= MIN_WORD_CHARS and w != "_"]
    return words[:MAX_WORDS]


def accented_words(query: str) -> list[str]:
    """Return the lower-case words of a query that carry diacritics (they rank exact matches up)."""
    return [w for w in clean(query).lower().split() if fold_key(w) != w]


def name_word_filter(word: str) -> str:
    """Return the filter for a word that starts a word of a person's name.

    Entries hold each name word's beginnings up to PREFIX_MAX letters; a longer query word
    is looked up by its first PREFIX_MAX, and ranking tells the rest apart.
    """
    return ldap.filter.filter_format("(govdirNamePrefix=%s)", [word[:PREFIX_MAX]])


def any_word_filter(word: str, unit_codes: list[str] = ()) -> str:
    """Return the filter for a word that starts a name or title word, an address, or is a unit's."""
    w = ldap.filter.escape_filter_chars(word)
    if "@" in word:
        return f"(mail={w}*)"
    p = ldap.filter.escape_filter_chars(word[:PREFIX_MAX])
    units = "".join(
        ldap.filter.filter_format("(govdirUnitPath=%s)", [c]) for c in (word, *unit_codes)
    )
    return f"(|(govdirNamePrefix={p})(mail={w}*)(govdirTitlePrefix={p}){units})"


def units_named(directory: Directory, word: str) -> list[str]:
    """Return the codes of units with a name word starting with word, or [] if too many."""
    codes = directory.unit_words().starting(word)
    return codes if len(codes) <= MAX_UNITS_PER_WORD else []


def unit_phrase(directory: Directory, words: list[str]) -> tuple[int, int, list[str]] | None:
    """Return (start, length, codes) of the longest run of 2+ words that names a few units.

    An address ("annv@hanoi.gov.vn") ends a run: no unit name has a word with "@" in it.
    """
    return directory.unit_words().longest_run(words, MAX_UNITS_PER_WORD)


def unit_name_phrase(directory: Directory, words: list[str]) -> tuple[int, int, list[str]] | None:
    """Return (start, length, codes) of the longest run of 2+ words that ends a few units' names.

    Whole words only ("thanh hoa" for Tỉnh Thanh Hóa, not "thi hoa" for Xã Thiệu Hóa), looked up
    in a cached table, so every query whose words match names can afford the check; of two
    runs as long, the later one wins (a place is typed after the name).
    """
    endings = directory.unit_words().endings
    for length in range(len(words), 1, -1):
        for start in range(len(words) - length, -1, -1):
            codes = endings.get(tuple(words[start : start + length]), [])
            if 0 < len(codes) <= MAX_UNITS_PER_WORD:
                return start, length, codes
    return None


def _scope(unit_code: str | None) -> list[str]:
    """Return the filter terms every people search starts with: not left, inside the unit."""
    parts = ["(!(govdirStatus=left))"]
    if unit_code:
        parts.append(ldap.filter.filter_format("(govdirUnitPath=%s)", [unit_code]))
    return parts


def people_filter(
    words: list[str],
    unit_code: str | None = None,
    unit_codes: dict[str, list[str]] | None = None,
    in_units: list[str] | None = None,
) -> str:
    """Return the LDAP filter for people matching every word, optionally inside a unit.

    Without unit_codes only names are searched; with it (a word -> unit codes map) each word
    may also match a title, an address, or the name or code of a unit above the person.
    in_units (from a phrase naming units, "tay ho") requires one of those units above.
    """
    # Only people carry govdirNamePrefix, so a names-only filter needs no objectClass term
    # (intersecting with a million-entry objectClass list costs more than it saves).
    parts = _scope(unit_code)
    if unit_codes is not None or not words:  # units carry govdirUnitPath too
        parts.insert(0, "(objectClass=govdirPerson)")
    if in_units:
        terms = (ldap.filter.filter_format("(govdirUnitPath=%s)", [c]) for c in in_units)
        parts.append("(|" + "".join(terms) + ")")
    for w in words:
        parts.append(
            name_word_filter(w) if unit_codes is None else any_word_filter(w, unit_codes.get(w, []))
        )
    return "(&" + "".join(parts) + ")"


def whole_words_filter(words: list[str], unit_code: str | None = None) -> str:
    """Return the LDAP filter for people with every word as a whole word of their name."""
    return "(&" + "".join(_scope(unit_code)) + _whole_word_terms(words) + ")"


def prefix_only_filter(words: list[str], unit_code: str | None = None) -> str:
    """Return the LDAP filter for people whose name words start with every word, not all equal."""
    return people_filter(words, unit_code)[:-1] + "(!(&" + _whole_word_terms(words) + ")))"


def _whole_word_terms(words: list[str]) -> str:
    terms = (ldap.filter.filter_format("(govdirNameWord=%s)", [w]) for w in dict.fromkeys(words))
    return "".join(terms)


def rank(person: PersonInfo, words: list[str], accented: list[str]) -> tuple[int, int]:
    """Return (match rank, diacritic rank) of a person for a query, lower is better."""
    return _rank(person.name, person.title, words, accented)


def _rank(name: str, title: str, words: list[str], accented: list[str]) -> tuple[int, int]:
    tokens = fold_key(name).split()
    if words == tokens:
        level = EXACT
    else:
        level = _word_level(tokens, words)
        if level == PARTIAL and fold_key(title).startswith(" ".join(words)):
            level = TITLE
    if not accented:
        return level, 0
    name_words = {tone_key(w) for w in clean(name).split()}
    exact_accents = sum(1 for w in accented if tone_key(w) in name_words)
    return level, -exact_accents


def _word_level(tokens: list[str], words: list[str]) -> int:
    """Return ALL_WORDS if each word is a different name word, ALL_PREFIX if each starts one."""
    remaining = list(tokens)
    prefixes = []
    for w in words:
        if w in remaining:
            remaining.remove(w)
        else:
            prefixes.append(w)
    for w in prefixes:
        hit = next((t for t in remaining if t.startswith(w)), None)
        if hit is None:
            return PARTIAL
        remaining.remove(hit)
    return ALL_PREFIX if prefixes else ALL_WORDS


def _with_exact_matches(
    directory: Directory, entries: list, words: list[str], unit_code: str | None
) -> list:
    """Return entries plus the people whose whole name is the query (a cut list may lack them)."""
    parts = [*_scope(unit_code), ldap.filter.filter_format("(cn=%s)", [" ".join(words)])]
    exact, _ = directory.search("(&" + "".join(parts) + ")", PERSON_ATTRS, limit=EXACT_LIMIT)
    seen = {dn for dn, _ in entries}
    return entries + [e for e in exact if e[0] not in seen]


def search_people(
    directory: Directory, query: str, unit_code: str | None = None, page: int = 1,
    per_page: int = 20,
) -> SearchPage:  # fmt: skip
    """Return a ranked page of people matching query, Vietnamese order within each rank.

    A query that names a unit, with or without the places above it ("sở nội vụ hà nội",
    "giám đốc sở nội vụ hà nội", "nguyễn văn an bộ tài chính"), lists that unit's people
    matching the other words, title holders first; the units come with the page. Otherwise
    names come first: when some people's names match every word, they are the result, followed
    by the people of a unit the query names ("nguyen thanh hoa": Nguyễn in Tỉnh Thanh Hóa).
    Only when nobody's name matches may words also match titles ("giam doc so"), unit names
    and codes, and addresses, so a common word cannot crowd named people out.
    """
    words = query_words(query)
    if not words:
        return SearchPage(query, [], page, per_page, 0, False)
    accented = accented_words(query)
    readings = read_units(directory, query, unit_code)
    reading = readings[0] if readings else None
    ranked: list = []
    truncated = False
    by_unit = False
    strong = [r for r in readings if r.strong]
    if strong and not _has_whole_name(directory, words, unit_code):
        # A reading whose units hold nobody matching the other words gives way to the next
        # ("ngo van hai ubnd tinh nghe an": not the commune Vân Hải of Nghệ An).
        for candidate in strong[:READINGS_TRIED]:
            found = _unit_people(directory, candidate, unit_code, accented)
            if found is None:
                continue
            ranked, truncated = found
            if ranked or not candidate.rest:  # a unit may hold nobody yet
                by_unit, reading = True, candidate
                break
    if not by_unit:
        ranked, truncated = _people(directory, words, unit_code, accented)
    start = (max(page, 1) - 1) * per_page
    people = [person_from_entry(dn, attrs) for dn, attrs in ranked[start : start + per_page]]
    result = SearchPage(query, people, page, per_page, len(ranked), truncated)
    if reading is not None and (reading.strong or not reading.rest):
        result.units = [directory.unit(c) for c in reading.codes[:UNIT_RESULTS]]
        result.units_total = len(reading.codes)
    return result


def read_units(directory: Directory, query: str, unit_code: str | None = None) -> list[UnitReading]:
    """Return the likeliest readings of the units a query names inside unit_code's subtree.

    A query that holds an address names a unit only when the address is the unit's own.
    """
    has_address = any("@" in w for w in query_words(query))
    readings = directory.unit_names().readings(query, READINGS_TRIED)
    return [r for r in (_inside(directory, query, r, unit_code) for r in readings
                        if not (has_address and r.rest)) if r is not None]  # fmt: skip


def _inside(
    directory: Directory, query: str, reading: UnitReading, unit_code: str | None
) -> UnitReading | None:
    """Return a reading with only its units inside unit_code, by typed diacritics, or None."""
    units = directory.units()
    codes = [
        c for c in reading.codes if c in units and (not unit_code or unit_code in units[c].path)
    ]
    if not codes:
        return None
    if len(codes) > 1 and (accented := {tone_key(w) for w in accented_words(query)}):
        # Typed with diacritics, "Vạn Xuân" puts Vạn Xuân before Vân Xuân and Văn Xuân.
        codes.sort(key=lambda c: -len(accented & _name_tones(units, units[c].path)))
    return UnitReading(codes, reading.used, reading.words, reading.strong)


def _name_tones(units: dict[str, UnitInfo], path: tuple[str, ...]) -> set[str]:
    """Return the words, tone marks placed alike, of the names of the units along a path."""
    return {tone_key(w) for c in path if c in units for w in clean(units[c].name).split()}


def _people(
    directory: Directory, words: list[str], unit_code: str | None, accented: list[str]
) -> tuple[list, bool]:
    """Return (ranked entries, truncated) of people by name, else by name, title, unit or mail."""
    entries, truncated = [], False
    if not any("@" in w for w in words):
        entries, truncated = _name_candidates(directory, words, unit_code)
    if entries:
        groups = [(entries, words)]
        if span := unit_name_phrase(directory, words):
            rest, found, cut = _in_named_units(directory, words, span, unit_code, entries)
            groups.append((found, rest))
            truncated = truncated or cut
    else:
        entries, truncated = _broad_candidates(directory, words, unit_code)
        groups = [(entries, words)]
    # Ranked and sorted on the few values that decide the order; only the page shown is built.
    ranked = []
    for found, ranked_by in groups:
        ranked += sorted(found, key=lambda entry: _order(entry[1], ranked_by, accented))
    return ranked, truncated


def _has_whole_name(directory: Directory, words: list[str], unit_code: str | None) -> bool:
    """Tell whether someone's name holds every word whole ("nguyen van phong" is a name)."""
    found, _ = directory.search(whole_words_filter(words, unit_code), ["1.1"], limit=1)
    return bool(found)


def _unit_terms(directory: Directory, codes: list[str], attr: str) -> str | None:
    """Return the filter terms for people directly in (attr govdirUnitCode) or below the units.

    More units than MAX_UNITS_PER_WORD ("phòng kinh tế": every commune's) are named by their
    few names instead: a person's ou is their own unit's name. None when neither fits.
    """
    if len(codes) <= MAX_UNITS_PER_WORD:
        return "".join(ldap.filter.filter_format(f"({attr}=%s)", [c]) for c in codes)
    units = directory.units()
    names = {units[c].name for c in codes}
    if attr != UNIT_RDN or len(names) > MAX_UNIT_NAMES:
        return None
    if sum(1 for u in units.values() if u.name in names) != len(codes):
        return None  # other units have those names too
    return "".join(ldap.filter.filter_format("(ou=%s)", [n]) for n in sorted(names))


def _unit_people(
    directory: Directory, reading: UnitReading, unit_code: str | None, accented: list[str]
) -> tuple[list, bool] | None:
    """Return (ranked entries, truncated): the named units' people matching the other words.

    Without other words, the people directly in the units (else anywhere below), leaders by
    rank. With them, each word starts a word of the name, the title or the address of people
    in or below the units. Read in turn until the candidates are full: those directly in the
    units (a province's Chủ tịch is not cut by its communes' ones), those below whose name
    holds every word whole (a common name in a province), then the rest below. Titles that
    start with the words come first, by rank. None when the units cannot be searched.
    """
    rest = [w for w in reading.rest if len(w) >= MIN_WORD_CHARS][:MAX_WORDS]
    accented = [w for w in accented if fold_key(w) in rest]  # the unit's words rank no one
    scope = "".join(_scope(unit_code))
    terms = "".join(_word_terms(w) for w in rest)
    steps = [("govdirUnitCode", terms), ("govdirUnitPath", terms)]
    if rest:
        steps.insert(1, ("govdirUnitPath", _whole_word_terms(rest)))
    steps = [(_unit_terms(directory, reading.codes, attr), words) for attr, words in steps]
    if steps[0][0] is None:
        return None
    entries: list = []
    truncated = False
    for units, words in steps:
        if units is None:
            continue
        filt = f"(&(objectClass=govdirPerson){scope}(|{units}){words})"
        room = max(CANDIDATE_LIMIT - len(entries), 1)
        found, cut = directory.search(filt, PERSON_ATTRS, limit=room)
        seen = {dn for dn, _ in entries}
        entries += [e for e in found if e[0] not in seen]
        truncated = truncated or cut
        if len(entries) >= CANDIDATE_LIMIT or (entries and not rest):
            break
    return sorted(entries, key=lambda e: _unit_order(e[1], rest, accented)), truncated


def _word_terms(word: str) -> str:
    """Return the filter for a word that starts a word of a name or title, or an address."""
    w = ldap.filter.escape_filter_chars(word)
    p = ldap.filter.escape_filter_chars(word[:PREFIX_MAX])
    return f"(|(govdirNamePrefix={p})(govdirTitlePrefix={p})(mail={w}*))"


def _unit_order(attrs: dict[str, list[bytes]], rest: list[str], accented: list[str]) -> tuple:
    """Return the sort key of a unit's person: title match, name match, rank, Vietnamese order."""
    name, title, family, middle, given = person_order_fields(attrs)
    level, accents = _rank(name, "", rest, accented)
    if rest and fold_key(title).startswith(" ".join(rest)):
        level = -1  # the title typed: its holders before anyone whose name matches
    return level, accents, title_rank(title), sort_key_parts(family, middle, given)


def _name_candidates(
    directory: Directory, words: list[str], unit_code: str | None
) -> tuple[list, bool]:
    """Return (entries, truncated): people whose names match every word, best matches kept.

    Whole-word matches are fetched first ("an" finds An before Anh and Ánh). When they alone
    fill the candidate list, prefix matches could only rank below them and are not fetched,
    but the people with exactly the name typed are (a cut list may lack them). Otherwise the
    other prefix matches fill the list: at most CANDIDATE_LIMIT candidates plus exact names.
    """
    whole, cut = directory.search(
        whole_words_filter(words, unit_code), PERSON_ATTRS, limit=CANDIDATE_LIMIT
    )
    if cut:
        return _with_exact_matches(directory, whole, words, unit_code), True
    room = max(CANDIDATE_LIMIT - len(whole), 1)  # 0 would mean no limit at all
    others = prefix_only_filter(words, unit_code) if whole else people_filter(words, unit_code)
    prefix, cut = directory.search(others, PERSON_ATTRS, limit=room)
    return whole + prefix, cut


def _broad_candidates(
    directory: Directory, words: list[str], unit_code: str | None
) -> tuple[list, bool]:
    """Return (entries, truncated): people matching each word by name, title, address or unit."""
    rest, in_units = words, None
    if span := unit_phrase(directory, words):
        rest, in_units = _outside(words, span), span[2]
    units = {w: units_named(directory, w) for w in rest if "@" not in w}
    return directory.search(
        people_filter(rest, unit_code, units, in_units), PERSON_ATTRS, limit=CANDIDATE_LIMIT
    )


def _in_named_units(
    directory: Directory, words: list[str], span: tuple[int, int, list[str]],
    unit_code: str | None, named: list,
) -> tuple[list[str], list, bool]:  # fmt: skip
    """Return (other words, entries, truncated): people of the named units matching the rest.

    They fill what the name matches left of the candidate list (at least a page), and leave
    out those already among the name matches.
    """
    rest, codes = _outside(words, span), span[2]
    limit = max(CANDIDATE_LIMIT - len(named), UNIT_MATCHES_MIN)
    found, cut = directory.search(
        people_filter(rest, unit_code, in_units=codes), PERSON_ATTRS, limit=limit
    )
    seen = {dn for dn, _ in named}
    return rest, [e for e in found if e[0] not in seen], cut


def _outside(words: list[str], span: tuple[int, int, list[str]]) -> list[str]:
    """Return the words outside a unit phrase (start, length, codes)."""
    start, length, _ = span
    return words[:start] + words[start + length :]


def _order(attrs: dict[str, list[bytes]], words: list[str], accented: list[str]) -> tuple:
    """Return the sort key of a candidate entry: match rank, diacritic rank, Vietnamese order."""
    name, title, family, middle, given = person_order_fields(attrs)
    return (*_rank(name, title, words, accented), sort_key_parts(family, middle, given))
