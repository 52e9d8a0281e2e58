import argparse
import sys

from sync_service.web.serving import serve

from . import create_app, missing_settings

parser = argparse.ArgumentParser(prog="python -m examples.screening_client")
parser.add_argument("--port", type=int, default=5080)
args = parser.parse_args()
if missing_settings():
    names = ", ".join(missing_settings())
    print(f"screening client will not start: {names} not set / 示範篩檢系統未啟動：缺少設定 {names}", file=sys.stderr)
    sys.exit(78)
serve(create_app(), "127.0.0.1", args.port)
