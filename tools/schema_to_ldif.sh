#!/bin/sh
# Convert schema/govdir.schema to its cn=config form (default schema/govdir.ldif) with slaptest.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$here/schema/govdir.ldif}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/d"
cat > "$tmp/slapd.conf" <<CONF
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
include $here/schema/govdir.schema
CONF
slaptest -f "$tmp/slapd.conf" -F "$tmp/d" >/dev/null 2>&1
src=$(ls "$tmp"/d/cn=config/cn=schema/*govdir.ldif)
{
  echo "# Generated from govdir.schema by tools/schema_to_ldif.sh; edit the .schema, not this file."
  echo "dn: cn=govdir,cn=schema,cn=config"
  echo "objectClass: olcSchemaConfig"
  echo "cn: govdir"
  sed -n '/^olcObjectIdentifier\|^olcAttributeTypes\|^olcObjectClasses\|^ /p' "$src"
} > "$out"
