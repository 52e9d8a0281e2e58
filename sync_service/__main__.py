"""`python -m sync_service [--port N]`: serve the sync service (development server)."""
import argparse

from .web import create_app

parser = argparse.ArgumentParser(prog="python -m sync_service")
parser.add_argument("--host", default="127.0.0.1")
parser.add_argument("--port", type=int, default=5000)
args = parser.parse_args()
create_app().run(host=args.host, port=args.port)
