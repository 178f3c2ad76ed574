"""Generate the cn=config LDIF of a private slapd: modules, schema, indexes, limits, ACLs."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from directory_service import SCHEMA_DIR, model
from directory_service.directory.settings import LONG_SEARCH_SECONDS, PAGE_SIZE
from directory_service.entries.attributes import index_lines
from directory_service.reference.mail_providers import PERSONAL_DOMAINS, PERSONAL_PARENTS
from directory_service.server.replication import replicator_dn, syncprov_entries

SYSTEM_SCHEMA_DIR = Path("/etc/ldap/schema")
MODULE_DIR = Path("/usr/lib/ldap")

# Indexes come from the attributes' one definition (entries.attributes). Substring indexes are
# the costly part of a load, so only what a filter uses gets one: the mail clients search cn,
# sn, givenName and mail by substrings; our search asks for word beginnings by equality, one
# index key per beginning (see docs/decisions.md).
INDEXES = index_lines()

# Substring index lengths: prefixes from 2 bytes, inner pieces of 3 so 3-letter searches hit it.
SUBSTR_SETTINGS = {
    "olcIndexSubstrIfMinLen": "2",
    "olcIndexSubstrIfMaxLen": "4",
    "olcIndexSubstrAnyLen": "3",
}
# How far apart the 3-byte pieces of a typed substring are that slapd looks up: 3 tiles
# "nguyet" as "ngu", "yet" (slapd's default of 2 reads "ngu", "uye" and leaves "yet" to the
# entry test). Lookups only: the index holds every piece either way, so running instances
# take it without reindexing (see Slapd.sync_access).
SUBSTR_LOOKUP = {"olcIndexSubstrAnyStep": "3"}

IDL_EXP = 18

# The web account may ask for LONG_SEARCH_SECONDS when it reads the whole unit list, and pages
# past PAGE_SIZE entries: the directory layer's reads are built around both.
WEB_LONG_TIME_LIMIT = LONG_SEARCH_SECONDS
WEB_SIZE_LIMIT = PAGE_SIZE

# Per-identity size limits: the address book and ordinary officials get small ones
# (anti-harvesting).
ADDRESSBOOK_SIZE_LIMIT = 100
USER_SIZE_LIMIT = 100
# Seconds a mail client's search may take: an autocomplete answers in milliseconds, and a
# filter built to make slapd test every entry is cut off soon.
CLIENT_TIME_LIMIT = 3
# Largest request slapd reads before and after a bind: bind requests are small, and our own
# largest filters (an OR of a hundred addresses) are a few kilobytes.
MAX_INCOMING_ANONYMOUS = 16_384
MAX_INCOMING_AUTH = 65_536
# Requests one connection may have queued; the importer keeps a transaction's adds in flight.
MAX_PENDING_ANONYMOUS = 20
MAX_PENDING_AUTH = 256
# GnuTLS priority string: TLS 1.2 and 1.3 only.
TLS_PRIORITY = "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2"
# Security strength a simple bind needs when TLS is required: ldapi's is 71, TLS's 128 or more.
REQUIRED_BIND_SSF = 71


@dataclass(frozen=True)
class SlapdLayout:
    """Paths and names of one private slapd instance."""

    data_dir: Path
    base_dn: str = "dc=gov,dc=vn"

    @property
    def config_dir(self) -> Path:
        """Return the cn=config directory."""
        return self.data_dir / "slapd.d"

    @property
    def db_dir(self) -> Path:
        """Return the back-mdb database directory."""
        return self.data_dir / "db"

    @property
    def accesslog_dir(self) -> Path:
        """Return the directory of the audit log's database (slapo-accesslog)."""
        return self.data_dir / "accesslog"

    @property
    def run_dir(self) -> Path:
        """Return the directory for the pid file and the ldapi socket."""
        return self.data_dir / "run"

    @property
    def tls_dir(self) -> Path:
        """Return the directory of the instance's certificate and key."""
        return self.data_dir / "tls"

    @property
    def ldapi_path(self) -> Path:
        """Return the path of the ldapi socket."""
        return self.run_dir / "ldapi"

    @property
    def root_dn(self) -> str:
        """Return the DN of the national administrator (olcRootDN)."""
        return f"cn=admin,{self.base_dn}"

    @property
    def addressbook_dn(self) -> str:
        """Return the DN of the read-only account that mail clients bind as."""
        return f"cn=addressbook,{self.base_dn}"

    @property
    def web_dn(self) -> str:
        """Return the DN of the read-only account the web tier binds as."""
        return f"cn=web,{self.base_dn}"

    @property
    def admins_group_dn(self) -> str:
        """Return the DN of the group of national administrators."""
        return f"cn=national-admins,{self.base_dn}"

    @property
    def password_policy_dn(self) -> str:
        """Return the DN of the password policy of people's accounts (ppolicy's default)."""
        return f"cn=password-policy,{self.base_dn}"

    @property
    def guard_path(self) -> Path:
        """Return the path of the compiled guard plugin."""
        return self.data_dir / "lib" / "govdir_guard.so"


def _schema_includes() -> list[str]:
    files = [SYSTEM_SCHEMA_DIR / n for n in ("core.ldif", "cosine.ldif", "inetorgperson.ldif")]
    files.append(SCHEMA_DIR / "govdir.ldif")
    return [f"include: file://{f}" for f in files]


# Who may write what, in the words of the access rules below:
# - entries that carry rights (an account class, govdirAdminOf, the admins' group, a service
#   account) are written by national admins only, whoever their parent's admins are;
# - agency admins take their rights from the parent of the entry they write (this/-1), never
#   from values in the entry itself, which on an add are theirs to choose;
# - a person's govdirUnitPath and govdirUnitCode may only hold the parent unit's own values,
#   and units (codes, paths, types, domains, names) are national admins' to change, except
#   that an agency admin may add and rename units of internal kinds below their own unit;
# - addresses written by agency admins must be on a domain of the unit or one above it, or a
#   personal provider's; slapo-unique keeps every address in one entry only.
# Attribute values interpolated into a set (${v0}, ${v1}) are first restricted by a
# regular expression to characters that cannot change the set's meaning.
_CODE_VALUE = "^[A-Za-z0-9._-]+$"
# A unit an agency admin adds has its parent's code, a hyphen and a suffix (as the tree's own
# sub-units and the importer's new units do), so it cannot take a code that names another
# unit, which would carry that unit's rights in govdirAdminOf.
_SUB_UNIT_CODE = "^([A-Za-z0-9._-]+)-[A-Za-z0-9]+$"
# The domain must be one of the unit's or its ancestors' exactly: a parent-domain match would
# let anyone under the central branch (gov.vn) use every ministry's and province's domain.
_MAIL_VALUE = "^[^@]+@([a-z0-9-]+([.][a-z0-9-]+)+)$"
RIGHTS_FILTER = (
    "(|(objectClass=govdirAccount)(govdirAdminOf=*)(objectClass=simpleSecurityObject)"
    "(objectClass=groupOfNames))"
)
# Object classes an agency admin may give the people of their subtree (govdirAccount: when
# appointing one of them admin of a unit below).
PERSON_CLASS_VALUES = "^(top|person|organizationalPerson|inetOrgPerson|govdirPerson|govdirAccount)$"
# Object classes and kinds of the units an agency admin may add below their own unit: the
# kinds the collection counts (ministries, provinces, communes) are national reference data.
UNIT_CLASS_VALUES = "^(top|organizationalUnit|govdirUnit)$"
AGENCY_UNIT_KINDS = (
    model.DIVISION, model.OFFICE, model.DEPARTMENT, model.AGENCY, model.INSPECTORATE,
    model.CENTRE, model.PROVINCIAL_DEPARTMENT, model.EDUCATION, model.HEALTH,
)  # fmt: skip
AGENCY_UNIT_TYPES = f"^({'|'.join(AGENCY_UNIT_KINDS)})$"
# What a unit's own admins may change on the unit entry itself: how to reach it, and when its
# list was last imported or confirmed unchanged (govdirLastVerified).
UNIT_CONTACT_ATTRS = (
    "telephoneNumber,facsimileTelephoneNumber,postalAddress,street,description,labeledURI,"
    "govdirLastVerified"
)
# What an official may change on their own entry (with their password).
SELF_ATTRS = "telephoneNumber,mobile,title,govdirTitlePrefix"


def _unit_path_of_value(base: str) -> str:
    """Return the set of the govdirUnitPath of the unit whose code is the value (${v0})."""
    unit = "(&(objectClass=govdirUnit)(govdirUnitCode=${v0}))"
    return f"[ldap:///{base}?govdirUnitPath?sub?{unit}]/govdirUnitPath"


def _personal_domains() -> str:
    return " | ".join(f"[{d}]" for d in sorted(PERSONAL_DOMAINS | set(PERSONAL_PARENTS)))


def acls(layout: SlapdLayout) -> list[str]:
    """Return the access rules of the main database, first match wins."""
    base = layout.base_dn
    sub = f'dn.subtree="{base}"'
    admins = f'group/groupOfNames/member.exact="{layout.admins_group_dn}"'
    web, book = f'dn.exact="{layout.web_dn}"', f'dn.exact="{layout.addressbook_dn}"'
    # An agency admin of a unit code may write what lies under an entry whose path holds it.
    parent = 'set="user/govdirAdminOf & this/-1/govdirUnitPath"'
    own = 'set="user/govdirAdminOf & this/govdirUnitPath"'
    is_admin_of_parent = "(user/govdirAdminOf & this/-1/govdirUnitPath)"
    domains = f"(this/-1/-*/govdirMailDomain | {_personal_domains()})"
    unit_domains = f"(this/-*/govdirMailDomain | {_personal_domains()})"
    mail_ok = "[${v1}]"
    value_unit_path = _unit_path_of_value(base)
    return [
        # Consumers and peers copy every entry and attribute, password hashes included; the
        # account writes nothing and binds from nowhere but syncrepl.
        f'to * by dn.exact="{replicator_dn(base)}" read by * break',
        f'to dn.base="{base}" by {admins} write by users read by * none',
        # Shared service accounts: their passwords are set by national admins only.
        f"to {sub} filter=(objectClass=simpleSecurityObject) attrs=userPassword "
        f"by {admins} write by anonymous auth by * none",
        f"to attrs=userPassword by {admins} write by self =xw by anonymous auth by * none",
        # Rights: an agency admin may appoint (and revoke) admins of units at or below their
        # own, on people of their own subtree; never of a unit beside or above it. The unit a
        # value names is looked up by code (an internal search in the set).
        f"to {sub} attrs=govdirAdminOf "
        f'val.regex="{_CODE_VALUE}" by {admins} write by self read by {web} read '
        f'by set.expand="{is_admin_of_parent} + (user/govdirAdminOf & {value_unit_path})" '
        "write by * none",
        f"to attrs=govdirAdminOf by {admins} write by self read by {web} read by * none",
        # A second factor's secret: set by its person (through the web, acting for them),
        # read by the web to check codes, cleared by national admins; nobody else sees it.
        f"to attrs=govdirTotpSecret by {admins} write by self =wx by {web} read by * none",
        # The service accounts read everything else; the rules below are for everyone else
        # (each by-clause is evaluated per attribute of every entry returned, and a set that
        # reads the bound user's entry costs the most).
        f"to {sub} by {web} read by {book} read by * break",
        f"to {sub} filter={RIGHTS_FILTER} attrs={SELF_ATTRS} "
        f"by {admins} write by self write by users read by * none",
        f"to {sub} filter={RIGHTS_FILTER} by {admins} write by users read by * none",
        # A person's place in the tree: only the parent unit's own code and path.
        f"to {sub} filter=(objectClass=govdirPerson) attrs=govdirUnitPath "
        f'val.regex="{_CODE_VALUE}" by {admins} write '
        f'by set.expand="{is_admin_of_parent} + (this/-1/govdirUnitPath & [${{v0}}])" =arscxd '
        "by users read by * none",
        f"to {sub} filter=(objectClass=govdirPerson) attrs=govdirUnitCode "
        f'val.regex="{_CODE_VALUE}" by {admins} write '
        f'by set.expand="{is_admin_of_parent} + (this/-1/govdirUnitCode & [${{v0}}])" =arscxd '
        "by users read by * none",
        f"to {sub} filter=(objectClass=govdirPerson) attrs=govdirUnitPath,govdirUnitCode "
        f"by {admins} write by {parent} =zrscxd by users read by * none",
        f"to {sub} filter=(objectClass=govdirPerson) attrs=objectClass "
        f'val.regex="{PERSON_CLASS_VALUES}" by {admins} write by {parent} =arscxd '
        "by users read by * none",
        # Units below an agency admin's own: they may add one of an internal kind (a Phòng,
        # a Văn phòng, a Trung tâm ...) whose path is its parent's plus its own new code
        # (its parent's code, a hyphen and a suffix: unique because its parent's is), and
        # rename it; never delete or move one, nor give one a mail domain or an
        # administrative code.
        f"to {sub} filter=(objectClass=govdirUnit) attrs=objectClass "
        f'val.regex="{UNIT_CLASS_VALUES}" by {admins} write by {parent} =arscxd '
        "by users read by * none",
        f"to {sub} attrs=objectClass by {admins} write by users read by * none",
        f"to {sub} filter=(objectClass=govdirUnit) attrs=govdirUnitCode "
        f'val.regex="{_SUB_UNIT_CODE}" by {admins} write '
        f'by set.expand="{is_admin_of_parent} + (this/-1/govdirUnitCode & [${{v1}}])" =arscxd '
        "by users read by * none",
        f"to {sub} filter=(objectClass=govdirUnit) attrs=govdirUnitPath "
        f'val.regex="{_CODE_VALUE}" by {admins} write '
        f'by set.expand="{is_admin_of_parent} + '
        f'((this/-1/govdirUnitPath | this/govdirUnitCode) & [${{v0}}])" =arscxd '
        "by users read by * none",
        f"to {sub} filter=(objectClass=govdirUnit) attrs=govdirUnitType "
        f'val.regex="{AGENCY_UNIT_TYPES}" by {admins} write by {parent} =arscxd '
        "by users read by * none",
        f"to {sub} filter=(objectClass=govdirUnit) attrs=entry "
        f"by {admins} write by {parent} =arscxd by users read by * none",
        f"to {sub} filter=(objectClass=govdirUnit) attrs=ou,govdirEnglishName "
        f"by {admins} write by {parent} write by users read by * none",
        # Addresses: on a domain of the unit or above it, or a personal provider's.
        f"to {sub} filter=(objectClass=govdirPerson) attrs=mail "
        f'val.regex="{_MAIL_VALUE}" by {admins} write '
        f'by set.expand="{is_admin_of_parent} + ({domains} & {mail_ok})" write '
        "by users read by * none",
        f"to {sub} filter=(objectClass=govdirUnit) attrs=mail "
        f'val.regex="{_MAIL_VALUE}" by {admins} write '
        f'by set.expand="(user/govdirAdminOf & this/govdirUnitPath) + '
        f'({unit_domains} & {mail_ok})" write by users read by * none',
        f"to {sub} filter=(objectClass=govdirPerson) attrs=mail "
        f"by {admins} write by {parent} =zrscxd by users read by * none",
        f"to {sub} filter=(objectClass=govdirUnit) attrs=mail "
        f"by {admins} write by {own} =zrscxd by users read by * none",
        f"to {sub} filter=(objectClass=govdirPerson) attrs={SELF_ATTRS} "
        f"by {admins} write by self write by {parent} write by users read by * none",
        f"to {sub} filter=(objectClass=govdirPerson) "
        f"by {admins} write by {parent} write by users read by * none",
        # Units: agency admins add and remove people under them and keep their contact
        # details; the rest of a unit is reference data.
        f"to {sub} filter=(objectClass=govdirUnit) attrs=children "
        f"by {admins} write by {own} write by * none",
        f"to {sub} filter=(objectClass=govdirUnit) attrs={UNIT_CONTACT_ATTRS} "
        f"by {admins} write by {own} write by users read by * none",
        f"to {sub} by {admins} write by users read by * none",
    ]


def limits(layout: SlapdLayout) -> list[str]:
    """Return the size and time limits of each identity."""
    admins = f'group/groupOfNames/member="{layout.admins_group_dn}"'
    return [
        f'dn.exact="{replicator_dn(layout.base_dn)}" size=unlimited time=unlimited',
        f'dn.exact="{layout.addressbook_dn}" size={ADDRESSBOOK_SIZE_LIMIT} '
        f"time={CLIENT_TIME_LIMIT}",
        # The web tier pages through what is larger than a page (the unit list, big units).
        f'dn.exact="{layout.web_dn}" size={WEB_SIZE_LIMIT} size.pr={WEB_SIZE_LIMIT} '
        f"size.prtotal=unlimited time.soft=10 time.hard={WEB_LONG_TIME_LIMIT}",
        f"{admins} size=unlimited time=unlimited",
        f"users size={USER_SIZE_LIMIT} time={CLIENT_TIME_LIMIT}",
        "anonymous size=1 time=5",
    ]


def tls_library() -> str:
    """Return the TLS library of the system's libldap, which slapd shares: GnuTLS or OpenSSL."""
    import ldap

    return ldap.get_option(ldap.OPT_X_TLS_PACKAGE)


def _tls(layout: SlapdLayout) -> list[str]:
    cert, key = layout.tls_dir / "cert.pem", layout.tls_dir / "key.pem"
    if not (cert.exists() and key.exists()):
        return []
    lines = [f"olcTLSCertificateFile: {cert}", f"olcTLSCertificateKeyFile: {key}"]
    # Debian 12's slapd is built with GnuTLS, which ignores olcTLSProtocolMin: its priority
    # string is what refuses TLS 1.0 and 1.1. Debian 13's is built with OpenSSL, which honours
    # the minimum and refuses the GnuTLS string (slapd would not start).
    if tls_library() == "GnuTLS":
        lines.append(f"olcTLSCipherSuite: {TLS_PRIORITY}")
    lines.append("olcTLSProtocolMin: 3.3")
    return lines


DB = "olcDatabase={1}mdb,cn=config"


def _overlays(layout: SlapdLayout, provides: bool = False) -> list[str]:
    db = DB
    overlays = [
        # Server-side sorting (RFC 2891): SOGo sends a critical sort control and fails
        # without it. The guard plugin refuses the virtual list view the overlay also offers.
        # The servers of a replica set run without the plugin (see config_ldif), so they
        # offer neither.
        *(
            []
            if provides
            else [
                [
                    "olcOverlay: sssvlv",
                    "objectClass: olcSssVlvConfig",
                    "olcSssVlvMax: 64",
                    "olcSssVlvMaxKeys: 3",
                    "olcSssVlvMaxPerConn: 16",
                ]
            ]
        ),
        [
            "olcOverlay: ppolicy",
            "objectClass: olcPPolicyConfig",
            f"olcPPolicyDefault: {layout.password_policy_dn}",
            "olcPPolicyHashCleartext: TRUE",
            # Tells a client binding to a locked account that it is locked (the web says so),
            # at the cost of telling an attacker which accounts their guesses locked.
            "olcPPolicyUseLockout: TRUE",
        ],
        [
            "olcOverlay: unique",
            "objectClass: olcUniqueConfig",
            f"olcUniqueURI: ldap:///{layout.base_dn}?mail?sub",
        ],
        # Every successful write, who made it (with proxied authorization: the person the web
        # acted for) and what it changed, kept AUDIT_RETENTION. slapadd runs no overlay:
        # offline loads are not in it.
        [
            "olcOverlay: accesslog",
            "objectClass: olcAccessLogConfig",
            f"olcAccessLogDB: {AUDIT_SUFFIX}",
            "olcAccessLogOps: writes",
            "olcAccessLogSuccess: TRUE",
            f"olcAccessLogPurge: {AUDIT_RETENTION}",
        ],
    ]
    lines = []
    for n, (first, kind, *rest) in enumerate(overlays):
        name = first.split(": ", 1)[1]
        lines += [f"dn: olcOverlay={{{n}}}{name},{db}", "objectClass: olcOverlayConfig", kind,
                  f"olcOverlay: {{{n}}}{name}", *rest, ""]  # fmt: skip
    return lines


AUDIT_SUFFIX = "cn=accesslog"
# How long the audit log keeps a write, and how often old ones are purged (days+hh:mm).
AUDIT_RETENTION = "366+00:00 1+00:00"


def audit_acls(layout: SlapdLayout) -> list[str]:
    """Return who may read the audit log: national admins, and admins of what was changed.

    A logged write names the entry it changed (reqDN); an agency admin reads the writes to
    entries of their subtree (the entry's path, or its parent's once it is deleted), and the
    writes they made themselves. Nobody writes to the log but slapd.
    """
    admins = f'group/groupOfNames/member.exact="{layout.admins_group_dn}"'
    subtree = (
        'set="user/govdirAdminOf & (this/reqDN/govdirUnitPath | this/reqDN/-1/govdirUnitPath)"'
    )
    return [
        # The log's own top entry holds nothing; people search below it.
        f'to dn.base="{AUDIT_SUFFIX}" by users read by * none',
        f'to dn.subtree="{AUDIT_SUFFIX}" by {admins} read by {subtree} read '
        'by set="this/reqAuthzID & user" read by * none',
    ]


AUDIT_DATABASE = 2  # the audit log's database number (slapcat/slapadd -n)


def _accesslog_database(layout: SlapdLayout) -> list[str]:
    # Its own database, so that the directory's searches never read through the log.
    return [
        f"dn: olcDatabase={{{AUDIT_DATABASE}}}mdb,cn=config",
        "objectClass: olcDatabaseConfig",
        "objectClass: olcMdbConfig",
        f"olcDatabase: {{{AUDIT_DATABASE}}}mdb",
        f"olcDbDirectory: {layout.accesslog_dir}",
        f"olcSuffix: {AUDIT_SUFFIX}",
        f"olcRootDN: {layout.root_dn}",
        "olcDbMaxSize: 8589934592",
        "olcDbIndex: objectClass,reqStart,reqDN,reqAuthzID eq",
        f'olcLimits: {{0}}group/groupOfNames/member="{layout.admins_group_dn}" '
        "size=unlimited time=unlimited",
        *(f"olcAccess: {{{n}}}{acl}" for n, acl in enumerate(audit_acls(layout))),
        "",
    ]


def plugin_value(layout: SlapdLayout, decoy_hash: str) -> str:
    """Return the olcPlugin value that loads the guard plugin (VLV, bind timing)."""
    args = (layout.admins_group_dn, layout.root_dn, decoy_hash)
    quoted = " ".join(f'"{a}"' for a in args)
    return f"preoperation {layout.guard_path} govdir_guard_init {quoted}"


def config_ldif(
    layout: SlapdLayout,
    root_pw_hash: str,
    decoy_hash: str,
    require_tls: bool = False,
    provides: bool = False,
    replica: bool = False,
) -> str:
    """Return the cn=config LDIF that slapadd -n0 loads for this instance.

    It is a standalone provider's; `replication.apply_role` makes it a consumer or a peer
    once slapd runs. A provider that others copy (provides: syncprov on the database) and a
    replica get no guard plugin and no sorting: Debian 12's slapd 2.5.13 crashes in its
    SLAPI layer when replication writes while the plugin runs (docs/deployment.md).
    """
    uid, gid = os.getuid(), os.getgid()
    lines = [
        "dn: cn=config",
        "objectClass: olcGlobal",
        "cn: config",
        f"olcPidFile: {layout.run_dir / 'slapd.pid'}",
        f"olcArgsFile: {layout.run_dir / 'slapd.args'}",
        "olcLogLevel: none",
        "olcSizeLimit: 500",
        "olcTimeLimit: 30",
        *(f"{k}: {v}" for k, v in (SUBSTR_SETTINGS | SUBSTR_LOOKUP).items()),
        f"olcSockbufMaxIncoming: {MAX_INCOMING_ANONYMOUS}",
        f"olcSockbufMaxIncomingAuth: {MAX_INCOMING_AUTH}",
        f"olcConnMaxPending: {MAX_PENDING_ANONYMOUS}",
        f"olcConnMaxPendingAuth: {MAX_PENDING_AUTH}",
        # The web writes on behalf of the signed-in person with the proxied authorization
        # control (RFC 4370); an account's authzTo says whom it may act as (cn=web: people).
        "olcAuthzPolicy: to",
        *([f"olcSecurity: simple_bind={REQUIRED_BIND_SSF}"] if require_tls else []),
        *_tls(layout),
        "",
        "dn: cn=module{0},cn=config",
        "objectClass: olcModuleList",
        "cn: module{0}",
        f"olcModulePath: {MODULE_DIR}",
        "olcModuleLoad: back_mdb",
        "olcModuleLoad: argon2",
        "olcModuleLoad: sssvlv",
        "olcModuleLoad: ppolicy",
        "olcModuleLoad: unique",
        "olcModuleLoad: accesslog",
        "olcModuleLoad: syncprov",
        "",
        # Index slots of 2^18 ids instead of 2^16, so a word shared by tens of thousands of
        # people keeps an exact id list (a search on several such words stays an intersection).
        # Only the very commonest keys (the family name Nguyễn's) become ranges, which slapd
        # reads at once instead of merging long id lists; larger slots made the mail clients'
        # prefix filters slower (docs/performance.md).
        "dn: olcBackend={0}mdb,cn=config",
        "objectClass: olcBackendConfig",
        "objectClass: olcMdbBkConfig",
        "olcBackend: {0}mdb",
        f"olcBkMdbIdlExp: {IDL_EXP}",
        "",
        "dn: cn=schema,cn=config",
        "objectClass: olcSchemaConfig",
        "cn: schema",
        "",
        *_schema_includes(),
        "",
        "dn: olcDatabase={-1}frontend,cn=config",
        "objectClass: olcDatabaseConfig",
        "objectClass: olcFrontendConfig",
        "olcDatabase: {-1}frontend",
        f"olcDefaultSearchBase: {layout.base_dn}",
        "olcPasswordHash: {ARGON2}",
        'olcAccess: {0}to dn.base="" by * read',
        'olcAccess: {1}to dn.base="cn=Subschema" by * read',
        "",
        "dn: olcDatabase={0}config,cn=config",
        "objectClass: olcDatabaseConfig",
        "olcDatabase: {0}config",
        f"olcAccess: {{0}}to * by dn.exact=gidNumber={gid}+uidNumber={uid},"
        "cn=peercred,cn=external,cn=auth manage by * none",
        "",
        "dn: olcDatabase={1}mdb,cn=config",
        "objectClass: olcDatabaseConfig",
        "objectClass: olcMdbConfig",
        "olcDatabase: {1}mdb",
        f"olcDbDirectory: {layout.db_dir}",
        f"olcSuffix: {layout.base_dn}",
        f"olcRootDN: {layout.root_dn}",
        f"olcRootPW: {root_pw_hash}",
        "olcDbMaxSize: 34359738368",
        "olcDbCheckpoint: 1024 5",
        # Check the rules for every attribute an add brings, not only for the entry itself.
        "olcAddContentAcl: TRUE",
        *(f"olcDbIndex: {i}" for i in INDEXES),
        *(f"olcLimits: {{{n}}}{lim}" for n, lim in enumerate(limits(layout))),
        *(f"olcAccess: {{{n}}}{acl}" for n, acl in enumerate(acls(layout))),
        *([] if provides or replica else [f"olcPlugin: {plugin_value(layout, decoy_hash)}"]),
        "",
        *_accesslog_database(layout),
        *_overlays(layout, provides or replica),
        *(syncprov_entries() if provides else []),
    ]
    return "\n".join(lines)
