import argparse

from . import create_app

parser = argparse.ArgumentParser(prog="python -m examples.screening_client")
parser.add_argument("--port", type=int, default=5080)
args = parser.parse_args()
create_app().run(host="127.0.0.1", port=args.port)
