"""Submission by link: an agency names the portal page that publishes its list; we fetch it.

The page is downloaded once into a folder of its own and imported from there, so the preview
and the apply read the same bytes. A page that holds no list is searched for a link to a
spreadsheet (XLSX, XLS, ODS, CSV), which is fetched instead. A fetch that fails, or a page whose
layout no longer yields a single row, is reported and recorded and imports nothing.

Only http(s) addresses are fetched, and never one whose host resolves to a loopback, private
or link-local address: the server must not be made to read its own network for someone who
registers a link (GOVDIR_FETCH_PRIVATE=1 allows it, for a test server on the same machine).
"""

from __future__ import annotations

import ipaddress
import json
import os
import socket
import tempfile
import urllib.parse
from dataclasses import dataclass
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

from directory_service.directory.store import Directory
from directory_service.importing import ImportFormatError, ImportOutcome, run_import
from directory_service.importing.read import download

LINKS_FILE = "links.json"
FETCHES_KEPT = 10
LIST_SUFFIXES = (".xlsx", ".xls", ".ods", ".csv")


class LinkError(ValueError):
    """A link that cannot be fetched or holds no list, in Vietnamese and English."""


@dataclass
class Fetched:
    """What one fetch found: the outcome of its import (or dry run), and where it came from."""

    url: str
    outcome: ImportOutcome
    path: Path


def _private_allowed() -> bool:
    return os.environ.get("GOVDIR_FETCH_PRIVATE", "") in ("1", "true", "yes")


def check_url(url: str) -> str:
    """Return url when it may be fetched (http or https, a public host), else raise LinkError."""
    parts = urllib.parse.urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise LinkError(f"chỉ nhận địa chỉ http(s): {url} / only http(s) addresses: {url}")
    if _private_allowed():
        return url.strip()
    try:
        found = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
    except OSError as e:
        raise LinkError(f"không tìm thấy máy chủ {parts.hostname} / unknown host: {e}") from None
    for *_, address in found:
        ip = ipaddress.ip_address(address[0])
        if ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved:
            raise LinkError(f"máy chủ {parts.hostname} là địa chỉ nội bộ / {parts.hostname} is "
                            "a private address")  # fmt: skip
    return url.strip()


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def linked_list(page_url: str, html: str) -> str | None:
    """Return the address of the first spreadsheet a page links to, or None."""
    parser = _Links()
    parser.feed(html)
    for href in parser.hrefs:
        url = urllib.parse.urljoin(page_url, href)
        if urllib.parse.urlsplit(url).path.lower().endswith(LIST_SUFFIXES):
            return url
    return None


def _save(url: str, data: bytes, folder: Path) -> Path:
    suffix = Path(urllib.parse.urlsplit(url).path).suffix.lower()
    if suffix not in LIST_SUFFIXES:
        suffix = ".html"
    path = folder / f"list{suffix}"
    path.write_bytes(data)
    return path


def fetch_list(
    directory: Directory, code: str, url: str, folder: Path, *, writer=None, apply: bool = False
) -> Fetched:
    """Fetch a unit's list from its link into folder, plan it, and apply it when asked."""
    check_url(url)
    try:
        data, charset = download(url)
    except ImportFormatError as e:
        raise LinkError(str(e)) from None
    path = _save(url, data, folder)
    encoding = charset if path.suffix in (".html", ".csv") else None
    try:
        outcome = run_import(directory, path, code, encoding=encoding,
                             report=folder / "report.csv")  # fmt: skip
    except ImportFormatError as e:
        if path.suffix != ".html":
            raise LinkError(str(e)) from None
        linked = linked_list(url, data.decode(charset or "utf-8", errors="replace"))
        if linked is None:
            raise LinkError(
                f"trang không có danh sách hoặc liên kết tới tệp danh sách ({e}) / "
                f"the page holds no list and links to none ({e})"
            ) from None
        return fetch_list(directory, code, linked, folder, writer=writer, apply=apply)
    if outcome.valid == 0:
        raise LinkError(
            f"không đọc được dòng nào từ {url}: bố cục trang đã đổi? / "
            f"no row could be read from {url}: has the page's layout changed?"
        )
    if apply and writer is not None:
        outcome = run_import(directory, path, code, writer=writer, dry_run=False,
                             encoding=encoding, report=folder / "report.csv")  # fmt: skip
    return Fetched(url, outcome, path)


class LinkBook:
    """Each unit's registered link and its recent fetches, in links.json in the data directory."""

    def __init__(self, data_dir: str | os.PathLike):
        self.path = Path(data_dir) / LINKS_FILE

    def links(self) -> dict[str, dict]:
        """Return every unit's link record by unit code."""
        try:
            return json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}

    def _save(self, links: dict) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".links-")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(links, f, ensure_ascii=False, indent=1)
        os.replace(tmp, self.path)

    def register(self, code: str, url: str, by: str) -> None:
        """Set a unit's link (checked first)."""
        check_url(url)
        links = self.links()
        links[code] = {"url": url.strip(), "by": by, "at": _now(), "fetches": []}
        self._save(links)

    def record(self, code: str, ok: bool, message: str, url: str | None = None) -> None:
        """Record a fetch of a unit's link: when, whether it worked, what it found or why not."""
        links = self.links()
        entry = links.setdefault(code, {"url": url, "by": "", "at": _now(), "fetches": []})
        entry["fetches"] = [*entry["fetches"], {"at": _now(), "ok": ok, "message": message,
                                                "url": url}][-FETCHES_KEPT:]  # fmt: skip
        self._save(links)


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def summary(outcome: ImportOutcome) -> str:
    """Return one line on what a fetched list holds or did."""
    parts = [f"rows {outcome.rows}", f"valid {outcome.valid}", f"rejected {outcome.rejected}"]
    if outcome.plan is not None:
        parts += [f"{k} {outcome.plan.count(k)}" for k in ("add", "modify", "move")]
    if outcome.result is not None:
        parts.append("applied " + ", ".join(f"{k} {v}" for k, v in outcome.result.applied.items()))
    return "; ".join(parts)
