"""Tests for directory_service.text: normalisation, folding, name splitting and collation."""

from __future__ import annotations

import random
import unicodedata

import pytest

from directory_service.text import (
    clean,
    fold,
    fold_key,
    nfc,
    sort_key,
    sort_key_parts,
    split_name,
    word_sort_key,
)

# Vowels as (lower-case Vietnamese letter, its plain ASCII base); tones as combining marks.
VOWELS = [
    ("a", "a"),
    ("ă", "a"),
    ("â", "a"),
    ("e", "e"),
    ("ê", "e"),
    ("i", "i"),
    ("o", "o"),
    ("ô", "o"),
    ("ơ", "o"),
    ("u", "u"),
    ("ư", "u"),
    ("y", "y"),
]
TONES = ["", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323"]  # none, huyền, hỏi, ngã, sắc, nặng


def all_toned_vowels() -> list[tuple[str, str]]:
    """Return the 144 (NFC toned vowel, expected ASCII fold) pairs, both cases."""
    pairs = []
    for letter, ascii_base in VOWELS:
        for tone in TONES:
            lower = nfc(letter + tone)
            pairs.append((lower, ascii_base))
            pairs.append((nfc(letter.upper() + tone), ascii_base.upper()))
    return pairs


# --- nfc, fold, clean, fold_key ----------------------------------------------------------------


def test_toned_vowels_are_single_precomposed_characters():
    pairs = all_toned_vowels()
    assert len(pairs) == 144
    assert len({ch for ch, _ in pairs}) == 144
    assert all(len(ch) == 1 for ch, _ in pairs)


@pytest.mark.parametrize(("vowel", "expected"), all_toned_vowels())
def test_fold_every_vowel_with_every_tone(vowel, expected):
    assert fold(vowel) == expected


@pytest.mark.parametrize(("vowel", "expected"), all_toned_vowels())
def test_fold_of_nfd_input_matches_nfc(vowel, expected):
    decomposed = unicodedata.normalize("NFD", vowel)
    assert fold(decomposed) == fold(vowel) == expected


def test_fold_d_with_stroke():
    assert fold("đ") == "d"
    assert fold("Đ") == "D"
    assert fold("Đặng Đình Đức") == "Dang Dinh Duc"


def test_fold_nfd_sentence_matches_nfc():
    text = "Nguyễn Thị Thuỷ, Ủy ban nhân dân tỉnh Bà Rịa - Vũng Tàu"
    decomposed = unicodedata.normalize("NFD", text)
    assert decomposed != text
    expected = "Nguyen Thi Thuy, Uy ban nhan dan tinh Ba Ria - Vung Tau"
    assert fold(decomposed) == fold(text) == expected


def test_nfc_composes_nfd():
    decomposed = "Nguye\u0302\u0303n Thi\u0323 Thu\u031bo\u031b\u0300ng"
    result = nfc(decomposed)
    assert result == "Nguyễn Thị Thường"
    assert len(result) == len("Nguyễn Thị Thường") == 17
    assert unicodedata.is_normalized("NFC", result)


def test_clean():
    assert clean("  Nguyễn\u00a0\u00a0Thị\tNgọc \n Ánh  ") == "Nguyễn Thị Ngọc Ánh"
    assert clean("Tra\u0302\u0300n  Va\u0306n") == "Trần Văn"
    assert clean("") == ""
    assert clean(" \u00a0\t ") == ""
    assert clean("An") == "An"


def test_fold_key():
    assert fold_key("  Đặng   THUỶ ") == "dang thuy"
    assert fold_key("Nguyễn\u00a0Thị\tThủy") == "nguyen thi thuy"
    assert fold_key("Thu\u0309y") == fold_key("Thuỷ") == fold_key("Thúy") == "thuy"
    assert fold_key("") == ""


# --- split_name ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("full_name", "expected"),
    [
        ("", ("", "", "")),
        ("   ", ("", "", "")),
        ("Thuỷ", ("", "", "Thuỷ")),
        ("Trần An", ("Trần", "", "An")),
        ("Nguyễn Văn An", ("Nguyễn", "Văn", "An")),
        ("Lê Thị Ngọc Bích", ("Lê", "Thị Ngọc", "Bích")),
        ("  Phạm\u00a0 Minh\tTuấn ", ("Phạm", "Minh", "Tuấn")),
        ("Tôn Nữ Thị Ninh", ("Tôn Nữ", "Thị", "Ninh")),
        ("Tôn Thất Thuyết", ("Tôn Thất", "", "Thuyết")),
        ("Âu Dương Bảo Ngọc", ("Âu Dương", "Bảo", "Ngọc")),
        ("TƯ MÃ Ý", ("TƯ MÃ", "", "Ý")),
        ("Tôn Anh", ("Tôn", "", "Anh")),  # two words: never a compound family name
    ],
)
def test_split_name(full_name, expected):
    assert split_name(full_name) == expected


def test_split_name_normalises_to_nfc():
    family, middle, given = split_name(unicodedata.normalize("NFD", "Đặng Thị Thuỷ"))
    assert (family, middle, given) == ("Đặng", "Thị", "Thuỷ")


# --- collation -------------------------------------------------------------------------------


def shuffled(items: list[str], seed: int = 7) -> list[str]:
    """Return a shuffled copy that is guaranteed to differ from the input order."""
    copy = list(items)
    random.Random(seed).shuffle(copy)
    if copy == items:
        copy.reverse()
    return copy


def assert_sorts(expected: list[str], key) -> None:
    """Assert that sorting shuffled and reversed copies of expected by key restores expected."""
    assert sorted(shuffled(expected), key=key) == expected
    assert sorted(reversed(expected), key=key) == expected
    for earlier, later in zip(expected, expected[1:], strict=False):
        assert key(earlier) < key(later), (earlier, later)


def test_people_sorted_by_given_then_family_then_middle():
    expected = [
        "Nguyễn Văn An",
        "Trần Thị An",
        "Trần Văn An",
        "Lê Thị Bình",
        "Hoàng Văn Dũng",
        "Đỗ Minh Đức",
        "Phạm Thu Giang",
        "Bùi Thị Yến",
    ]
    assert_sorts(expected, sort_key)


def test_given_name_before_family_name():
    assert sort_key("Trần Văn An") < sort_key("Lê Thị Bình")
    assert sort_key("Nguyễn Văn An") < sort_key("Trần Văn An")
    assert sort_key("Nguyễn Thị Bình") < sort_key("Nguyễn Văn Bình")  # same family: middle
    assert sort_key("Lê Văn Bình") < sort_key("Nguyễn Thị Bình")  # family before middle


def test_given_name_prefixes_and_modified_letters():
    assert_sorts(["An", "Anh", "Ân"], sort_key)


@pytest.mark.parametrize(
    "expected",
    [
        ["a", "ă", "â", "b"],
        ["d", "đ", "e"],
        ["e", "ê", "g"],
        ["o", "ô", "ơ", "p"],
        ["u", "ư", "v"],
        ["Ca", "Că", "Câ", "Cb"],
        ["Than", "Thăng", "Thâm", "Thân"],
    ],
)
def test_vietnamese_letter_order(expected):
    assert_sorts(expected, word_sort_key)


def test_full_alphabet_order():
    alphabet = "a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y".split()
    assert_sorts(alphabet, word_sort_key)
    assert_sorts([letter.upper() for letter in alphabet], word_sort_key)


def test_digits_and_non_vietnamese_letters():
    expected = ["0", "9", "a", "e", "ê", "f", "g", "i", "j", "k", "v", "w", "x", "y", "z"]
    assert_sorts(expected, word_sort_key)


def test_tone_order():
    assert_sorts(["Binh", "Bình", "Bỉnh", "Bĩnh", "Bính", "Bịnh"], sort_key)
    assert_sorts(["a", "à", "ả", "ã", "á", "ạ"], word_sort_key)


def test_letters_outrank_tones():
    # A tone only decides between names whose letters are equal.
    assert_sorts(["Ánh", "Ba", "Bà", "Bác", "Bạc", "Bắc"], word_sort_key)
    assert_sorts(["Dung", "Dũng", "Đức"], sort_key)


def test_tones_compared_syllable_by_syllable():
    # The first syllable decides, even though the second carries the heavier tone.
    assert_sorts(["Ba Ạ", "Bà A"], word_sort_key)
    assert_sorts(["Hà Nam", "Hà Nội", "Hà Tĩnh", "Hải Dương", "Hải Phòng"], word_sort_key)


def test_old_and_new_tone_placement_give_identical_keys():
    assert sort_key("Thuỷ") == sort_key("Thủy")
    assert sort_key("Nguyễn Thị Thuỷ") == sort_key("Nguyễn Thị Thủy")
    assert sort_key("Lê Hoà") == sort_key("Lê Hòa")
    assert word_sort_key("Uỷ ban") == word_sort_key("Ủy ban")
    assert sort_key("Thuỷ") != sort_key("Thuý")
    assert_sorts(["Thuy", "Thùy", "Thuỷ", "Thũy", "Thúy", "Thụy"], sort_key)


def test_d_with_stroke_sorts_after_d_not_after_y():
    names = ["Yến", "Đức", "Giang", "Dũng"]
    assert sorted(names) == ["Dũng", "Giang", "Yến", "Đức"]  # code point order is wrong
    assert sorted(names, key=sort_key) == ["Dũng", "Đức", "Giang", "Yến"]
    assert sort_key("Zoe") > sort_key("Đức")
    assert sort_key("Ðức") == sort_key("Đức")  # U+00D0 eth typed in place of U+0110


def test_primary_level_is_case_insensitive():
    expected = ["an", "An", "AN", "anh", "Anh", "ăn", "Ăn", "bình", "Bình", "BÌNH"]
    assert_sorts(expected, word_sort_key)
    assert sort_key("an") != sort_key("An")
    assert sorted(["Anh", "An", "an", "ANH", "Ân"], key=word_sort_key) == [
        "an",
        "An",
        "Anh",
        "ANH",
        "Ân",
    ]


def test_shorter_words_and_spaces_sort_first():
    assert_sorts(["An", "An Giang", "Anh", "Anh Sơn"], word_sort_key)


def test_keys_ignore_whitespace_and_normalisation_differences():
    assert word_sort_key(" Hà\u00a0 Nội ") == word_sort_key("Hà Nội")
    assert word_sort_key(unicodedata.normalize("NFD", "Đắk Lắk")) == word_sort_key("Đắk Lắk")
    assert sort_key("  Nguyễn  Thị\tThủy ") == sort_key("Nguyễn Thị Thủy")


def test_sort_key_parts_matches_sort_key():
    for name in ["Nguyễn Văn An", "Lê Thị Ngọc Bích", "Tôn Nữ Thị Ninh", "Thuỷ", "", "Trần An"]:
        assert sort_key(name) == sort_key_parts(*split_name(name))
    assert sort_key_parts("Nguyễn", "Thị Ngọc", "Thuỷ") == sort_key("Nguyễn Thị Ngọc Thủy")
    assert sort_key_parts(" Nguyễn", "Thị  Ngọc", "Thuỷ\u00a0") == sort_key("Nguyễn Thị Ngọc Thuỷ")


def test_sort_key_parts_order():
    people = [
        ("Nguyễn", "Văn", "An"),
        ("Trần", "", "An"),
        ("Trần", "Văn", "An"),
        ("Lê", "Thị", "Bình"),
        ("Lê", "Thị", "Bính"),
    ]
    for seed in range(3):
        assert sorted(shuffled(people, seed), key=lambda p: sort_key_parts(*p)) == people


def test_unit_names_sorted():
    expected = [
        "Bộ Công an",
        "Bộ Công Thương",
        "Bộ Giáo dục và Đào tạo",
        "Bộ Ngoại giao",
        "Bộ Tài chính",
        "Bộ Y tế",
        "Ngân hàng Nhà nước Việt Nam",
        "Ủy ban nhân dân tỉnh Đắk Lắk",
        "Văn phòng Chính phủ",
    ]
    assert_sorts(expected, word_sort_key)
