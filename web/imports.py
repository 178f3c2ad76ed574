"""An agency admin imports their unit's list in the web: upload, preview, apply, report.

The upload is planned at once, as ``govdir import --dry-run`` plans it, and shown as counts and
the rows refused or flagged. Applying runs in the server, on a connection that acts as the
signed-in person (proxied authorization), so slapd refuses what is not theirs; the page follows
its progress, and closing the browser loses nothing. Each batch is kept in the batches
directory: who, when, the file, the plan's counts, the outcome and the report.
"""

from __future__ import annotations

import json
import secrets
import tempfile
import threading
import time
from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.utils import secure_filename

from directory_service.coverage.links import LinkBook, LinkError, fetch_list, summary
from directory_service.directory.accounts import ActingAs
from directory_service.importing import ImportFormatError
from directory_service.importing.online import run_import

from .coverage import rounds_dir
from .views import directory

bp = Blueprint("imports", __name__)
KINDS = ("add", "modify", "move", "retire", "unit")
SHOWN_ISSUES = 100


def batches_dir() -> Path:
    """Return where batches are kept: BATCH_DIR, else <data dir>/batches, else a temp dir."""
    configured = current_app.config.get("BATCH_DIR")
    if not configured:
        data_dir = current_app.config.get("GOVDIR_DATA_DIR")
        configured = Path(data_dir) / "batches" if data_dir else Path(tempfile.gettempdir())
        configured = Path(configured) / "govdir-batches" if not data_dir else configured
        current_app.config["BATCH_DIR"] = configured
    path = Path(configured)
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def _meta_path(batch: str) -> Path:
    if not batch.isalnum():
        abort(404)
    return batches_dir() / batch / "batch.json"


def _load(batch: str) -> dict:
    path = _meta_path(batch)
    if not path.exists():
        abort(404)
    meta = json.loads(path.read_text(encoding="utf-8"))
    if meta["by"] != current_user.account.dn and not current_user.account.national:
        abort(404)  # another person's batch is not theirs to see
    return meta


def _save(path: Path, meta: dict) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(path)


def _summary(outcome) -> dict:
    plan = outcome.plan
    issues = [
        {"row": i.row, "column": i.column, "value": i.value, "rejected": i.rejected,
         "reason_vi": i.reason_vi, "reason_en": i.reason_en}
        for i in outcome.issues[:SHOWN_ISSUES]
    ]  # fmt: skip
    return {
        "rows": outcome.rows, "valid": outcome.valid, "rejected": outcome.rejected,
        "flagged": outcome.flagged, "unchanged": plan.unchanged if plan else 0,
        "changes": {k: plan.count(k) for k in KINDS} if plan else {},
        "total": len(plan.changes) if plan else 0, "issues": issues,
    }  # fmt: skip


def _link_of(code: str) -> str:
    return LinkBook(rounds_dir()).links().get(code, {}).get("url") or ""


@bp.route("/units/<code>/import", methods=["GET", "POST"])
@login_required
def upload(code: str):
    """Take an agency's list for a unit and show what importing it would change."""
    unit = directory().unit(code) or abort(404)
    if request.method == "GET":
        return render_template("import.html", unit=unit, error=None, url=_link_of(code))
    sent = request.files.get("file")
    if sent is None or not sent.filename:
        return render_template("import.html", unit=unit, error=_("Choose a file."), url=""), 422
    batch = secrets.token_hex(8)
    folder = batches_dir() / batch
    folder.mkdir(mode=0o700)
    source = folder / (secure_filename(sent.filename) or "list")
    sent.save(source)
    try:
        outcome = run_import(directory(), source, code, dry_run=True,
                             report=folder / "report.csv")  # fmt: skip
    except ImportFormatError as e:
        return render_template("import.html", unit=unit, error=str(e), url=""), 422
    return _planned(batch, code, source.name, outcome)


def _planned(batch: str, code: str, file: str, outcome, link: str | None = None):
    """Keep a planned batch and show it."""
    meta = {
        "id": batch, "unit": code, "by": current_user.account.dn, "name": current_user.account.name,
        "at": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime()), "file": file, "link": link,
        "state": "planned", "done": 0, "plan": _summary(outcome), "result": None,
    }  # fmt: skip
    _save(batches_dir() / batch / "batch.json", meta)
    return redirect(url_for("imports.batch", batch=batch))


@bp.route("/units/<code>/import/link", methods=["POST"])
@login_required
def from_link(code: str):
    """Register the portal page that publishes a unit's list, fetch it and show the preview."""
    unit = directory().unit(code) or abort(404)
    url = request.form.get("url", "").strip()
    batch = secrets.token_hex(8)
    folder = batches_dir() / batch
    folder.mkdir(mode=0o700)
    links = LinkBook(rounds_dir())
    try:
        fetched = fetch_list(directory(), code, url, folder)
    except LinkError as e:
        if url.startswith(("http://", "https://")):
            links.record(code, False, str(e), url)
        return render_template("import.html", unit=unit, error=str(e), url=url), 422
    links.register(code, url, current_user.account.dn)
    links.record(code, True, summary(fetched.outcome), fetched.url)
    return _planned(batch, code, fetched.path.name, fetched.outcome, link=fetched.url)


@bp.route("/batches/<batch>")
@login_required
def batch(batch: str):
    """Show a batch: its plan, its progress while it applies, its outcome."""
    meta = _load(batch)
    unit = directory().unit(meta["unit"])
    return render_template("batch.html", meta=meta, unit=unit)


@bp.route("/batches/<batch>.json")
@login_required
def batch_status(batch: str):
    """Return a batch's state and progress, for its page to follow."""
    meta = _load(batch)
    return jsonify({k: meta[k] for k in ("state", "done", "result")} | {
        "total": meta["plan"]["total"]})  # fmt: skip


@bp.route("/batches/<batch>/report.csv")
@login_required
def report(batch: str):
    """Send the batch's report: every row refused or flagged, and why."""
    meta = _load(batch)
    path = batches_dir() / meta["id"] / "report.csv"
    if not path.exists():
        abort(404)
    return send_file(path, mimetype="text/csv", as_attachment=True,
                     download_name=f"bao-cao-{meta['unit']}-{meta['id']}.csv")  # fmt: skip


@bp.route("/batches/<batch>/apply", methods=["POST"])
@login_required
def apply(batch: str):
    """Apply a planned batch in the server, acting as the signed-in person."""
    meta = _load(batch)
    if meta["state"] != "planned":
        return redirect(url_for("imports.batch", batch=batch))
    path = _meta_path(batch)
    meta["state"] = "applying"
    _save(path, meta)
    app = current_app._get_current_object()
    acting = ActingAs(directory(), current_user.account.dn)
    thread = threading.Thread(target=_apply, args=(app, acting, path, meta), daemon=True)
    thread.start()
    return redirect(url_for("imports.batch", batch=batch))


def _apply(app, acting: ActingAs, path: Path, meta: dict) -> None:
    """Run the import for real, recording progress and the outcome in the batch."""
    lock = threading.Lock()

    def progress(n: int) -> None:
        with lock:
            meta["done"] += n
            _save(path, meta)

    folder = path.parent
    with app.app_context():
        writer = acting.writer()
        try:
            outcome = run_import(
                acting.directory, folder / meta["file"], meta["unit"], writer=writer,
                dry_run=False, report=folder / "report.csv", progress=progress,
            )  # fmt: skip
            result = outcome.result
            if result:
                from .operations import IMPORT_BATCHES

                IMPORT_BATCHES.inc(result.commits)
            meta["result"] = {
                "applied": result.applied if result else {},
                "refused": len(result.failures) if result else 0,
                "interrupted": outcome.interrupted,
            }
            meta["state"] = "done"
        except Exception as e:  # noqa: BLE001 (the batch must say it failed, whatever the cause)
            meta["state"], meta["result"] = "failed", {"error": str(e)}
            app.logger.exception("import batch %s failed", meta["id"])
        finally:
            writer.unbind_s()
            acting.directory.forget_units()
            _save(path, meta)
