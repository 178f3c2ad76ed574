"""Read an agency's staff list, whatever its format and encoding, into SourceRows.

``read_rows`` is the reading stage of an import: it recognises the kind of file by its content
(a .xls that is really a web page is read as one), finds the header below any title rows, maps the
headings to canonical columns and streams the people below it.  Validation is the next stage's
job; this one reads faithfully, in NFC with whitespace collapsed.
"""

from __future__ import annotations

import io
import re
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from directory_service.importing.read.delimited import binary_error, read_delimited
from directory_service.importing.read.encoding import ENCODINGS, bom_encoding, check_encoding_name
from directory_service.importing.read.encoding import utf16_without_bom as _utf16
from directory_service.importing.read.html_tables import read_html
from directory_service.importing.read.ldif_entries import read_ldif
from directory_service.importing.read.sheets import read_workbook
from directory_service.importing.read.table import ImportFormatError, Table

__all__ = ["KINDS", "ImportFormatError", "Table", "detect_kind", "read_rows"]

KINDS = ("csv", "xlsx", "xls", "ods", "ldif", "html")
DOWNLOAD_TIMEOUT = 30  # seconds
DOWNLOAD_LIMIT = 20 * 1024 * 1024  # bytes; a staff page is far smaller
_HEAD_BYTES = 8192
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MAGIC = {
    b"\x89PNG": "PNG image",
    b"\xff\xd8\xff": "JPEG image",
    b"GIF8": "GIF image",
    b"%PDF": "PDF document",
    b"\x1f\x8b": "gzip archive",
    b"Rar!": "RAR archive",
    b"7z\xbc\xaf": "7-Zip archive",
}
_LDIF_START = re.compile(r"^(dn|version)\s*:", re.I)
_HTML_START = ("<!doctype html", "<html", "<table", "<head", "<body", "<meta")


@dataclass
class _Source:
    """A file to read, on disk or downloaded: its name, where it is and how to open it."""

    name: str
    path: Path | None = None
    data: bytes | None = None
    http_charset: str | None = None

    @property
    def suffix(self) -> str:
        """Return the lower-case suffix of the file or URL path, such as ".xlsx"."""
        return Path(urllib.parse.urlsplit(self.name).path).suffix.lower()

    def open_binary(self) -> BinaryIO:
        """Open the file (or the downloaded bytes) for reading from the start."""
        if self.data is not None:
            return io.BytesIO(self.data)
        assert self.path is not None
        return self.path.open("rb")

    def read_all(self) -> bytes:
        """Return the whole content."""
        with self.open_binary() as stream:
            return stream.read()


def download(
    url: str, timeout: float = DOWNLOAD_TIMEOUT, limit: int = DOWNLOAD_LIMIT
) -> tuple[bytes, str | None]:
    """Return a page's bytes and the charset its server declared (ImportFormatError if not)."""
    source = _download(url, timeout, limit)
    return source.data, source.http_charset


def _download(url: str, timeout: float, limit: int) -> _Source:
    """Fetch a page over HTTP(S), refusing one larger than limit bytes."""
    request = urllib.request.Request(url, headers={"User-Agent": "govdir-import/1.0"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            data = response.read(limit + 1)
            charset = response.headers.get_content_charset()
    except urllib.error.HTTPError as exc:
        raise ImportFormatError(
            f"Không tải được {url}: máy chủ trả lời HTTP {exc.code}",
            f"Cannot download {url}: the server answered HTTP {exc.code}",
        ) from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise ImportFormatError(
            f"Không tải được {url} ({reason})", f"Cannot download {url} ({reason})"
        ) from None
    if len(data) > limit:
        raise ImportFormatError(
            f"Trang {url} lớn hơn giới hạn {limit // (1024 * 1024)} MB",
            f"The page {url} is larger than the {limit // (1024 * 1024)} MB limit",
        )
    return _Source(url, data=data, http_charset=charset)


# A workbook's parts unpack to a few times their packed size; a zip bomb, to thousands.
MAX_UNPACKED = 512 * 1024 * 1024
MAX_RATIO = 200


def _check_unpacked(archive: zipfile.ZipFile) -> None:
    """Refuse a workbook whose parts would unpack to far more than any staff list holds."""
    infos = archive.infolist()
    unpacked = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos) or 1
    if unpacked > MAX_UNPACKED or (unpacked > 10 * 1024 * 1024 and unpacked / packed > MAX_RATIO):
        raise ImportFormatError(
            f"Bảng tính giải nén ra {unpacked // (1024 * 1024):,} MB: quá lớn cho một danh sách, "
            "có thể là tệp độc hại",
            f"The workbook unpacks to {unpacked // (1024 * 1024):,} MB: too large for a list, "
            "perhaps a malicious file",
        )


def _zip_kind(open_binary: Callable[[], BinaryIO]) -> str:
    """Return xlsx or ods for a ZIP file that is a workbook, or raise for any other archive."""
    try:
        with open_binary() as stream, zipfile.ZipFile(stream) as archive:
            _check_unpacked(archive)
            names = archive.namelist()
            if "mimetype" in names and archive.read("mimetype").startswith(
                b"application/vnd.oasis.opendocument.spreadsheet"
            ):
                return "ods"
            if any(n.startswith("xl/") for n in names):
                return "xlsx"
    except zipfile.BadZipFile:
        raise ImportFormatError(
            "Tệp ZIP/XLSX bị hỏng, không mở được",
            "The ZIP/XLSX file is damaged and cannot be opened",
        ) from None
    raise ImportFormatError(
        "Tệp là một gói ZIP nhưng không phải bảng tính XLSX hay ODS (tệp Word chẳng hạn)",
        "The file is a ZIP archive but not an XLSX or ODS workbook (a Word document, perhaps)",
    )


def detect_kind(head: bytes, suffix: str, open_binary: Callable[[], BinaryIO]) -> str:
    """Return the kind of a file from its first bytes, its name's suffix only breaking ties."""
    if not head.strip():
        raise ImportFormatError("Tệp rỗng, không có dữ liệu", "The file is empty")
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(open_binary)
    if head.startswith(_OLE2):
        return "xls"
    for magic, what in _MAGIC.items():
        if head.startswith(magic):
            raise binary_error(f" ({what})")
    codec = bom_encoding(head) or _utf16(head) or "latin-1"
    text = head.decode(codec, errors="replace").lstrip("\ufeff \t\r\n")
    lowered = text[:2048].lower()
    if lowered.startswith(_HTML_START) or "<table" in lowered or suffix in (".html", ".htm"):
        return "html"
    first = next((ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")), "")
    if suffix == ".ldif" or _LDIF_START.match(first):
        return "ldif"
    return "csv"


def _open(source: str | Path, timeout: float, limit: int) -> _Source:
    """Return the source to read: a downloaded page for an http(s) URL, else a local file."""
    if isinstance(source, str) and re.match(r"^https?://", source, re.I):
        return _download(source, timeout, limit)
    path = Path(source)
    if not path.is_file():
        raise ImportFormatError(f"Không tìm thấy tệp {path}", f"No such file: {path}")
    return _Source(str(path), path=path)


def read_rows(
    source: str | Path,
    *,
    encoding: str | None = None,
    sheet: str | None = None,
    timeout: float = DOWNLOAD_TIMEOUT,
    download_limit: int = DOWNLOAD_LIMIT,
) -> Table:
    """Open an agency list (path or http(s) URL) and return its Table of rows, read lazily."""
    try:
        forced = check_encoding_name(encoding)
    except ValueError:
        raise ImportFormatError(
            f"Bảng mã '{encoding}' không được hỗ trợ; dùng một trong: {', '.join(ENCODINGS)}",
            f"Unsupported encoding '{encoding}'; use one of: {', '.join(ENCODINGS)}",
        ) from None
    src = _open(source, timeout, download_limit)
    try:
        with src.open_binary() as stream:
            head = stream.read(_HEAD_BYTES)
        kind = detect_kind(head, src.suffix, src.open_binary)
        if kind == "csv":
            return read_delimited(src.open_binary, forced)
        if kind == "html":
            return read_html(src.read_all(), forced, src.http_charset)
        if kind == "ldif":
            return read_ldif(src.open_binary, forced)
        return read_workbook(src.path or src.read_all(), kind, sheet, forced)
    except OSError as exc:
        raise ImportFormatError(
            f"Không đọc được tệp {src.name} ({exc.strerror or exc})",
            f"Cannot read the file {src.name} ({exc.strerror or exc})",
        ) from None
