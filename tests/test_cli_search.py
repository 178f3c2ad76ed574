"""`govdir search` against the test directory: results, "more than N", hostile input."""

from __future__ import annotations

import pytest

from directory_service import cli
from directory_service.directory.search import CANDIDATE_LIMIT


def govdir_search(instance, capsys, *args: str) -> tuple[int, list[str], str]:
    """Run `govdir search` on the test instance; return (exit code, stdout lines, stderr)."""
    _, _, data_dir = instance
    code = cli.main(["--data-dir", str(data_dir), "search", *args])
    out, err = capsys.readouterr()
    return code, out.splitlines(), err


def test_prints_name_title_mail_and_unit(instance, capsys):
    code, lines, err = govdir_search(instance, capsys, "nguyen van", "--limit", "5")
    assert code == 0 and len(lines) == 5
    name, title, mail, unit = lines[0].split("\t")
    assert name.startswith("Nguyễn Văn ") and title and "@" in mail and unit


def test_more_than_n_is_the_number_listed(instance, capsys):
    code, lines, err = govdir_search(instance, capsys, "nguyen", "--limit", "1000")
    assert code == 0 and len(lines) >= CANDIDATE_LIMIT
    assert err.splitlines()[0] == f"more than {len(lines)} found"
    assert f"only the first {len(lines)} can be listed" in err
    code, lines, err = govdir_search(instance, capsys, "nguyen", "--limit", "10")
    assert code == 0 and len(lines) == 10
    assert err.startswith("more than ") and "only the first" not in err  # pages follow


def test_a_short_list_has_its_exact_total(instance, capsys):
    code, lines, err = govdir_search(instance, capsys, "nguyen", "--unit", "38", "--limit", "1000")
    assert code == 0 and 0 < len(lines) < CANDIDATE_LIMIT
    assert err == f"{len(lines)} found\n"


@pytest.mark.parametrize("query", ["*", ")(", "\\", "\0", "*)(uid=*", "   "])
def test_hostile_queries_are_a_clean_empty_result(instance, capsys, query):
    code, lines, err = govdir_search(instance, capsys, query)
    assert (code, lines, err) == (0, [], "0 found\n")


def test_overlong_query_is_a_clear_error(instance, capsys):
    code, lines, err = govdir_search(instance, capsys, "a" * 10_000)
    assert (code, lines) == (2, [])
    assert err == "error: query longer than 200 characters\n"
