"""LDAP transactions (RFC 5805) over python-ldap: many writes, one durable commit."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import ldap
from ldap.controls import RequestControl
from ldap.extop import ExtendedRequest
from pyasn1.codec.ber import encoder
from pyasn1.type import namedtype, univ

START_TXN = "1.3.6.1.1.21.1"
TXN_CONTROL = "1.3.6.1.1.21.2"
END_TXN = "1.3.6.1.1.21.3"


class _EndTxnValue(univ.Sequence):
    componentType = namedtype.NamedTypes(
        namedtype.DefaultedNamedType("commit", univ.Boolean(True)),
        namedtype.NamedType("identifier", univ.OctetString()),
    )


class TransactionControl(RequestControl):
    """Mark an update as part of the transaction with this identifier."""

    def __init__(self, identifier: bytes):
        # The control value is the identifier's raw octets.
        super().__init__(TXN_CONTROL, True, identifier)


class EndTransaction(ExtendedRequest):
    """Commit or abort the transaction with this identifier."""

    def __init__(self, identifier: bytes, commit: bool = True):
        super().__init__(END_TXN, None)
        self.identifier, self.commit = identifier, commit

    def encodedRequestValue(self) -> bytes:  # noqa: N802 (python-ldap's name)
        """Return the BER encoding of txnEndReq."""
        value = _EndTxnValue()
        if not self.commit:
            value["commit"] = False
        value["identifier"] = self.identifier
        return encoder.encode(value)


class Transaction:
    """An open transaction: its updates are applied together at commit, or not at all."""

    def __init__(self, conn: ldap.ldapobject.LDAPObject):
        self.conn = conn
        _, self.identifier = conn.extop_s(ExtendedRequest(START_TXN, None))
        self.controls = [TransactionControl(self.identifier)]
        self.pending: list[int] = []

    def add(self, dn: str, modlist: list) -> None:
        """Queue an add inside the transaction."""
        self.pending.append(self.conn.add_ext(dn, modlist, serverctrls=self.controls))

    def modify(self, dn: str, modlist: list) -> None:
        """Queue a modify inside the transaction."""
        self.pending.append(self.conn.modify_ext(dn, modlist, serverctrls=self.controls))

    def end(self, commit: bool = True) -> None:
        """Collect the queued results, then commit the transaction, or abort it if one failed."""
        pending, self.pending = self.pending, []
        try:
            for msgid in pending:
                self.conn.result3(msgid)
        except ldap.LDAPError:
            # An update slapd refused when it was queued: nothing of the batch may land.
            self.conn.extop_s(EndTransaction(self.identifier, commit=False))
            raise
        self.conn.extop_s(EndTransaction(self.identifier, commit))


@contextmanager
def transaction(conn: ldap.ldapobject.LDAPObject) -> Iterator[Transaction]:
    """Run the body's updates in one transaction: committed on success, aborted on error."""
    txn = Transaction(conn)
    try:
        yield txn
    except BaseException:
        try:
            txn.end(commit=False)
        except ldap.LDAPError:
            pass
        raise
    txn.end(commit=True)
