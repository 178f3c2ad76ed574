"""Serve the web UI with Flask's threaded server (production runs gunicorn 'web:create_app()')."""

from __future__ import annotations

import argparse
import logging
import signal

from werkzeug.serving import make_server

from . import create_app


def main() -> None:
    """Parse --host/--port and serve until interrupted."""
    parser = argparse.ArgumentParser(prog="python -m web")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000)
    args = parser.parse_args()
    server = make_server(args.host, args.port, create_app(), threaded=True)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
