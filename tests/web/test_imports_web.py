"""An agency admin imports their unit's list in the web: preview, apply with progress, report."""

from __future__ import annotations

import csv
import io
import re
import time

import ldap
import pytest

from tests.web.test_account_web import csrf, sign_in
from tests.web.test_audit_web import _admin

HEADER = ["STT", "Họ và tên", "Chức vụ", "Đơn vị", "Email"]


@pytest.fixture()
def admins(instance):
    """An admin of Sở Tư pháp Hà Nội and one of Hồ Chí Minh City; removed with what they add."""
    state, slapd, _ = instance
    _admin(instance, "pimportweb1", "01-STP", "nhap.stp@hanoi.gov.vn", "01-STP")
    _admin(instance, "pimportweb2", "79-STP", "nhap.stp@tphcm.gov.vn", "79")
    root = ldap.initialize(slapd.uri)
    root.simple_bind_s(f"cn=admin,{state.base_dn}", state.admin_password)
    yield root
    found = root.search_s(state.base_dn, ldap.SCOPE_SUBTREE,
                          "(|(uid=pimportweb*)(mail=webimport*))", ["1.1"])  # fmt: skip
    for dn, _ in found:
        root.delete_s(dn)


def the_list(rows: int, bad: bool = True) -> bytes:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(HEADER)
    for i in range(rows):
        w.writerow([i + 1, f"Phan Văn Nhập{chr(97 + i % 26)}", "Chuyên viên", "Sở Tư pháp",
                    f"webimport{i}@hanoi.gov.vn"])  # fmt: skip
    if bad:
        w.writerow([rows + 1, "Phan Văn Sai", "Chuyên viên", "Sở Tư pháp", "khong-co-a-cong"])
    return out.getvalue().encode()


def upload(client, data: bytes):
    token = csrf(client, "/units/01-STP/import")
    return client.post("/units/01-STP/import", data={
        "csrf_token": token, "file": (io.BytesIO(data), "danh-sach.csv")},
        content_type="multipart/form-data")  # fmt: skip


def wait_done(client, batch: str) -> dict:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        status = client.get(f"/batches/{batch}.json").get_json()
        if status["state"] != "applying":
            return status
        time.sleep(0.2)
    raise AssertionError("the batch did not finish")


def test_preview_then_apply_as_the_admin_with_progress_and_a_report(app, admins, tmp_path):
    root = admins
    app.config["BATCH_DIR"] = tmp_path
    client = app.test_client()
    sign_in(client, mail="nhap.stp@hanoi.gov.vn")
    sent = upload(client, the_list(30))
    assert sent.status_code == 302
    batch = re.search(r"/batches/([0-9a-f]+)$", sent.headers["Location"]).group(1)
    page = client.get(f"/batches/{batch}?lang=en").get_data(as_text=True)
    assert '<dd class="rows">31</dd>' in page and '<dd class="rejected">1</dd>' in page
    assert '<dd class="change-add">30</dd>' in page
    assert root.search_s("dc=gov,dc=vn", ldap.SCOPE_SUBTREE, "(mail=webimport0@hanoi.gov.vn)",
                         ["1.1"]) == []  # a preview writes nothing  # fmt: skip
    report = client.get(f"/batches/{batch}/report.csv").get_data(as_text=True)
    assert "khong-co-a-cong" in report

    token = csrf(client, f"/batches/{batch}")
    assert client.post(f"/batches/{batch}/apply", data={"csrf_token": token}).status_code == 302
    status = wait_done(client, batch)
    assert status["state"] == "done" and status["done"] == status["total"] == 30
    assert status["result"]["applied"] == {"add": 30} and status["result"]["refused"] == 0
    [(_, attrs)] = root.search_s("dc=gov,dc=vn", ldap.SCOPE_SUBTREE,
                                 "(mail=webimport7@hanoi.gov.vn)", ["modifiersName"])  # fmt: skip
    assert "pimportweb1" in attrs["modifiersName"][0].decode().lower()  # written as the admin


def test_an_admin_of_another_province_has_every_row_refused(app, admins, tmp_path):
    root = admins
    app.config["BATCH_DIR"] = tmp_path
    client = app.test_client()
    sign_in(client, mail="nhap.stp@tphcm.gov.vn")
    sent = upload(client, the_list(5, bad=False))
    batch = re.search(r"/batches/([0-9a-f]+)$", sent.headers["Location"]).group(1)
    token = csrf(client, f"/batches/{batch}")
    client.post(f"/batches/{batch}/apply", data={"csrf_token": token})
    status = wait_done(client, batch)
    assert status["state"] == "done" and status["result"]["refused"] == 5
    assert status["result"]["applied"] == {}
    assert root.search_s("dc=gov,dc=vn", ldap.SCOPE_SUBTREE, "(mail=webimport*)", ["1.1"]) == []
    # The report says why, row by row; and nobody else may open the batch.
    assert "Insufficient access" in client.get(f"/batches/{batch}/report.csv").get_data(
        as_text=True
    )
    other = app.test_client()
    sign_in(other, mail="nhap.stp@hanoi.gov.vn")
    assert other.get(f"/batches/{batch}").status_code == 404


def test_a_file_that_is_not_a_list_is_refused_with_a_reason(app, admins, tmp_path):
    app.config["BATCH_DIR"] = tmp_path
    client = app.test_client()
    sign_in(client, mail="nhap.stp@hanoi.gov.vn")
    refused = upload(client, b"\x00\x01\x02 not a list")
    assert refused.status_code == 422
    assert 'role="alert"' in refused.get_data(as_text=True)
