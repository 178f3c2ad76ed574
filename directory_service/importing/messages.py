"""Word the issues of an import in Vietnamese and English, with their suggestions."""

from __future__ import annotations

from directory_service.importing.rows import Issue

NAME_MISSING = "name-missing"
NAME_DIGITS = "name-digits"
NAME_CHARS = "name-characters"
NAME_TOO_LONG = "name-too-long"
NAME_LINES = "name-lines"
NAME_ONE_WORD = "name-one-word"
NAME_PREFIX = "name-prefix"
NAME_FONT = "name-font"
LEGACY_FONT = "legacy-font"
MAIL_MISSING = "mail-missing"
MAIL_FIXED = "mail-fixed"
MAIL_PERSONAL = "mail-personal"
# Problems with a candidate address (importing.check.addresses finds them).
MAIL_NO_AT = "no-at"
MAIL_NON_ASCII = "non-ascii"
MAIL_BAD_LOCAL = "bad-local"
MAIL_BAD_DOMAIN = "bad-domain"
MAIL_TOO_LONG = "too-long"
PHONE_INVALID = "phone-invalid"
PHONE_EXTRA = "phone-extra"
UNIT_UNKNOWN = "unit-unknown"
UNIT_AMBIGUOUS = "unit-ambiguous"
UNIT_OUTSIDE = "unit-outside"
UNIT_OLD_NAME = "unit-old-name"
DUPLICATE_MAIL = "duplicate-mail"
DUPLICATE_PERSON = "duplicate-person"
MAIL_ELSEWHERE = "mail-elsewhere"
MAIL_ELSEWHERE_UNIT = "mail-elsewhere-unit"
RENAMED = "renamed"
UNIT_NEW = "unit-new"

# key -> (Vietnamese, English); {fields} are filled in by issue().
REASONS: dict[str, tuple[str, str]] = {
    NAME_MISSING: ("Thiếu họ và tên", "The name is missing"),
    NAME_DIGITS: ("Họ và tên có chữ số hoặc ký tự @", "The name contains digits or @"),
    NAME_CHARS: (
        "Họ và tên có ký tự không hợp lệ: {chars}",
        "The name contains characters that are not allowed: {chars}",
    ),
    NAME_TOO_LONG: (
        "Họ và tên quá dài (hơn {length} ký tự hoặc {words} từ)",
        "The name is too long (over {length} characters or {words} words)",
    ),
    NAME_LINES: (
        "Ô họ tên có nhiều dòng (nhiều người?)",
        "The name cell has several lines (several people?)",
    ),
    NAME_ONE_WORD: ("Họ và tên chỉ có một từ", "The name has only one word"),
    NAME_PREFIX: (
        "Đã bỏ học hàm, học vị trước họ tên: {prefix}",
        "Removed an academic title before the name: {prefix}",
    ),
    NAME_FONT: (
        "Họ và tên có ký tự ngoài bảng chữ cái tiếng Việt ({chars}): có vẻ tệp bị sai phông chữ"
        " hoặc bảng mã",
        "The name has characters outside the Vietnamese alphabet ({chars}): the text looks like"
        " a wrong font or encoding",
    ),
    LEGACY_FONT: (
        "Đã chuyển từ bảng mã {font} sang Unicode (giá trị gốc ở cột Giá trị)",
        "Converted from {font} to Unicode (the original is in the Value column)",
    ),
    MAIL_MISSING: ("Thiếu địa chỉ thư điện tử", "The email address is missing"),
    MAIL_NO_AT: ("Địa chỉ thư điện tử thiếu ký tự @", "The email address has no @"),
    MAIL_NON_ASCII: (
        "Địa chỉ thư điện tử có chữ có dấu hoặc ký tự không hợp lệ",
        "The email address contains accented or non-ASCII characters",
    ),
    MAIL_BAD_LOCAL: (
        "Phần trước @ của địa chỉ thư điện tử không hợp lệ",
        "The part before @ of the email address is not valid",
    ),
    MAIL_BAD_DOMAIN: (
        "Tên miền của địa chỉ thư điện tử không hợp lệ",
        "The domain of the email address is not valid",
    ),
    MAIL_TOO_LONG: ("Địa chỉ thư điện tử quá dài", "The email address is too long"),
    MAIL_FIXED: (
        "Đã sửa lỗi gõ trong địa chỉ thư điện tử: {fix}",
        "Fixed a typo in the email address: {fix}",
    ),
    MAIL_PERSONAL: (
        "Địa chỉ thư điện tử cá nhân ({domain}), không phải địa chỉ công vụ",
        "Personal email address ({domain}), not an official one",
    ),
    PHONE_INVALID: ("Số điện thoại không hợp lệ, đã bỏ qua", "Invalid phone number, left out"),
    PHONE_EXTRA: (
        "Chỉ giữ một số điện thoại, đã bỏ qua số này",
        "Only one phone number is kept; this one was left out",
    ),
    UNIT_UNKNOWN: ("Không tìm thấy đơn vị này thuộc {target}", "No such unit under {target}"),
    UNIT_AMBIGUOUS: (
        "Tên đơn vị khớp với nhiều đơn vị thuộc {target}",
        "The unit name matches several units under {target}",
    ),
    UNIT_OUTSIDE: ("Đơn vị không thuộc {target}", "The unit is not under {target}"),
    UNIT_OLD_NAME: (
        "Khớp với tên cũ của đơn vị (đã sáp nhập hoặc đổi tên), nay là {now}",
        "Matched an old name (the unit was merged or renamed); it is now {now}",
    ),
    DUPLICATE_MAIL: (
        "Địa chỉ thư điện tử trùng với dòng {first}",
        "The email address is already on row {first}",
    ),
    DUPLICATE_PERSON: (
        "Trùng họ tên và đơn vị với dòng {first} nhưng khác địa chỉ thư điện tử",
        "Same name and unit as row {first} but a different email address",
    ),
    MAIL_ELSEWHERE: (
        "Địa chỉ thư điện tử đã thuộc về {holder} ({unit}), ngoài {target}; dòng không được nhập",
        "The email address already belongs to {holder} ({unit}), outside {target};"
        " the row was not imported",
    ),
    MAIL_ELSEWHERE_UNIT: (
        "Địa chỉ thư điện tử đã thuộc về một người ở {unit}, ngoài {target}; dòng không được nhập",
        "The email address already belongs to someone in {unit}, outside {target};"
        " the row was not imported",
    ),
    RENAMED: (
        "Địa chỉ {mail} đang là của {old}: họ tên sẽ được đổi thành {new}",
        "The address {mail} belongs to {old}: the name will be changed to {new}",
    ),
    UNIT_NEW: (
        "Đơn vị chưa có, sẽ được tạo mới: {code} thuộc {parent}",
        "No such unit yet; it will be created: {code} under {parent}",
    ),
}

SUGGEST_NAME_MISSING = "Điền họ và tên đầy đủ / Fill in the full name"
SUGGEST_NAME_SWAPPED = (
    "Kiểm tra cột họ tên và cột thư điện tử có bị đổi chỗ không"
    " / Check whether the name and email columns are swapped"
)
SUGGEST_NAME_DIGITS = (
    "Bỏ chữ số khỏi họ tên; xoá dòng tổng cộng hoặc ghi chú"
    " / Remove the digits; delete total and note lines"
)
SUGGEST_NAME_CHARS = (
    "Chỉ ghi họ tên, không ghi chức vụ hay ghi chú / Keep only the name, without title or notes"
)
SUGGEST_NAME_FONT = (
    "Nhập lại với --encoding tcvn3 hoặc --encoding vni, hoặc lưu lại tệp ở dạng Unicode"
    " / Import again with --encoding tcvn3 or --encoding vni, or save the file again as Unicode"
)
SUGGEST_NAME_TOO_LONG = (
    "Kiểm tra ô có gộp nhiều người không / Check whether several people share the cell"
)
SUGGEST_ONE_WORD = "Bổ sung họ và tên đệm / Add the family and middle names"
SUGGEST_MAIL_MISSING = "Điền địa chỉ thư điện tử công vụ / Fill in the official email address"
SUGGEST_PHONE = (
    "Ghi số điện thoại dạng 024 3825 1234 hoặc 0912 345 678"
    " / Write the number like 024 3825 1234 or 0912 345 678"
)
SUGGEST_UNIT = "Kiểm tra tên đơn vị hoặc ghi mã đơn vị / Check the unit name or give the unit code"
SUGGEST_DUPLICATE = (
    "Xoá dòng lặp lại hoặc sửa địa chỉ / Remove the repeated row or correct the address"
)
SUGGEST_SAME_PERSON = (
    "Kiểm tra có phải cùng một người không / Check whether this is the same person"
)
SUGGEST_RENAMED = (
    "Kiểm tra đúng là người này đổi tên; nếu là người khác, sửa địa chỉ thư điện tử"
    " / Check that this person did change name; if it is someone else, correct the address"
)
SUGGEST_MAIL_ELSEWHERE = "Sửa địa chỉ thư điện tử / Correct the email address"
SUGGEST_NEW_UNIT = (
    "Kiểm tra tên đơn vị mới; nếu là đơn vị có sẵn, ghi đúng tên hoặc mã"
    " / Check the new unit's name; if an existing unit is meant, give its name or code"
)
ALSO = "cũng có thể là / could also be"


def issue(
    row: int,
    column: str,
    value: str,
    key: str,
    suggestion: str = "",
    rejected: bool = True,
    **fields: object,
) -> Issue:
    """Return an Issue for a row with the reason `key` worded in both languages."""
    vi, en = REASONS[key]
    return Issue(row, column, value, vi, en, suggestion, rejected, tuple(fields.items()))


def legacy_font_issue(row: int, column: str, value: str, font: str, converted: str) -> Issue:
    """Return the flag for a cell read as TCVN3 or VNI text: its original value and the reading."""
    return issue(row, column, value, LEGACY_FONT, converted, False, font=font.upper())


def elsewhere_suggestion(common: str | None) -> str:
    """Return the advice for an address held outside the target: import higher up, or fix it."""
    if common is None:
        return SUGGEST_MAIL_ELSEWHERE
    return (
        f"Nhập danh sách vào đơn vị cấp trên chung {common} để người này được chuyển sang,"
        f" hoặc sửa địa chỉ / Import the list into the common parent unit {common} so the"
        " person is moved, or correct the address"
    )


def new_unit_suggestion(listed: str) -> str:
    """Return the advice for a unit the import creates, naming the closest existing ones."""
    if not listed:
        return SUGGEST_NEW_UNIT
    return f"{SUGGEST_NEW_UNIT}: {listed}"


def personal_suggestion(domain: str | None) -> str:
    """Return the advice to use the official address, on the unit's domain when known."""
    if domain:
        return f"Dùng địa chỉ công vụ @{domain} / Use the official address @{domain}"
    return "Dùng địa chỉ công vụ / Use the official address"
