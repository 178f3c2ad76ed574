"""Serve the web UI with Flask's threaded server (production runs gunicorn 'web:create_app()')."""

from __future__ import annotations

import argparse

from . import create_app


def main() -> None:
    """Parse --host/--port and serve until interrupted."""
    parser = argparse.ArgumentParser(prog="python -m web")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000)
    args = parser.parse_args()
    app = create_app()
    try:
        app.run(host=args.host, port=args.port, threaded=True, use_reloader=False)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
