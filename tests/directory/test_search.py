"""Search: Vietnamese with or without diacritics, ranked, escaped, scoped to a unit."""

from __future__ import annotations

import pytest

from directory_service.directory.search import (
    ALL_PREFIX,
    ALL_WORDS,
    CANDIDATE_LIMIT,
    EXACT,
    PARTIAL,
    TITLE,
    QueryError,
    accented_words,
    any_word_filter,
    people_filter,
    prefix_only_filter,
    query_words,
    rank,
    search_people,
    whole_words_filter,
)
from directory_service.directory.store import PERSON_ATTRS, PersonInfo, person_from_entry
from directory_service.entries.build import PREFIX_MAX
from directory_service.text import fold_key, sort_key_parts
from tests.conftest import EXTRA_UNIT


def everyone(directory) -> list[PersonInfo]:
    """Return every person of the test directory."""
    entries, _ = directory.search("(objectClass=govdirPerson)", PERSON_ATTRS, limit=100_000)
    return [person_from_entry(*e) for e in entries]


def named(name: str, title: str = "") -> PersonInfo:
    """Return a PersonInfo with only a name (and a title), for ranking."""
    family, *middle, given = name.split()
    return PersonInfo(uid="", dn="", name=name, family=family, middle=" ".join(middle),
                      given=given, title=title, mail=[], phone=None, unit_code="", unit_path=(),
                      status="active")  # fmt: skip


def all_pages(directory, query: str, per_page: int, **kwargs) -> list:
    """Return every page of a search, page by page until there is no next one."""
    pages = [search_people(directory, query, page=1, per_page=per_page, **kwargs)]
    while pages[-1].has_next:
        pages.append(search_people(directory, query, page=len(pages) + 1, per_page=per_page,
                                   **kwargs))  # fmt: skip
    return pages


def test_nguyen_van_finds_nguyen_van_people(web_directory):
    page = search_people(web_directory, "nguyen van", per_page=50)
    assert page.total > 10
    assert all(fold_key(p.name).startswith("nguyen van") or "nguyen" in fold_key(p.name)
               for p in page.people)  # fmt: skip
    assert any(p.name.startswith("Nguyễn Văn ") for p in page.people)


def test_accented_upper_and_reordered_queries_find_the_same_person(web_directory):
    person = search_people(web_directory, "nguyen van", per_page=1).people[0]
    exact = search_people(web_directory, person.name, per_page=5)
    assert exact.people[0].uid == person.uid
    for variant in (fold_key(person.name), person.name.upper(), f"{person.given} {person.family}"):
        uids = [p.uid for p in search_people(web_directory, variant, per_page=200).people]
        assert person.uid in uids, variant


def test_d_with_stroke_folds(web_directory):
    page = search_people(web_directory, "dang", per_page=200)
    assert any(p.family == "Đặng" for p in page.people)


def test_ranked_then_vietnamese_order(web_directory):
    person = search_people(web_directory, "nguyen thi", per_page=1).people[0]
    query = f"{person.family} {person.given}"  # e.g. "Nguyễn Hà": Nguyễn Thị Hà, Nguyễn Hải, ...
    page = search_people(web_directory, query, per_page=500)
    words = query_words(query)
    accents = accented_words(query)
    keys = [
        (*rank(p, words, accents), sort_key_parts(p.family, p.middle, p.given)) for p in page.people
    ]
    assert keys == sorted(keys) and keys[0][0] == ALL_WORDS
    exact = search_people(web_directory, person.name, per_page=500)
    assert rank(exact.people[0], query_words(person.name), [])[0] == EXACT


def test_vietnamese_order_of_known_names(web_directory, extra_people):
    # Given name first; a ă â b c d đ e ê ...; letters before tones; tones none, huyền, hỏi,
    # ngã, sắc, nặng; "Thuỷ" (tone on the y) and "Thủy" are one name.
    assert extra_people[:6] == [
        "Ứng Thị An", "Ứng Văn An", "Ứng Thị Anh", "Ứng Thị Ánh", "Ứng Văn Ân", "Ứng Văn Bình",
    ]  # fmt: skip
    assert extra_people[6:] == [
        "Ứng Văn Dũng", "Ứng Minh Đức", "Ứng Văn Em", "Ứng Thị Hoa", "Ứng Văn Hòa", "Ứng Văn Hỏa",
        "Ứng Văn Hóa", "Ứng Ngọc Thuỷ", "Ứng Thị Thùy", "Ứng Thị Thủy", "Ứng Thị Thúy",
    ]  # fmt: skip
    page = search_people(web_directory, "ung", per_page=100)
    assert [p.name for p in page.people] == extra_people
    in_unit = search_people(web_directory, "Ứng", unit_code=EXTRA_UNIT, per_page=100)
    assert [p.name for p in in_unit.people] == extra_people


def test_rank_levels():
    person = named("Nguyễn Văn An")
    assert rank(person, ["nguyen", "van", "an"], [])[0] == EXACT
    assert rank(person, ["an", "nguyen"], [])[0] == ALL_WORDS
    assert rank(person, ["an", "nguy"], [])[0] == ALL_PREFIX
    assert rank(named("Nguyễn Văn Anh"), ["an"], [])[0] == ALL_PREFIX
    assert rank(named("An Văn Anh"), ["anh", "an"], [])[0] == ALL_WORDS
    assert rank(named("Trần Anh"), ["an", "anh"], [])[0] == PARTIAL
    assert rank(named("Trần Bình", "Giám đốc"), ["giam", "doc"], [])[0] == TITLE


def test_typed_diacritics_rank_either_tone_placement_as_exact():
    for stored in ("Lê Thị Thủy", "Lê Thị Thuỷ"):  # tone on the u, and the old style on the y
        for typed in ("thủy", "thuỷ", "THỦY"):
            assert rank(named(stored), ["thuy"], [typed])[1] == -1, (stored, typed)
    assert rank(named("Lê Thị Thúy"), ["thuy"], ["thủy"])[1] == 0  # another tone
    assert rank(named("Lê Thị Thủy"), ["thuy"], ["thuy"])[1] == 0  # nothing typed with marks


def test_whole_words_come_before_prefixes_past_the_candidate_limit(web_directory):
    people = everyone(web_directory)
    prefixed = [p for p in people if any(w.startswith("an") for w in fold_key(p.name).split())]
    whole = {p.uid for p in people if "an" in fold_key(p.name).split()}
    assert len(prefixed) > CANDIDATE_LIMIT > len(whole) > 10  # the prefix matches are cut
    page = search_people(web_directory, "an", per_page=1000)
    assert page.more and page.total == len(page.people) > len(whole)
    assert {p.uid for p in page.people[: len(whole)]} == whole  # every An, before any Anh
    assert all(any(w.startswith("an") for w in fold_key(p.name).split()) for p in page.people)
    pages = all_pages(web_directory, "an", per_page=20)
    assert [p.uid for pg in pages for p in pg.people] == [p.uid for p in page.people]
    assert pages[-1].people and pages[-1].more and not pages[-1].has_next


def test_unit_named_in_the_query_adds_its_people(web_directory):
    # "Thanh Hoa" is a given name and Tỉnh Thanh Hóa (38): both are found, names first.
    names = web_directory.search(people_filter(["nguyen", "thanh", "hoa"]), ["uid"], limit=1000)
    by_name = {a["uid"][0].decode() for _, a in names[0]}
    in_38 = [p for p in everyone(web_directory) if "38" in p.unit_path and p.family == "Nguyễn"]
    assert by_name and in_38 and not by_name & {p.uid for p in in_38}
    page = search_people(web_directory, "nguyen thanh hoa", per_page=1000)
    uids = [p.uid for p in page.people]
    assert len(uids) == len(set(uids)) == page.total and not page.more
    assert set(uids[: len(by_name)]) == by_name
    assert {p.uid for p in in_38} <= set(uids[len(by_name) :])
    for p in page.people[len(by_name) :]:
        units = [web_directory.unit(c) for c in p.unit_path]
        assert any(fold_key(u.name).endswith(" thanh hoa") for u in units if u), p.unit_path
        assert "nguyen" in fold_key(p.name).split()
    pages = all_pages(web_directory, "nguyen thanh hoa", per_page=7)
    assert [p.uid for pg in pages for p in pg.people] == uids


def test_unit_named_in_the_query_keeps_the_total_honest(web_directory, monkeypatch):
    import directory_service.directory.search as search

    monkeypatch.setattr(search, "CANDIDATE_LIMIT", 5)
    page = search_people(web_directory, "nguyen thanh hoa", per_page=1000)
    assert page.more and page.total == len(page.people) > 5
    assert any("38" in p.unit_path for p in page.people)


def test_thuy_finds_every_placement_and_tone(web_directory, extra_people):
    page = search_people(web_directory, "thuy", per_page=1000)
    assert {"Thủy", "Thúy"} <= {p.given for p in page.people}
    assert all("thuy" in fold_key(p.name).split() for p in page.people)
    here = search_people(web_directory, "thuy", unit_code=EXTRA_UNIT, per_page=1000)
    assert {"Ứng Ngọc Thuỷ", "Ứng Thị Thủy", "Ứng Thị Thúy", "Ứng Thị Thùy"} <= {
        p.name for p in here.people
    }
    for typed in ("Thuỷ ung", "Thủy ung", "THUY UNG"):  # tone on the y, on the u, none
        found = {p.name for p in search_people(web_directory, typed).people}
        assert found == {"Ứng Ngọc Thuỷ", "Ứng Thị Thủy", "Ứng Thị Thúy", "Ứng Thị Thùy"}, typed


def test_duc_finds_d_with_stroke(web_directory):
    page = search_people(web_directory, "duc", per_page=1000)
    assert any("Đức" in (p.given, *p.middle.split()) for p in page.people)
    assert all(any(w.startswith("duc") for w in fold_key(p.name).split()) for p in page.people)


def test_middle_and_given_name(web_directory, extra_people):
    people = everyone(web_directory)
    whole = {p.uid for p in people if {"van", "an"} <= set(fold_key(p.name).split())}
    assert whole  # Lê Văn An
    page = search_people(web_directory, "van an", per_page=1000)
    assert {p.uid for p in page.people[: len(whole)]} == whole
    assert all(rank(p, ["van", "an"], [])[0] == ALL_WORDS for p in page.people[: len(whole)])


def test_email_local_part_without_at(web_directory):
    people = everyone(web_directory)
    words = {w for p in people for w in fold_key(p.name).split()}
    person = next(p for p in people
                  if not any(w.startswith(p.mail[0].split("@")[0]) for w in words))  # fmt: skip
    local = person.mail[0].split("@")[0]  # e.g. "annv"
    page = search_people(web_directory, local, per_page=1000)
    assert person.uid in {p.uid for p in page.people}
    assert all(any(m.startswith(local) for m in p.mail) for p in page.people)


def test_title_matches_rank_after_names(web_directory):
    page = search_people(web_directory, "chuyen vien", per_page=50)
    assert page.total > 0 and all("Chuyên viên" in p.title for p in page.people)
    assert {rank(p, ["chuyen", "vien"], [])[0] for p in page.people} == {TITLE}


def test_search_by_email_prefix(web_directory):
    person = search_people(web_directory, "nguyen", per_page=1).people[0]
    page = search_people(web_directory, person.mail[0], per_page=5)
    assert [p.uid for p in page.people] == [person.uid]


def test_unit_scope(web_directory):
    everywhere = search_people(web_directory, "nguyen", per_page=1000)
    hanoi = search_people(web_directory, "nguyen", unit_code="01", per_page=1000)
    assert 0 < hanoi.total < everywhere.total
    assert all("01" in p.unit_path for p in hanoi.people)


def test_paging_is_consistent(web_directory):
    first = search_people(web_directory, "nguyen", page=1, per_page=10)
    second = search_people(web_directory, "nguyen", page=2, per_page=10)
    assert first.has_next and len(first.people) == 10
    assert not {p.uid for p in first.people} & {p.uid for p in second.people}


@pytest.mark.parametrize("query", ["*", ")(", "\\", "\0", "*)(", "(|(*))", "   ", "*" * 150])
def test_hostile_queries_are_clean_and_empty(web_directory, query):
    page = search_people(web_directory, query)
    assert page.people == [] and page.total == 0


@pytest.mark.parametrize("query", ["*)(uid=*", "(|(cn=*))", "an*)(mail=*"])
def test_filter_injection_is_only_text(web_directory, query):
    words = query_words(query)
    page = search_people(web_directory, query, per_page=1000)
    assert page.total < 3000  # never "everyone", as an injected (uid=*) would give
    for p in page.people:
        text = " ".join([fold_key(p.name), *p.mail, fold_key(p.title)])
        assert all(w in text for w in words)


def test_filter_is_escaped():
    assert "\\2a" in people_filter(["a*b"]) and "\\28" in people_filter(["(x"])
    assert "\\2a" in whole_words_filter(["a*b"]) and "\\28" in prefix_only_filter(["(x"])
    assert query_words("Nguyễn  VĂN\tAn") == ["nguyen", "van", "an"]


def test_overlong_query_is_a_clear_error(web_directory):
    with pytest.raises(QueryError):
        search_people(web_directory, "a" * 10_000)


def test_title_and_unit_words_when_no_name_matches(web_directory):
    page = search_people(web_directory, "giam doc so", per_page=1000)
    titles = [p.title for p in page.people]
    assert titles and all("Giám đốc Sở" in t for t in titles)  # and "Phó Giám đốc Sở"
    starts = [t.startswith("Giám đốc Sở") for t in titles]
    assert starts[0] and starts == sorted(starts, reverse=True)  # title-prefix matches first
    entries, _ = web_directory.search(
        "(&(objectClass=govdirPerson)(sn=nguyen))", PERSON_ATTRS, limit=100_000
    )
    person = next(
        p
        for p in (person_from_entry(*e) for e in entries)
        if len(p.unit_path) >= 4 and p.unit_path[2].isdigit()  # inside a commune
    )
    commune = web_directory.unit(person.unit_path[2])
    place = " ".join(fold_key(commune.name).split()[1:])  # "Phường Ba Đình" -> "ba dinh"
    by_name = search_people(web_directory, f"nguyen {place}", per_page=1000)
    assert person.uid in {p.uid for p in by_name.people}
    by_code = search_people(web_directory, f"nguyen {commune.code}", per_page=1000)
    assert person.uid in {p.uid for p in by_code.people}
    assert all(commune.code in p.unit_path for p in by_code.people)


def test_one_letter_words_are_ignored():
    assert query_words("a b nguyen") == ["nguyen"]


def test_exact_names_are_first_even_when_the_candidates_are_cut(web_directory, monkeypatch):
    import directory_service.directory.search as search

    # A name whose words also start other people's names ("Nguyễn Văn An" and "... Anh").
    entries, _ = web_directory.search("(objectClass=govdirPerson)", ["displayName"], limit=5000)
    names = [a["displayName"][0].decode() for _, a in entries]
    name = next(n for n in names if search_people(web_directory, n).total >= 3)
    expected = sum(1 for n in names if fold_key(n) == fold_key(name))
    monkeypatch.setattr(search, "CANDIDATE_LIMIT", 1)
    page = search_people(web_directory, fold_key(name))
    assert page.more
    assert [fold_key(p.name) for p in page.people[:expected]] == [fold_key(name)] * expected


def test_word_beginnings_are_looked_up_by_equality():
    name_only = people_filter(["ngu"])
    assert "(govdirNamePrefix=ngu)" in name_only and "*" not in name_only
    assert "(govdirTitlePrefix=ngu)" in any_word_filter("ngu")
    assert f"(govdirNamePrefix={'x' * PREFIX_MAX})" in people_filter(["x" * 40])
