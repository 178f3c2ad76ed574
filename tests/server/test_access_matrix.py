"""The access matrix, tried as an attacker would: every identity, every operation, raw LDAP.

Each cell of ``server.access_policy.MATRIX`` is tried against the real slapd, bound
as each identity. A write that is allowed must land; one that is not must fail with an LDAP
error, never be dropped silently. A read that is not allowed returns no such entry or no such
attribute, as LDAP does.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import ldap
import ldap.modlist
import pytest
from ldap.controls import RequestControlTuples, SimplePagedResultsControl
from ldap.controls.simple import ProxyAuthzControl
from ldap.controls.sss import SSSRequestControl
from ldap.controls.vlv import VLVRequestControl

from directory_service.entries.build import TreeIndex
from directory_service.model import Person
from directory_service.reference.tree import build_tree
from directory_service.server.access_policy import IDENTITIES, MATRIX, Cell, markdown_table
from tests.conftest import settings_for

PASSWORD = "correct horse battery staple"
COMMUNE_UNIT_TYPES = ("xa", "phuong", "dac-khu")


@dataclass
class World:
    """The entries the matrix is tried on and a connection per identity."""

    base: str
    index: TreeIndex
    root: ldap.ldapobject.LDAPObject
    codes: dict[str, str]  # role -> unit code
    dns: dict[str, str] = field(default_factory=dict)  # identity letter or target -> DN
    conns: dict[str, ldap.ldapobject.LDAPObject] = field(default_factory=dict)
    passwords: dict[str, str] = field(default_factory=dict)
    serial: itertools.count = field(default_factory=itertools.count)

    def domain(self, code: str) -> str:
        """Return the mail domain of a unit: its own or the nearest one above it."""
        for c in reversed(self.index.paths[code]):
            if self.index.units[c].domain:
                return self.index.units[c].domain
        raise AssertionError(f"no domain above {code}")

    def person(self, code: str, uid: str | None = None, **extra) -> tuple[str, dict]:
        """Return the DN and attributes of a fresh person in a unit."""
        uid = uid or f"acl{next(self.serial):05d}"
        person = Person(uid=uid, family="Thử", middle="Văn", given="Kiểm", unit_code=code,
                        title="Chuyên viên", mail=[f"{uid}@{self.domain(code)}"])  # fmt: skip
        dn, attrs = self.index.person_entry(person)
        attrs = {k: list(v) for k, v in attrs.items()}
        for k, v in extra.items():
            attrs[k] = attrs.get(k, []) + v
        return dn, attrs

    def add_person(self, code: str, **extra) -> str:
        """Add a person as the database root; return its DN."""
        dn, attrs = self.person(code, **extra)
        self.root.add_s(dn, ldap.modlist.addModlist(attrs))
        return dn

    def attrs(self, dn: str, names: list[str]) -> dict[str, list[bytes]]:
        """Return attributes of an entry as the database root sees them."""
        try:
            return self.root.search_s(dn, ldap.SCOPE_BASE, attrlist=names)[0][1]
        except ldap.NO_SUCH_OBJECT:
            return {}

    def gone(self, *dns: str) -> None:
        """Delete entries if they exist."""
        for dn in dns:
            try:
                self.root.delete_s(dn)
            except ldap.NO_SUCH_OBJECT:
                pass


def _first_unit(index: TreeIndex, under: str, types: tuple[str, ...], skip=()) -> str:
    for code, unit in index.units.items():
        if under in index.paths[code][:-1] and unit.type in types and code not in skip:
            return code
    raise AssertionError(f"no unit of {types} under {under}")


@pytest.fixture(scope="module")
def world(instance):
    state, slapd, _ = instance
    base = state.base_dn
    index = TreeIndex(build_tree(), base)
    root = ldap.initialize(slapd.uri)
    root.simple_bind_s(f"cn=admin,{base}", state.admin_password)
    commune = _first_unit(index, "01", COMMUNE_UNIT_TYPES)
    codes = {
        "commune": commune,
        "commune2": _first_unit(index, "01", COMMUNE_UNIT_TYPES, skip={commune}),
        "province": "01-SNV",
        "province2": "01-STP",
        "sibling": "79",
        "sibling2": _first_unit(index, "79", COMMUNE_UNIT_TYPES),
        "ministry": "BTC",
        "ministry2": _first_unit(index, "BTC", ("vu", "cuc", "van-phong", "thanh-tra")),
    }
    w = World(base, index, root, codes)
    account = [b"govdirAccount"]
    accounts = {
        "O": ("province", {}),
        "C": ("commune", {"objectClass": account, "govdirAdminOf": [commune.encode()]}),
        "P": ("province", {"objectClass": account, "govdirAdminOf": [b"01"]}),
        "M": ("ministry", {"objectClass": account, "govdirAdminOf": [b"BTC"]}),
        "N": ("ministry", {"objectClass": account}),
    }
    for letter, (role, extra) in accounts.items():
        w.dns[letter] = w.add_person(codes[role], uid=f"acl-account-{letter.lower()}", **extra)
        root.passwd_s(w.dns[letter], None, PASSWORD)
        w.passwords[letter] = PASSWORD
    group = f"cn=national-admins,{base}"
    root.modify_s(group, [(ldap.MOD_ADD, "member", [w.dns["N"].encode()])])
    w.dns["B"], w.passwords["B"] = f"cn=addressbook,{base}", state.addressbook_password
    w.dns["W"], w.passwords["W"] = f"cn=web,{base}", state.web_password
    w.dns["R"], w.passwords["R"] = f"cn=replicator,{base}", state.replication_password
    w.dns["A"] = ""
    for role in ("commune", "province", "sibling", "ministry"):
        w.dns[role] = w.add_person(codes[role], userPassword=[b"{ARGON2}not-a-real-hash"])
    w.dns["unit"], w.dns["punit"] = index.dns["01-SNV"], index.dns["01"]
    w.dns["padmin"] = w.dns["P"]
    root.modify_s(w.dns["P"], [(ldap.MOD_ADD, "govdirTotpSecret", [b"JBSWY3DPEHPK3PXP"])])
    w.dns["book"], w.dns["admins"] = w.dns["B"], group
    w.dns["X"], w.passwords["X"] = w.dns["P"], PASSWORD
    for letter in IDENTITIES:
        if letter == "X":
            # The web's own account, every request carrying the proxied authorization control
            # that names the province's admin (as the web does for a signed-in person).
            conn = bind(slapd.uri, f"cn=web,{base}", state.web_password)
            control = ProxyAuthzControl(criticality=True, authzId=f"dn:{w.dns['P']}".encode())
            conn.set_option(ldap.OPT_SERVER_CONTROLS, [control])
            w.conns[letter] = conn
        else:
            w.conns[letter] = bind(slapd.uri, w.dns[letter], w.passwords.get(letter))
    yield w
    root.modify_s(group, [(ldap.MOD_DELETE, "member", [w.dns["N"].encode()])])
    w.gone(*(w.dns[x] for x in "OCPMN"), *(w.dns[r] for r in ("commune", "province")))
    w.gone(w.dns["sibling"], w.dns["ministry"])


def bind(uri: str, dn: str, password: str | None) -> ldap.ldapobject.LDAPObject:
    conn = ldap.initialize(uri)
    conn.set_option(ldap.OPT_REFERRALS, 0)
    if dn:
        conn.simple_bind_s(dn, password)
    return conn


# Each operation: (world, identity letter, connection, target) -> whether it took effect.
# Writes raise ldap.LDAPError when refused; a write that returns must have landed.


def _read(w, who, conn, target, attr):
    dn = w.dns[who] if target == "own" else w.dns[target]
    try:
        found = conn.search_s(dn, ldap.SCOPE_BASE, attrlist=[attr])
    except ldap.NO_SUCH_OBJECT:
        return False
    return bool(found and found[0][1].get(attr))


def _target_dn(w, who, target):
    return w.dns[who] if target == "own" else w.dns[target]


def _modify_landed(w, conn, dn, attr, values, op=ldap.MOD_REPLACE):
    before = w.attrs(dn, [attr]).get(attr, [])
    conn.modify_s(dn, [(op, attr, values)])
    after = w.attrs(dn, [attr]).get(attr, [])
    assert set(values) <= set(after), f"{attr} of {dn} unchanged: the write was dropped"
    if before != after:
        w.root.modify_s(dn, [(ldap.MOD_REPLACE, attr, before or None)])
    return True


def op_change_title(w, who, conn, target):
    dn = _target_dn(w, who, target)
    attr = "title" if who in "OCPMNX" or target != "own" else "description"
    return _modify_landed(w, conn, dn, attr, ["Chuyên viên chính (thử)".encode()])


def op_set_mail(domain_of):
    def op(w, who, conn, target):
        dn = w.dns[target]
        code = w.codes[target]
        address = f"acl-new{next(w.serial)}@{domain_of(w, code)}"
        return _modify_landed(w, conn, dn, "mail", [address.encode()])

    return op


def op_take_held_address(w, who, conn, target):
    holder = w.add_person(w.codes["province2"])
    try:
        held = w.attrs(holder, ["mail"])["mail"]
        return _modify_landed(w, conn, w.dns[target], "mail", held)
    finally:
        w.gone(holder)


def op_foreign_path(w, who, conn, target):
    foreign = b"BCA" if target != "ministry" else b"79"
    return _modify_landed(w, conn, w.dns[target], "govdirUnitPath", [foreign], ldap.MOD_ADD)


def op_foreign_code(w, who, conn, target):
    foreign = b"BCA" if target != "ministry" else b"79"
    return _modify_landed(w, conn, w.dns[target], "govdirUnitCode", [foreign])


def _add(w, conn, dn, attrs):
    try:
        conn.add_s(dn, ldap.modlist.addModlist(attrs))
        assert w.attrs(dn, ["uid"]), f"{dn} was not added: the write was dropped"
        return True
    finally:
        w.gone(dn)


def op_add_person(w, who, conn, target):
    return _add(w, conn, *w.person(w.codes[target]))


def op_add_rights(w, who, conn, target):
    dn, attrs = w.person(
        w.codes[target], objectClass=[b"govdirAccount"], govdirAdminOf=[b"TW"],
        userPassword=[PASSWORD.encode()],
    )  # fmt: skip
    return _add(w, conn, dn, attrs)


def op_add_mislabelled(w, who, conn, target):
    foreign = b"BCA" if target != "ministry" else b"79"
    return _add(w, conn, *w.person(w.codes[target], govdirUnitPath=[foreign]))


def op_move(destination):
    def op(w, who, conn, target):
        dn = w.add_person(w.codes[target])
        rdn = dn.split(",", 1)[0]
        new_parent = w.index.dns[w.codes[destination(target)]]
        try:
            conn.rename_s(dn, rdn, newsuperior=new_parent)
            assert w.attrs(f"{rdn},{new_parent}", ["uid"]), "the move was dropped"
            return True
        finally:
            w.gone(dn, f"{rdn},{new_parent}")

    return op


def op_delete(w, who, conn, target):
    if target == "unit":
        return op_delete_unit(w, who, conn, target)
    dn = w.add_person(w.codes[target])
    try:
        conn.delete_s(dn)
        assert not w.attrs(dn, ["uid"]), "the delete was dropped"
        return True
    finally:
        w.gone(dn)


def op_set_password(w, who, conn, target):
    dn = _target_dn(w, who, target)
    old = w.attrs(dn, ["userPassword"]).get("userPassword")
    conn.passwd_s(dn, None, "a new password of some length")
    assert w.attrs(dn, ["userPassword"]).get("userPassword") != old, "password unchanged"
    if target in ("own", "book"):
        letter = who if target == "own" else "B"
        w.root.passwd_s(dn, None, w.passwords[letter])
    else:
        w.root.modify_s(dn, [(ldap.MOD_REPLACE, "userPassword", old)])
    return True


def op_give_admin_of(w, who, conn, target):
    dn = _target_dn(w, who, target)
    before = w.attrs(dn, ["objectClass"]).get("objectClass", [])
    changes = [(ldap.MOD_ADD, "govdirAdminOf", [b"TW"])]
    if b"govdirAccount" not in before:
        changes.insert(0, (ldap.MOD_ADD, "objectClass", [b"govdirAccount"]))
    conn.modify_s(dn, changes)
    w.root.modify_s(dn, [(ldap.MOD_DELETE, "govdirAdminOf", [b"TW"])])
    return True


def op_make_admin(code_of):
    def op(w, who, conn, target):
        dn = w.add_person(w.codes[target])
        code = code_of(w, target).encode()
        try:
            conn.modify_s(dn, [(ldap.MOD_ADD, "objectClass", [b"govdirAccount"]),
                               (ldap.MOD_ADD, "govdirAdminOf", [code])])  # fmt: skip
            assert w.attrs(dn, ["govdirAdminOf"]).get("govdirAdminOf") == [code], "dropped"
            return True
        finally:
            w.gone(dn)

    return op


def op_act_as(target_dn):
    def op(w, who, conn, target):
        if who == "X":
            # A request carries one proxied authorization control: X already acts for P.
            raise ldap.UNWILLING_TO_PERFORM({"desc": "acts for one person already"})
        dn = target_dn(w)
        control = ProxyAuthzControl(criticality=True, authzId=f"dn:{dn}".encode())
        # python-ldap's whoami_s takes controls as tuples, unlike its other calls.
        said = conn.whoami_s(serverctrls=RequestControlTuples([control]))
        return said.lower() == f"dn:{dn}".lower()

    return op


def op_unit_attr(attr, value):
    def op(w, who, conn, target):
        return _modify_landed(w, conn, w.dns[target], attr, [value.encode()])

    return op


def op_add_unit(path=None, code=None, **extra):
    """Return an operation adding a unit under the target: a Phòng unless extra says."""

    def op(w, who, conn, target):
        parent = w.dns[target]
        parent_path = [v.decode() for v in w.attrs(parent, ["govdirUnitPath"])["govdirUnitPath"]]
        new = code or f"{parent_path[-1]}-ACL{next(w.serial)}"
        attrs = {
            "objectClass": [b"top", b"organizationalUnit", b"govdirUnit"],
            "ou": ["Phòng Thử".encode()],
            "govdirUnitCode": [new.encode()],
            "govdirUnitType": [b"phong"],
            "govdirUnitPath": [v.encode() for v in (path or [*parent_path, new])],
            **{k: [v.encode()] for k, v in extra.items()},
        }
        return _add_unit(w, conn, f"govdirUnitCode={new},{parent}", attrs)

    return op


def op_delete_unit(w, who, conn, target):
    code = f"01-SNV-DEL{next(w.serial)}"
    dn = f"govdirUnitCode={code},{w.dns[target]}"
    w.root.add_s(dn, ldap.modlist.addModlist({
        "objectClass": [b"top", b"organizationalUnit", b"govdirUnit"],
        "ou": ["Phòng Xoá".encode()], "govdirUnitCode": [code.encode()],
        "govdirUnitPath": [b"DP", b"01", b"01-SNV", code.encode()],
    }))  # fmt: skip
    try:
        conn.delete_s(dn)
        assert not w.attrs(dn, ["ou"]), "the delete was dropped"
        return True
    finally:
        w.gone(dn)


def _add_unit(w, conn, dn, attrs):
    try:
        conn.add_s(dn, ldap.modlist.addModlist(attrs))
        assert w.attrs(dn, ["ou"]), "the unit was not added: the write was dropped"
        return True
    finally:
        w.gone(dn)


def op_add_member(w, who, conn, target):
    extra = f"cn=nobody,{w.base}".encode()
    conn.modify_s(w.dns["admins"], [(ldap.MOD_ADD, "member", [extra])])
    w.root.modify_s(w.dns["admins"], [(ldap.MOD_DELETE, "member", [extra])])
    return True


UNITS = "(objectClass=govdirUnit)"


def op_vlv(w, who, conn, target):
    sort = SSSRequestControl(criticality=True, ordering_rules=["ou:caseIgnoreOrderingMatch"])
    window = VLVRequestControl(
        criticality=True, before_count=0, after_count=9, offset=2001, content_count=0
    )
    msgid = conn.search_ext(w.base, ldap.SCOPE_SUBTREE, UNITS, ["ou"], serverctrls=[sort, window])
    _, data, _, _ = conn.result3(msgid)
    return len(data) == 10


def op_paged(w, who, conn, target):
    page = SimplePagedResultsControl(True, size=100, cookie=b"")
    got = 0
    while got <= 2000:
        msgid = conn.search_ext(w.base, ldap.SCOPE_SUBTREE, UNITS, ["1.1"], serverctrls=[page])
        _, data, _, controls = conn.result3(msgid)
        got += len(data)
        cookie = next(c.cookie for c in controls if c.controlType == page.controlType)
        if not cookie:
            break
        page.cookie = cookie
    return got > 2000


def _domain_own(w, code):
    return w.domain(code)


def _domain_foreign(w, code):
    return "mps.gov.vn" if w.domain(code) != "mps.gov.vn" else "moh.gov.vn"


def _within(target):
    return {"commune": "commune2", "province": "province2", "sibling": "sibling2",
            "ministry": "ministry2"}[target]  # fmt: skip


def _elsewhere(target):
    return "sibling" if target != "sibling" else "province"


OPERATIONS = {
    "read name and address": lambda w, who, c, t: _read(w, who, c, t, "cn"),
    "read the password hash": lambda w, who, c, t: _read(w, who, c, t, "userPassword"),
    "read govdirAdminOf": lambda w, who, c, t: _read(w, who, c, t, "govdirAdminOf"),
    "read the two-step secret": lambda w, who, c, t: _read(w, who, c, t, "govdirTotpSecret"),
    "change the title": op_change_title,
    "set an address on the unit's own domain": op_set_mail(_domain_own),
    "set an address on another agency's domain": op_set_mail(_domain_foreign),
    "take an address another official holds": op_take_held_address,
    "add a unit code from elsewhere to govdirUnitPath": op_foreign_path,
    "set govdirUnitCode to another unit's": op_foreign_code,
    "add a person beside it": op_add_person,
    "add an entry carrying rights and a password beside it": op_add_rights,
    "add a person labelled with another unit's path": op_add_mislabelled,
    "move it within its province": op_move(_within),
    "move it to another province": op_move(_elsewhere),
    "delete it": op_delete,
    "set its password": op_set_password,
    "change the password": op_set_password,
    "give itself govdirAdminOf": op_give_admin_of,
    "make it admin of its own commune": op_make_admin(lambda w, t: w.codes["commune"]),
    "make it admin of province 01": op_make_admin(lambda w, t: "01"),
    "make it admin of province 79": op_make_admin(lambda w, t: "79"),
    "act as it through proxied authorization": op_act_as(lambda w: w.dns["province"]),
    "act as the database root through proxied authorization": op_act_as(
        lambda w: f"cn=admin,{w.base}"
    ),
    "change the telephone number": op_unit_attr("telephoneNumber", "024 0000 0000"),
    "rename it": op_unit_attr("ou", "Sở Đổi Tên"),
    "give it an English name": op_unit_attr("govdirEnglishName", "Renamed Department"),
    "change its kind": op_unit_attr("govdirUnitType", "tinh"),
    "change its mail domain": op_unit_attr("govdirMailDomain", "example.gov.vn"),
    "add a unit under it": op_add_unit(),
    "add a unit of a national kind under it": op_add_unit(govdirUnitType="tinh"),
    "add a unit with its own mail domain under it": op_add_unit(govdirMailDomain="mof.gov.vn"),
    "add a unit under it labelled with another unit's path": op_add_unit(
        path=["DP", "79", "01-SNV-ELSEWHERE"], code="01-SNV-ELSEWHERE"
    ),
    "add a unit under it with another unit's code": op_add_unit(code="01-STP"),
    "give it a former code": op_unit_attr("govdirFormerCode", "02-SNV"),
    "add a member": op_add_member,
    "read past the size cap with a virtual list view": op_vlv,
    "read past the size cap with paged results": op_paged,
}


def attempt(world: World, cell: Cell, who: str) -> tuple[bool, str]:
    """Try one cell as one identity; return (took effect, what slapd said)."""
    if cell.target == "own" and who == "A":
        return False, "no entry"
    try:
        return OPERATIONS[cell.operation](world, who, world.conns[who], cell.target), "ok"
    except ldap.LDAPError as e:
        info = e.args[0] if e.args and isinstance(e.args[0], dict) else {}
        return False, info.get("desc", type(e).__name__)


def test_every_operation_has_an_implementation():
    assert {cell.operation for cell in MATRIX} <= set(OPERATIONS)


@pytest.mark.parametrize(
    "cell", MATRIX, ids=[f"{c.operation}|{c.target}".replace(" ", "-") for c in MATRIX]
)
def test_access_matrix(world, cell):
    results = {who: attempt(world, cell, who) for who in IDENTITIES}
    wrong = {who: said for who, (took, said) in results.items() if took != cell.allows(who)}
    row = " ".join(f"{who}:{'yes' if took else 'no'}" for who, (took, _) in results.items())
    print(f"{cell.operation} / {cell.target}: {row}")
    assert not wrong, f"{cell.operation} on {cell.target}: unexpected for {wrong}"


def test_the_security_page_shows_this_matrix():
    from pathlib import Path

    page = (Path(__file__).parents[2] / "docs" / "security.md").read_text(encoding="utf-8")
    assert markdown_table() in page, "docs/security.md is stale: run tools/security_table.py"


def test_the_service_accounts_cannot_be_locked_out(instance):
    state, slapd, _ = instance
    book = f"cn=addressbook,{state.base_dn}"
    for _ in range(7):
        with pytest.raises(ldap.INVALID_CREDENTIALS):
            bind(slapd.uri, book, "a wrong guess")
    assert bind(slapd.uri, book, state.addressbook_password).whoami_s()
    assert settings_for(instance, "addressbook").bind_dn == book
