"""Write the access matrix into docs/security.md, between its two marker lines."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from directory_service.server.access_policy import markdown_table  # noqa: E402

PAGE = Path(__file__).resolve().parents[1] / "docs" / "security.md"
START, END = "<!-- access matrix: start -->", "<!-- access matrix: end -->"


def main() -> int:
    """Replace the table between the markers with the one made from access_policy.MATRIX."""
    text = PAGE.read_text(encoding="utf-8")
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    PAGE.write_text(f"{head}{START}\n{markdown_table()}\n{END}{tail}", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
