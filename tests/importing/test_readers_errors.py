"""Reading agency lists: unreadable rows, streaming a large file, files that cannot be read."""

from __future__ import annotations

import random
import re
import tracemalloc
import zipfile

import pytest

from directory_service.importing.read import ImportFormatError, read_rows
from directory_service.importing.rows import MAIL
from tests.importing.agency_files import HEADER, PEOPLE, csv_text, write_xlsx


def _write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_unreadable_row_is_reported_and_skipped(tmp_path):
    people = [
        [str(i), f"Nguyễn Văn An {i}", "Chuyên viên", "Văn phòng", f"a{i}@x.gov.vn", ""]
        for i in range(1, 2001)
    ]
    data = csv_text([HEADER, *people]).encode()
    # One row typed in another encoding, far enough down not to be in the sample read first.
    data = data.replace("Nguyễn Văn An 1500,".encode(), b"Nguy\xean V\xe3n An 1500,")
    table = read_rows(_write(tmp_path, "bad.csv", data))
    read = list(table.rows)
    assert len(read) == 1999
    assert [(i.row, i.rejected) for i in table.issues] == [(1501, True)]
    assert "encoding" in table.issues[0].reason_en and "bảng mã" in table.issues[0].reason_vi


def test_a_quote_left_open_is_one_report_line_naming_the_lines_it_took(tmp_path):
    people = [
        [str(i), f"Nguyễn Văn An {i}", "Chuyên viên", "Văn phòng", f"a{i}@x.gov.vn", ""]
        for i in range(1, 4001)
    ]
    lines = csv_text([HEADER, *people]).splitlines(keepends=True)
    lines[10] = lines[10].replace("Nguyễn", '"Nguyễn')  # row 10's name opens a quote, never closed
    table = read_rows(_write(tmp_path, "quote.csv", "".join(lines).encode()))
    read = list(table.rows)
    [issue] = table.issues
    found = re.search(r"lines 11–(\d+) of the file skipped", issue.reason_en)
    assert found, issue.reason_en
    last = int(found.group(1))
    assert f"dòng 11–{last} của tệp bị bỏ qua" in issue.reason_vi
    assert (issue.row, issue.rejected) == (11, True) and "field limit" in issue.reason_en
    assert "ngoặc kép" in issue.suggestion and "double quote" in issue.suggestion
    # The lines the open quote took are gone; every line after them is read, numbered by line.
    assert 11 < last < 4001
    assert [r.values[MAIL] for r in read] == [f"a{i}@x.gov.vn" for i in range(1, 10)] + [
        f"a{i}@x.gov.vn" for i in range(last, 4001)
    ]
    assert [r.number for r in read[8:11]] == [10, last + 1, last + 2]


# --- Streaming -------------------------------------------------------------------------------


def test_a_large_csv_is_streamed(tmp_path):
    path = tmp_path / "big.csv"
    rng = random.Random(5)
    family, given = ["Nguyễn", "Trần", "Lê", "Phạm"], ["An", "Bình", "Cường", "Dung", "Đức"]
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(csv_text([["DANH SÁCH"], HEADER]))
        for i in range(1, 200_001):
            name = f"{rng.choice(family)} Văn {rng.choice(given)}"
            out.write(f"{i},{name},Chuyên viên,Phòng {i % 97},u{i}@angiang.gov.vn,09{i:08d}\r\n")
    size = path.stat().st_size
    tracemalloc.start()
    try:
        with read_rows(path) as table:
            count = sum(1 for _ in table.rows)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 200_000
    assert not table.issues
    # Loading it whole would take several times the file's size; streaming stays far below it.
    assert peak < size / 10, (peak, size)


# --- Files that cannot be read ---------------------------------------------------------------


def _error_for(path) -> str:
    with pytest.raises(ImportFormatError) as error:
        read_rows(path)
    message = str(error.value)
    assert " / " in message  # Vietnamese, then English
    return message


def test_png_renamed_xlsx(tmp_path):
    png = b"\x89PNG\r\n\x1a\n" + bytes(random.Random(1).randrange(256) for _ in range(2000))
    message = _error_for(_write(tmp_path, "ds.xlsx", png))
    assert "PNG" in message and "không phải" in message


def test_empty_file(tmp_path):
    assert "rỗng" in _error_for(_write(tmp_path, "empty.csv", b""))
    assert "empty" in _error_for(_write(tmp_path, "blank.xlsx", b"\r\n \r\n"))


def test_csv_without_a_recognisable_header(tmp_path):
    rows = [["Ngày", "Nội dung"], ["1/3", "Họp giao ban"], ["2/3", "Tiếp dân"]]
    message = _error_for(_write(tmp_path, "lich.csv", csv_text(rows).encode()))
    assert "No header row" in message and "Không tìm thấy dòng tiêu đề" in message


def test_binary_garbage(tmp_path):
    data = bytes(random.Random(2).randrange(256) for _ in range(5000))
    assert "not readable" in _error_for(_write(tmp_path, "x.csv", data))


def test_zip_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "ds.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    assert "ZIP" in _error_for(path)


def test_damaged_workbook(tmp_path):
    path = tmp_path / "hong.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook><sheets><sheet")
    assert "damaged" in _error_for(path)


def test_missing_file_and_missing_sheet(tmp_path):
    assert "No such file" in _error_for(tmp_path / "none.csv")
    path = write_xlsx(tmp_path / "a.xlsx", [HEADER, *PEOPLE])
    with pytest.raises(ImportFormatError, match="Danh sách"):
        read_rows(path, sheet="Sheet9")


def test_a_zip_bomb_dressed_as_a_workbook_is_refused_before_it_is_unpacked(tmp_path):
    import zipfile

    from directory_service.importing.read import ImportFormatError, read_rows

    bomb = tmp_path / "danh-sach.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (20 * 1024 * 1024))
    assert bomb.stat().st_size < 100 * 1024
    with pytest.raises(ImportFormatError, match="unpacks to 20 MB"):
        with read_rows(bomb):
            pass
