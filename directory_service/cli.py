"""The govdir command: run the directory and query it."""

from __future__ import annotations

import argparse
import os
import sys

import ldap

from directory_service.directory.settings import connection_settings, data_dir_from_env
from directory_service.directory.store import Directory, DirectoryUnavailable, ldap_error_text
from directory_service.server.instance import load_state
from directory_service.server.slapd import SlapdError


def cmd_up(args: argparse.Namespace) -> int:
    """Start (creating on first run) the directory and the web UI in the foreground."""
    from directory_service.server.replication import Role
    from directory_service.server.up import prepare, serve

    data_dir = data_dir_from_env(args.data_dir)
    role = None
    if args.replica_of or args.peer or args.server_id:
        role = Role(args.replica_of or "", tuple(args.peer or ()), args.server_id or 0)
    state, slapd = prepare(
        data_dir,
        ldap_port=args.ldap_port,
        ldaps_port=args.ldaps_port,
        demo_people=args.demo_people,
        structure=args.tree,
        seed=args.seed,
        require_tls=args.require_tls,
        role=role,
        password_file=args.replication_password_file,
    )
    if args.demo_people is not None and args.demo_people != state.demo_people:
        print(
            f"Note: {data_dir} already holds {state.demo_people:,} demo people; "
            "use a new --data-dir for a different size.",
            file=sys.stderr,
        )
    return serve(data_dir, state, slapd, args.http_port, args.host, args.replication_password_file)


def cmd_search(args: argparse.Namespace) -> int:
    """Print the units a query names, then the people matching it, one per line."""
    from directory_service.directory.search import QueryError, search_people
    from directory_service.directory.units import UnitTree

    directory = Directory(connection_settings(args.data_dir))
    try:
        page = search_people(directory, args.query, args.unit, args.page, args.limit)
    except QueryError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    tree = UnitTree(directory)
    for u in page.units if page.page == 1 else []:
        path = " › ".join(a.name for a in directory.unit_path_names(u.path))
        print("\t".join(["unit", u.code, path, u.mail or "", str(tree.people_count(u.code))]))
    for p in page.people:
        print("\t".join([p.name, p.title, ", ".join(p.mail), p.unit_code]))
    more = "more than " if page.more else ""
    print(f"{more}{page.total} found", file=sys.stderr)
    if page.more and page.people and not page.has_next:
        hint = "add words or --unit to narrow the search"
        print(f"only the first {page.total} can be listed: {hint}", file=sys.stderr)
    return 0


def cmd_import_offline(args: argparse.Namespace) -> int:
    """Load an agency list into a unit's empty subtree with slapadd while slapd is stopped."""
    from directory_service.importing import (
        ImportFormatError,
        OfflineImportError,
        UnknownTargetError,
        run_offline_import,
    )
    from directory_service.server.instance import DATA_VERSION, layout_for
    from directory_service.server.slapd import Slapd

    if args.retire:
        print("govdir import: --retire goes with an online import (the unit is empty offline)",
              file=sys.stderr)  # fmt: skip
        return 2
    data_dir = data_dir_from_env(args.data_dir)
    state = load_state(data_dir)
    if state is None or not state.loaded:
        print(f"govdir import: no loaded instance in {data_dir}", file=sys.stderr)
        return 2
    if state.data_version < DATA_VERSION:
        print(f"govdir import: {data_dir} was made by an earlier version; start it once with "
              "govdir up (which upgrades it), stop it, then import", file=sys.stderr)  # fmt: skip
        return 2
    slapd = Slapd(layout_for(data_dir, state), state.ldap_port, ldaps_port=state.ldaps_port)
    bar = None
    if not args.dry_run and sys.stderr.isatty():
        from tqdm import tqdm

        bar = tqdm(unit=" people", desc="slapadd")
    try:
        outcome = run_offline_import(
            slapd, args.file, args.unit, dry_run=args.dry_run, encoding=args.encoding,
            report=args.report, ldif_out=args.ldif_out, check=args.check,
            create_units=args.create_units, progress=bar.update if bar is not None else None,
        )  # fmt: skip
    except (ImportFormatError, UnknownTargetError, OfflineImportError) as e:
        print(f"govdir import: {e}", file=sys.stderr)
        return 2
    finally:
        if bar is not None:
            bar.close()
    print(f"Read {outcome.rows:,} rows ({outcome.kind}, {outcome.encoding}): "
          f"{outcome.valid:,} valid, {outcome.rejected:,} rejected, "
          f"{outcome.flagged:,} flagged")  # fmt: skip
    if args.report:
        print(f"Report: {args.report} ({len(outcome.issues):,} lines)")
    if args.ldif_out:
        print(f"LDIF: {args.ldif_out}")
    _print_new_units(args, outcome.new_units)
    if args.dry_run:
        print(f"Dry run: {outcome.added:,} people would be added; nothing was changed.")
    else:
        print(f"Added {outcome.added:,} people to unit {args.unit} with slapadd.")
    return 0


def _print_new_units(args: argparse.Namespace, units: list[tuple[int | None, str, str]]) -> None:
    """Print how many units the import creates and the first ones (row, code, name)."""
    if not units and not args.create_units:
        return
    print(f"New units under {args.unit}: {len(units):,}")
    for row, code, name in units[: args.show]:
        print(f"  unit    row {row or '-':>6}  {code}  {name}")
    if len(units) > args.show:
        print(f"  ... and {len(units) - args.show:,} more")


def cmd_import(args: argparse.Namespace) -> int:
    """Import an agency list into a unit's subtree: print the plan, write the report, apply."""
    if args.offline:
        return cmd_import_offline(args)
    if args.ldif_out or args.check:
        print("govdir import: --ldif-out and --check go with --offline", file=sys.stderr)
        return 2
    from directory_service.importing import ImportFormatError, UnknownTargetError, run_import

    # On a consumer the plan is made from, and applied to, the provider.
    directory = Directory(connection_settings(args.data_dir)).for_writes()
    bar = None
    if not args.dry_run and sys.stderr.isatty():
        from tqdm import tqdm

        bar = tqdm(unit=" changes", desc="apply")
    try:
        outcome = run_import(
            directory, args.file, args.unit, writer=directory.connection(),
            dry_run=args.dry_run, encoding=args.encoding, retire=args.retire,
            create_units=args.create_units, report=args.report,
            progress=bar.update if bar is not None else None,
        )  # fmt: skip
    except (ImportFormatError, UnknownTargetError) as e:
        print(f"govdir import: {e}", file=sys.stderr)
        return 2
    finally:
        if bar is not None:
            bar.close()
    plan = outcome.plan
    print(f"Read {outcome.rows:,} rows ({outcome.kind}, {outcome.encoding}): "
          f"{len(outcome.records):,} valid, {outcome.rejected:,} rejected, "
          f"{outcome.flagged:,} flagged")  # fmt: skip
    units = [c for c in plan.changes if c.kind == "unit"]
    _print_new_units(args, [(c.row, c.attrs["govdirUnitCode"][0].decode(), c.name) for c in units])
    people = [c for c in plan.changes if c.kind != "unit"]
    counts = ", ".join(f"{plan.count(k):,} {k}" for k in ("add", "modify", "move", "retire"))
    print(f"Plan for unit {args.unit}: {counts}; {plan.unchanged:,} unchanged")
    for change in people[: args.show]:
        target = f" -> {change.new_dn}" if change.new_dn else ""
        print(f"  {change.kind:7s} row {change.row or '-':>6}  {change.name}  {change.dn}{target}")
    if len(people) > args.show:
        print(f"  ... and {len(people) - args.show:,} more")
    if args.report:
        print(f"Report: {args.report} ({len(outcome.issues):,} lines)")
    if args.dry_run:
        print("Dry run: nothing was changed.")
        return 0
    result = outcome.result
    applied = ", ".join(f"{n:,} {k}" for k, n in sorted(result.applied.items())) or "nothing"
    print(f"Applied: {applied} in {result.commits:,} commits; {len(result.failures):,} refused")
    if outcome.interrupted:
        print(
            f"govdir import: the directory stopped answering ({outcome.interrupted}). What was "
            "applied stays; run the same import again to finish it.",
            file=sys.stderr,
        )
        return 1
    return 1 if result.failures else 0


def cmd_reorganise(args: argparse.Namespace) -> int:
    """Turn the stopped directory's legacy tree into the 2025 tree, with a report."""
    from pathlib import Path

    from directory_service.reorganising import AlreadyReorganised, ReorganiseError, reorganise
    from directory_service.server.instance import DATA_VERSION, layout_for, save_state
    from directory_service.server.slapd import Slapd, hash_password

    data_dir = data_dir_from_env(args.data_dir)
    state = load_state(data_dir)
    if state is None or not state.loaded:
        print(f"govdir reorganise: no loaded instance in {data_dir}", file=sys.stderr)
        return 2
    if state.data_version < DATA_VERSION:
        print(f"govdir reorganise: {data_dir} was made by an earlier version; start it "
              "once with govdir up (which upgrades it), stop it, then reorganise",
              file=sys.stderr)  # fmt: skip
        return 2
    slapd = Slapd(layout_for(data_dir, state), state.ldap_port, ldaps_port=state.ldaps_port)
    report = Path(args.report) if args.report else data_dir / "reorganisation.xlsx"
    try:
        outcome = reorganise(
            slapd, hash_password(state.admin_password), state.require_tls, report,
            mapping=args.mapping, dry_run=args.dry_run,
        )  # fmt: skip
    except AlreadyReorganised as e:
        print(f"govdir reorganise: {e}")
        return 0
    except ReorganiseError as e:
        print(f"govdir reorganise: {e}", file=sys.stderr)
        return 2
    plan = outcome.plan
    gone = sum(1 for m in plan.moves.values() if m.how != "kept")
    print(f"{len(plan.moves):,} units of the legacy tree: {gone:,} merged, renamed, moved "
          f"or abolished; {outcome.moved:,} entries moved; {len(plan.former):,} units keep "
          f"former codes or names; {outcome.rights:,} admin rights dropped")  # fmt: skip
    print(f"Report: {outcome.report}")
    if args.dry_run:
        print("Dry run: nothing was changed.")
        return 0
    state.structure = "2025"
    save_state(data_dir, state)
    print(f"The directory holds the 2025 tree ({outcome.entries:,} entries, "
          f"{outcome.seconds:.0f} s). Start it again with govdir up.")  # fmt: skip
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """Export a unit's subtree as LDIF, CSV or XLSX (chosen by the output's extension)."""
    from directory_service.exports.ldif_export import export_ldif, export_table

    directory = Directory(connection_settings(args.data_dir))
    try:
        if args.output.lower().endswith(".ldif"):
            n = export_ldif(directory, args.unit, args.output)
            print(f"Wrote {n:,} entries to {args.output}")
        else:
            n = export_table(directory, args.unit, args.output)
            print(f"Wrote {n:,} people to {args.output}")
    except LookupError as e:
        print(f"govdir export: {e}", file=sys.stderr)
        return 2
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    """Print where the directory is and whether it answers."""
    data_dir = data_dir_from_env(args.data_dir)
    state = load_state(data_dir)
    settings = connection_settings(args.data_dir)
    print(f"Data directory: {data_dir}{'' if state else ' (no instance)'}")
    print(f"LDAP URI:       {settings.uri}")
    print(f"Base DN:        {settings.base_dn}")
    directory = Directory(settings)
    people, truncated = directory.search("(objectClass=govdirPerson)", ["1.1"])
    units = directory.units()
    print(f"Units:          {len(units):,}")
    print(f"People:         {'more than ' if truncated else ''}{len(people):,}")
    if state is not None:
        _print_replication(data_dir, state, directory)
    return 0


def cmd_rounds(args: argparse.Namespace) -> int:
    """Open, list, close a collection round, or confirm a unit's list in it."""
    from directory_service.coverage.rounds import RoundBook

    book = RoundBook(data_dir_from_env(args.data_dir))
    if args.action == "open":
        r = book.open(args.name, args.deadline, args.scope)
        print(f"opened {r.name}: deadline {r.deadline}, scope {r.scope}")
    elif args.action == "close":
        print(f"closed {book.close(args.name).name}")
    elif args.action == "remind":
        return _remind(args, book.get(args.name))
    elif args.action == "fetch":
        return _fetch_links(args, book.get(args.name))
    elif args.action == "confirm":
        directory = Directory(connection_settings(args.data_dir))
        unit = directory.unit(args.unit) or None
        if unit is None:
            raise LookupError(f"không có đơn vị mã {args.unit} / no unit with code {args.unit}")
        _stamp_confirmed(directory, unit.dn)
        book.confirm(args.name, args.unit, "govdir (server shell)")
        print(f"{args.unit}: confirmed unchanged in {args.name}")
    else:
        for r in book.rounds():
            state = f"closed {r.closed}" if r.closed else "open"
            print(f"{r.name}\tdeadline {r.deadline}\t{r.scope}\topened {r.opened}\t{state}\t"
                  f"{len(r.confirmations)} confirmed")  # fmt: skip
    return 0


def _remind(args: argparse.Namespace, chosen) -> int:
    """Export, and mail when asked, the units of a round that have not submitted."""
    from directory_service.coverage.figures import compute
    from directory_service.coverage.reminders import HEADER, reminder_rows, send_reminders
    from directory_service.exports.spreadsheets import to_csv, to_xlsx

    directory = Directory(connection_settings(args.data_dir))
    coverage = compute(directory)
    chosen.apply(coverage)
    rows = reminder_rows(directory, coverage)
    if args.output:
        data = to_xlsx([HEADER, *rows], "Chưa gửi") if args.output.endswith(".xlsx") else None
        with open(args.output, "wb") as f:
            f.write(data or to_csv([HEADER, *rows]))
    print(f"{len(rows):,} units not submitted in {chosen.name}", file=sys.stderr)
    if args.send:
        smtp = os.environ.get("GOVDIR_SMTP_URL")
        if not smtp:
            raise ValueError("đặt GOVDIR_SMTP_URL để gửi thư / set GOVDIR_SMTP_URL to send mail")
        sent = send_reminders(rows, chosen.name, chosen.deadline, smtp)
        print(f"{sent:,} reminders sent", file=sys.stderr)
    return 0


def _fetch_links(args: argparse.Namespace, chosen) -> int:
    """Fetch the registered link of every unit in a round's scope (or one); report each."""
    import tempfile
    from pathlib import Path

    from directory_service.coverage.figures import reporting_level
    from directory_service.coverage.links import LinkBook, LinkError, fetch_list, summary
    from directory_service.coverage.rounds import SCOPES

    directory = Directory(connection_settings(args.data_dir))
    links, units = LinkBook(data_dir_from_env(args.data_dir)), directory.units()
    failed = 0
    for code, link in sorted(links.links().items()):
        unit = units.get(code)
        if unit is None or (args.unit and code != args.unit):
            continue
        if not args.unit and reporting_level(unit) not in SCOPES[chosen.scope]:
            continue
        with tempfile.TemporaryDirectory() as tmp:
            try:
                fetched = fetch_list(directory, code, link["url"], Path(tmp),
                                     writer=directory.connection(), apply=args.apply)  # fmt: skip
            except (LinkError, LookupError) as e:
                failed += 1
                links.record(code, False, str(e), link["url"])
                print(f"{code}\tfailed\t{e}")
                continue
        said = summary(fetched.outcome)
        links.record(code, True, said, fetched.url)
        print(f"{code}\t{'applied' if args.apply else 'planned'}\t{said}")
    return 1 if failed else 0


def cmd_links(args: argparse.Namespace) -> int:
    """Register a unit's portal link, or list the links and their last fetch."""
    from directory_service.coverage.links import LinkBook

    book = LinkBook(data_dir_from_env(args.data_dir))
    if args.action == "set":
        if Directory(connection_settings(args.data_dir)).unit(args.unit) is None:
            raise LookupError(f"không có đơn vị mã {args.unit} / no unit with code {args.unit}")
        book.register(args.unit, args.url, "govdir (server shell)")
        print(f"{args.unit}: {args.url}")
        return 0
    for code, link in sorted(book.links().items()):
        last = link["fetches"][-1] if link["fetches"] else None
        state = (
            f"{'ok' if last['ok'] else 'failed'} {last['at']}: {last['message']}" if last else ""
        )
        print(f"{code}\t{link['url']}\t{state}")
    return 0


def _stamp_confirmed(directory: Directory, unit_dn: str) -> None:
    from directory_service.directory.store import stamp_verified

    if not stamp_verified(directory.connection(), unit_dn):
        raise ValueError(f"the directory refused to stamp {unit_dn}")
    directory.forget_units()


def cmd_report(args: argparse.Namespace) -> int:
    """Compute coverage from the directory; print it as JSON or write the XLSX report."""
    import json

    from directory_service.coverage.figures import compute
    from directory_service.coverage.rounds import RoundBook
    from directory_service.coverage.workbook import report_workbook

    directory = Directory(connection_settings(args.data_dir))
    coverage = compute(directory, args.unit)
    book = RoundBook(data_dir_from_env(args.data_dir))
    chosen = book.get(args.round) if args.round else book.current()
    if chosen is not None:
        chosen.apply(coverage)
    if args.output:
        with open(args.output, "wb") as f:
            f.write(report_workbook(coverage))
        print(f"wrote {args.output}: {len(coverage.units):,} units", file=sys.stderr)
    if args.json or not args.output:
        data = coverage.as_dict()
        if chosen is not None:
            data["round"] = {"name": chosen.name, "deadline": chosen.deadline,
                             "scope": chosen.scope, "closed": chosen.closed}  # fmt: skip
        json.dump(data, sys.stdout, ensure_ascii=False, indent=1)
        print()
    return 0


def _print_replication(data_dir, state, directory: Directory) -> None:
    """Print the server's role and, per server id, how far it is behind whom it copies."""
    import dataclasses

    from directory_service.directory.lag import context_csns, idle_since, lags
    from directory_service.server.replication import PASSWORD_FILE

    role = state.role
    if role.kind == "standalone":
        print("Replication:    off (start with --server-id N to let consumers copy it)")
        return
    if role.kind != "consumer":
        print(f"Replication password file: {data_dir / PASSWORD_FILE} (for consumers and peers)")
    if role.kind == "provider":
        print(f"Role:           provider, server id {state.server_id}")
        return
    label = "consumer of" if role.replica_of else f"server {state.server_id}, peer of"
    print(f"Role:           {label} {' '.join(role.providers)}")
    here = context_csns(directory)
    for uri in role.providers:
        other = Directory(dataclasses.replace(directory.settings, uri=uri, provider=None))
        try:
            there = context_csns(other)
        except DirectoryUnavailable as e:
            print(f"  {uri}: unreachable ({e})")
            continue
        for lag in lags(here, there):
            seconds = lag.seconds
            shown = "in step" if seconds == 0 else f"{seconds:.1f} s behind"
            print(f"  {uri}: server id {lag.server_id}: {shown}")
        newest = idle_since(there)
        if newest and all(x.seconds == 0 for x in lags(here, there)):
            print(f"  {uri}: no write since {newest:%Y-%m-%d %H:%M:%S} UTC")


def cmd_admins(args: argparse.Namespace) -> int:
    """Grant, revoke or list agency admins, or make a reset link (as a national admin)."""
    from directory_service.directory import admins
    from directory_service.directory.tokens import ACTIVATE, RESET

    directory = Directory(connection_settings(args.data_dir)).for_writes()
    if args.action == "list":
        for admin in admins.admins(directory, args.unit):
            print(f"{admin.mail}\t{admin.name}\t{' '.join(admin.units)}")
        return 0
    needs_unit = args.action != "reset"
    if not args.email or (needs_unit and not args.unit):
        print(f"govdir admins {args.action}: EMAIL and --unit CODE are needed", file=sys.stderr)
        return 2
    conn = directory.connection()
    if args.action == "revoke":
        dn = admins.revoke(conn, directory, args.email, args.unit)
        print(f"{args.email} ({dn}) no longer administers {args.unit}")
        return 0
    password = None
    if args.password_file:
        with open(args.password_file, encoding="utf-8") as f:
            password = f.read().strip()
        admins.check_password(directory, password)  # before anything is granted
    if args.action == "reset":
        dn, _attrs = admins.person_by_mail(directory, args.email)
        print(f"Link to set a new password (2 hours): {_link(args, RESET, directory, dn)}")
        return 0
    dn = admins.grant(conn, directory, args.email, args.unit)
    print(f"{args.email} ({dn}) administers {args.unit} and the units below it")
    if password is not None:
        admins.set_password(conn, directory, dn, password)
        print("Password set.")
    else:
        print(f"Activation link (72 hours, once): {_link(args, ACTIVATE, directory, dn)}")
    return 0


def _link(args: argparse.Namespace, purpose: str, directory: Directory, dn: str) -> str:
    """Return a one-time link for the person to set their password in the web."""
    from directory_service.directory.accounts import account
    from directory_service.directory.settings import web_secret
    from directory_service.directory.tokens import make_token

    acct = account(directory, dn)
    token = make_token(web_secret(args.data_dir), purpose, dn, acct.version if acct else "")
    base = os.environ.get("GOVDIR_WEB_URL", "http://127.0.0.1:5000").rstrip("/")
    return f"{base}/{purpose}/{token}"


def cmd_backup(args: argparse.Namespace) -> int:
    """Write the running (or stopped) instance to one archive."""
    from pathlib import Path

    from directory_service.server.backup import backup

    names = backup(data_dir_from_env(args.data_dir), Path(args.output))
    print(f"Wrote {args.output}: {', '.join(names)}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    """Make an instance in an empty data directory from a backup archive."""
    from pathlib import Path

    from directory_service.server.backup import restore

    data_dir = data_dir_from_env(args.data_dir)
    entries = restore(Path(args.archive), data_dir)
    print(f"Restored {entries:,} entries and the audit log into {data_dir}; "
          f"start it with: govdir up --data-dir {data_dir}")  # fmt: skip
    return 0


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of govdir."""
    parser = argparse.ArgumentParser(prog="govdir", description=__doc__)
    parser.add_argument("--data-dir", help="instance directory (default: $GOVDIR_DATA_DIR)")
    sub = parser.add_subparsers(dest="command", required=True)

    up = sub.add_parser("up", help="start slapd and the web UI, creating the demo on first run")
    up.add_argument("--data-dir", default=argparse.SUPPRESS)
    up.add_argument("--ldap-port", type=int)
    up.add_argument("--ldaps-port", type=int)
    up.add_argument("--http-port", type=int)
    up.add_argument(
        "--host", default="127.0.0.1", help="address slapd and the web UI listen on (127.0.0.1)"
    )
    up.add_argument("--demo-people", type=int, help="synthetic people on first run (50,000)")
    up.add_argument(
        "--tree",
        choices=["2025", "legacy"],
        default="2025",
        help="administrative structure: 2025 (34 provinces) or legacy (63)",
    )
    up.add_argument("--seed", type=int, default=1, help="seed of the synthetic staff")
    up.add_argument(
        "--require-tls",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="refuse simple binds except over LDAPS, StartTLS or the local socket (kept)",
    )
    up.add_argument(
        "--replica-of",
        metavar="URI",
        help="run a read-only consumer of the provider at URI (writes go there)",
    )
    up.add_argument(
        "--replication-password-file",
        metavar="FILE",
        help="the set's credentials, written by the first provider (see status)",
    )
    up.add_argument(
        "--peer",
        action="append",
        metavar="URI",
        help="another provider of a multi-provider set (repeatable)",
    )
    up.add_argument("--server-id", type=int, help="this provider's id in the set (1-4095)")
    up.set_defaults(func=cmd_up)

    adm = sub.add_parser("admins", help="grant, revoke or list agency admins")
    adm.add_argument("action", choices=["grant", "revoke", "list", "reset"])
    adm.add_argument("email", nargs="?", help="the address of the person (grant, revoke)")
    adm.add_argument("--unit", help="the code of the unit whose subtree they administer")
    adm.add_argument("--password-file", help="set the person's password from this file (grant)")
    adm.add_argument("--data-dir", default=argparse.SUPPRESS)
    adm.set_defaults(func=cmd_admins)

    search = sub.add_parser("search", help="search people")
    search.add_argument("query")
    search.add_argument("--unit", help="only inside the unit with this code")
    search.add_argument("--page", type=int, default=1)
    search.add_argument("--limit", type=int, default=20)
    search.set_defaults(func=cmd_search)

    imp = sub.add_parser("import", help="import an agency list (XLSX/XLS/ODS/CSV/LDIF/HTML)")
    imp.add_argument("file", help="path, or http(s) URL of an HTML table")
    imp.add_argument("--unit", required=True, help="code of the unit the list covers, e.g. 01")
    imp.add_argument("--dry-run", action="store_true", help="print the plan, change nothing")
    imp.add_argument("--report", help="write rejected and flagged rows to PATH (.xlsx or .csv)")
    imp.add_argument("--encoding", help="force utf-8, utf-16, cp1258, tcvn3 or vni")
    imp.add_argument("--retire", action="store_true",
                     help="mark people of the unit missing from the list as left")  # fmt: skip
    imp.add_argument("--show", type=int, default=20, help="changes to print (20)")
    imp.add_argument(
        "--create-units",
        action="store_true",
        help="create a unit the list names that matches none under --unit (by default such a"
        " row is an error with the closest units suggested); it goes directly under --unit, or"
        " under the known unit the row's section heading names, with a code made from its"
        " parent's and its name's initials. Works with --offline too (slapadd then loads each"
        " new unit before its people)",
    )
    imp.add_argument(
        "--offline",
        action="store_true",
        help="first load of an empty unit with slapadd (stop govdir up first)",
    )
    imp.add_argument("--ldif-out", help="with --offline: also write the LDIF given to slapadd")
    imp.add_argument(
        "--check",
        action="store_true",
        help="with --offline: run slapadd with all its checks (no -q; slower)",
    )
    imp.set_defaults(func=cmd_import)

    exp = sub.add_parser("export", help="export a unit's subtree as LDIF, CSV or XLSX")
    exp.add_argument("--unit", required=True, help="code of the unit, e.g. 01")
    exp.add_argument("--output", required=True, help="PATH.ldif, PATH.csv or PATH.xlsx")
    exp.set_defaults(func=cmd_export)

    status = sub.add_parser("status", help="show where the directory is and what it holds")
    status.set_defaults(func=cmd_status)
    rounds = sub.add_parser("rounds", help="open, list or close collection rounds")
    rounds.add_argument("action", choices=["open", "list", "close", "confirm", "fetch", "remind"])
    rounds.add_argument("name", nargs="?", help="the round's name, e.g. 2026")
    rounds.add_argument("--deadline", help="YYYY-MM-DD (open)")
    rounds.add_argument("--scope", choices=["central", "local", "all"], default="all")
    rounds.add_argument("--unit", help="the unit whose list is unchanged (confirm) or to fetch")
    rounds.add_argument("--apply", action="store_true", help="fetch: import what is fetched")
    rounds.add_argument("--output", help="remind: write the list to PATH.csv or PATH.xlsx")
    rounds.add_argument("--send", action="store_true", help="remind: mail each unit (SMTP)")
    rounds.set_defaults(func=cmd_rounds)

    links = sub.add_parser("links", help="register or list the portal links of units' lists")
    links.add_argument("action", choices=["set", "list"])
    links.add_argument("--unit", help="code of the unit (set)")
    links.add_argument("--url", help="address of the portal page publishing the list (set)")
    links.set_defaults(func=cmd_links)

    report = sub.add_parser("report", help="coverage figures: JSON, or the XLSX report")
    report.add_argument("--output", help="write the report to PATH.xlsx")
    report.add_argument("--json", action="store_true", help="print the figures as JSON")
    report.add_argument("--round", help="the round whose statuses to show (default: the open one)")
    report.add_argument("--unit", help="only this unit's subtree")
    report.set_defaults(func=cmd_report)

    reorg = sub.add_parser(
        "reorganise",
        help="turn the legacy tree (63 provinces) into the 2025 tree (stop govdir up first)",
    )
    reorg.add_argument("--dry-run", action="store_true", help="write the report, change nothing")
    reorg.add_argument("--mapping", help="legacy -> 2025 commune mapping (the snapshot's own)")
    reorg.add_argument("--report", help="the XLSX report (DATA_DIR/reorganisation.xlsx)")
    reorg.set_defaults(func=cmd_reorganise)

    bak = sub.add_parser("backup", help="write config, directory, audit log and state to FILE")
    bak.add_argument("--output", required=True, help="the archive to write (.tar.gz)")
    bak.set_defaults(func=cmd_backup)
    res = sub.add_parser("restore", help="make an instance in an empty --data-dir from a backup")
    res.add_argument("archive")
    res.set_defaults(func=cmd_restore)
    for p in (search, imp, exp, status, rounds, links, report, reorg, bak, res):
        p.add_argument("--data-dir", default=argparse.SUPPRESS)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run govdir."""
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (SlapdError, DirectoryUnavailable, LookupError, ValueError) as e:  # RoundError too
        print(f"govdir: {e}", file=sys.stderr)
        return 1
    except ldap.LDAPError as e:
        print(f"govdir: the directory refused: {ldap_error_text(e)}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
