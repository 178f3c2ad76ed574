"""Generate the cn=config LDIF of a private slapd: modules, schema, indexes, limits, ACLs."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from . import SCHEMA_DIR

SYSTEM_SCHEMA_DIR = Path("/etc/ldap/schema")
MODULE_DIR = Path("/usr/lib/ldap")

# Attributes that web search and the mail clients put in their filters. Substring indexes
# are the costly part of a load, so only what a filter uses gets one: the clients search
# cn, sn, givenName and mail by substrings. Our search asks for word beginnings by equality
# (govdirNamePrefix, govdirTitlePrefix: one value per beginning of a folded word, so one index
# key each), whole words (govdirNameWord) and address beginnings (mail), and matches unit
# names against the cached unit list instead of ou/o. A substring index on govdirNameWord and
# title did the same work with 55 index records a person instead of about 28 (slapd 2.5.13
# writes inner and final keys even for "subinitial"), and loads took a tenth longer.
INDEXES = [
    "objectClass eq",
    "entryUUID eq",
    "uid eq",
    "cn,sn,givenName eq,sub",
    "govdirNameWord,govdirNamePrefix,govdirTitlePrefix eq",
    "mail eq,sub",
    "title eq",
    "displayName,govdirMiddleName,ou,o eq",
    "govdirUnitCode,govdirUnitPath,govdirUnitType,govdirStatus,govdirAdminOf eq",
]

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

# Seconds the web account may ask for when it reads the whole unit list: on a million-person
# directory whose pages are not yet in memory (just after a boot), reading 17,267 units took
# longer than the 10 s every other search gets.
WEB_LONG_TIME_LIMIT = 120

# Per-identity size limits: the address book and ordinary officials get small ones
# (anti-harvesting); the web tier pages over somewhat larger result sets.
ADDRESSBOOK_SIZE_LIMIT = 100
WEB_SIZE_LIMIT = 1000
USER_SIZE_LIMIT = 100


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


def _schema_includes() -> list[str]:
    files = [SYSTEM_SCHEMA_DIR / n for n in ("core.ldif", "cosine.ldif", "inetorgperson.ldif")]
    files.append(SCHEMA_DIR / "govdir.ldif")
    return [f"include: file://{f}" for f in files]


def acls(layout: SlapdLayout) -> list[str]:
    """Return the access rules of the main database, first match wins."""
    base = layout.base_dn
    admins = f'group/groupOfNames/member.exact="{layout.admins_group_dn}"'
    # Agency admins: an account whose govdirAdminOf names a unit code may write every entry
    # whose govdirUnitPath holds that code, i.e. that unit's whole subtree.
    agency = 'set="user/govdirAdminOf & this/govdirUnitPath"'
    return [
        f"to attrs=userPassword by {admins} write by self =xw by anonymous auth by * none",
        f"to attrs=govdirAdminOf by {admins} write by users read by * none",
        f'to dn.base="{base}" by {admins} write by users read by * none',
        # The service accounts come first: each by-clause is evaluated per attribute of every
        # entry returned, and the set (which reads the bound user's entry) costs the most; for
        # the web and address-book accounts it made searches ten times slower.
        f'to dn.subtree="{base}" by dn.exact="{layout.web_dn}" read '
        f'by dn.exact="{layout.addressbook_dn}" read by {admins} write by {agency} write '
        "by users read by * none",
    ]


def limits(layout: SlapdLayout) -> list[str]:
    """Return the size and time limits of each identity."""
    admins = f'group/groupOfNames/member="{layout.admins_group_dn}"'
    return [
        f'dn.exact="{layout.addressbook_dn}" size={ADDRESSBOOK_SIZE_LIMIT} time=10',
        # The web tier is trusted to ask for more (the whole unit list) when it needs to.
        f'dn.exact="{layout.web_dn}" size.soft={WEB_SIZE_LIMIT} size.hard=unlimited '
        f"time.soft=10 time.hard={WEB_LONG_TIME_LIMIT}",
        f"{admins} size=unlimited time=unlimited",
        f"users size={USER_SIZE_LIMIT} time=10",
        "anonymous size=1 time=5",
    ]


def _tls(layout: SlapdLayout) -> list[str]:
    cert, key = layout.tls_dir / "cert.pem", layout.tls_dir / "key.pem"
    if not (cert.exists() and key.exists()):
        return []
    return [
        f"olcTLSCertificateFile: {cert}",
        f"olcTLSCertificateKeyFile: {key}",
        "olcTLSProtocolMin: 3.3",
    ]


def _sssvlv() -> list[str]:
    # Server-side sorting and virtual list views (RFC 2891, draft-ietf-ldapext-ldapv3-vlv):
    # SOGo sends a critical sort control and fails without it.
    return [
        "dn: olcOverlay={0}sssvlv,olcDatabase={1}mdb,cn=config",
        "objectClass: olcOverlayConfig",
        "objectClass: olcSssVlvConfig",
        "olcOverlay: {0}sssvlv",
        "olcSssVlvMax: 64",
        "olcSssVlvMaxKeys: 3",
        "olcSssVlvMaxPerConn: 16",
        "",
    ]


def config_ldif(layout: SlapdLayout, root_pw_hash: str) -> str:
    """Return the cn=config LDIF that slapadd -n0 loads for this instance."""
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
        *_tls(layout),
        "",
        "dn: cn=module{0},cn=config",
        "objectClass: olcModuleList",
        "cn: module{0}",
        f"olcModulePath: {MODULE_DIR}",
        "olcModuleLoad: back_mdb",
        "olcModuleLoad: argon2",
        "olcModuleLoad: sssvlv",
        "",
        # Index slots of 2^18 ids instead of 2^16, so a word shared by tens of thousands of
        # people keeps an exact id list (a search on several such words stays an intersection).
        # Only the very commonest keys ("nguy", about 38% of a million people) become ranges,
        # which slapd reads at once instead of merging lists of 400,000 ids: measured at a
        # million people, 2^18 brought the mail clients' prefix filters from 26-32 ms p95 (2^20)
        # to 6-10 ms with the same web search times.
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
        *(f"olcDbIndex: {i}" for i in INDEXES),
        *(f"olcLimits: {{{n}}}{lim}" for n, lim in enumerate(limits(layout))),
        *(f"olcAccess: {{{n}}}{acl}" for n, acl in enumerate(acls(layout))),
        "",
        *_sssvlv(),
    ]
    return "\n".join(lines)
