"""One-time links for setting a password: signed, dated, and spent once the password changes.

A link carries the person's DN and their entry's change sequence number (entryCSN). It is signed
with the instance's web secret; once the password is set (or anything else of the entry is
changed), that number moves on and every earlier link for the person stops working.
"""

from __future__ import annotations

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

ACTIVATE, RESET = "activate", "reset"
VALID_SECONDS = {ACTIVATE: 72 * 3600, RESET: 2 * 3600}


class InvalidToken(ValueError):
    """A link that is forged, expired, spent, or for another purpose."""


def make_token(secret: str, purpose: str, dn: str, stamp: str) -> str:
    """Return a link token for setting the password of dn, valid until its password changes."""
    return URLSafeTimedSerializer(secret, salt=purpose).dumps({"dn": dn, "stamp": stamp})


def read_token(secret: str, purpose: str, token: str) -> tuple[str, str]:
    """Return (dn, stamp) of a valid token, or raise InvalidToken."""
    try:
        data = URLSafeTimedSerializer(secret, salt=purpose).loads(
            token, max_age=VALID_SECONDS[purpose]
        )
    except SignatureExpired as e:
        raise InvalidToken("expired") from e
    except BadSignature as e:
        raise InvalidToken("not valid") from e
    return data["dn"], data["stamp"]
