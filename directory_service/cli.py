"""The govdir command: run the directory and query it."""

from __future__ import annotations

import argparse
import sys

from .instance import connection_settings, data_dir_from_env, load_state
from .slapd import SlapdError
from .store import Directory, DirectoryUnavailable


def cmd_up(args: argparse.Namespace) -> int:
    """Start (creating on first run) the directory and the web UI in the foreground."""
    from .up import prepare, serve

    data_dir = data_dir_from_env(args.data_dir)
    state, slapd = prepare(
        data_dir,
        ldap_port=args.ldap_port,
        ldaps_port=args.ldaps_port,
        demo_people=args.demo_people,
        structure=args.tree,
        seed=args.seed,
    )
    if args.demo_people is not None and args.demo_people != state.demo_people:
        print(
            f"Note: {data_dir} already holds {state.demo_people:,} demo people; "
            "use a new --data-dir for a different size.",
            file=sys.stderr,
        )
    return serve(data_dir, state, slapd, args.http_port, args.host)


def cmd_search(args: argparse.Namespace) -> int:
    """Print the people matching a query, one per line."""
    from .search import QueryError, search_people

    directory = Directory(connection_settings(args.data_dir))
    try:
        page = search_people(directory, args.query, args.unit, args.page, args.limit)
    except QueryError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    for p in page.people:
        print("\t".join([p.name, p.title, ", ".join(p.mail), p.unit_code]))
    more = "more than " if page.more else ""
    print(f"{more}{page.total} found", file=sys.stderr)
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
    up.set_defaults(func=cmd_up)

    search = sub.add_parser("search", help="search people")
    search.add_argument("query")
    search.add_argument("--unit", help="only inside the unit with this code")
    search.add_argument("--page", type=int, default=1)
    search.add_argument("--limit", type=int, default=20)
    search.set_defaults(func=cmd_search)

    status = sub.add_parser("status", help="show where the directory is and what it holds")
    status.set_defaults(func=cmd_status)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run govdir."""
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (SlapdError, DirectoryUnavailable, LookupError) as e:
        print(f"govdir: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
