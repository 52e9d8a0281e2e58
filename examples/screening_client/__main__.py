import argparse

from sync_service.web.serving import serve

from . import create_app

parser = argparse.ArgumentParser(prog="python -m examples.screening_client")
parser.add_argument("--port", type=int, default=5080)
args = parser.parse_args()
serve(create_app(), "127.0.0.1", args.port)
