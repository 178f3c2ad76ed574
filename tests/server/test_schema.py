"""The schema: both forms agree, and every OID sits under the project's arc."""

from __future__ import annotations

import re
import subprocess

from directory_service import PROJECT_ROOT, SCHEMA_DIR

ARC = "2.25.295434006789383124551923583225032766415"


def test_cn_config_ldif_is_generated_from_schema(tmp_path):
    out = tmp_path / "govdir.ldif"
    subprocess.run([str(PROJECT_ROOT / "tools" / "schema_to_ldif.sh"), str(out)], check=True)
    assert out.read_text() == (SCHEMA_DIR / "govdir.ldif").read_text()


def test_every_oid_is_under_one_uuid_arc():
    text = (SCHEMA_DIR / "govdir.schema").read_text()
    assert f"objectidentifier govdirOID {ARC}" in text
    defs = re.findall(r"^(?:attributetype|objectclass) \( (\S+)", text, re.M)
    assert len(defs) >= 12
    assert all(d.startswith(("govdirAttr:", "govdirClass:")) for d in defs)
    assert len(set(defs)) == len(defs)
