"""Search: Vietnamese with or without diacritics, ranked, escaped, scoped to a unit."""

from __future__ import annotations

import pytest

from directory_service.search import (
    ALL_PREFIX,
    EXACT,
    TITLE,
    QueryError,
    accented_words,
    people_filter,
    query_words,
    rank,
    search_people,
)
from directory_service.store import PERSON_ATTRS, person_from_entry
from directory_service.text import fold_key, sort_key_parts


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
    assert keys == sorted(keys) and keys[0][0] == ALL_PREFIX
    exact = search_people(web_directory, person.name, per_page=500)
    assert rank(exact.people[0], query_words(person.name), [])[0] == EXACT


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
    import directory_service.search as search

    # A name whose words also start other people's names ("Nguyễn Văn An" and "... Anh").
    entries, _ = web_directory.search("(objectClass=govdirPerson)", ["displayName"], limit=5000)
    names = [a["displayName"][0].decode() for _, a in entries]
    name = next(n for n in names if search_people(web_directory, n).total >= 3)
    expected = sum(1 for n in names if fold_key(n) == fold_key(name))
    monkeypatch.setattr(search, "CANDIDATE_LIMIT", 1)
    page = search_people(web_directory, fold_key(name))
    assert page.more
    assert [fold_key(p.name) for p in page.people[:expected]] == [fold_key(name)] * expected
