"""`python -m sandbox serve ...`: run the sandbox in the foreground;
`python -m sandbox env --url URL`: the live settings that point the pipeline at it."""

import argparse
import shlex
import signal
import time
from datetime import date

import requests

from .company import generate_company
from .environment import live_environment
from .profiles import PROFILES
from .server import SandboxServer


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m sandbox")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the simulated company's APIs over HTTP")
    serve.add_argument("--port", type=int, default=8765)
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--employees", type=int, default=500)
    serve.add_argument("--seed", type=int, default=42)
    serve.add_argument(
        "--profile",
        choices=sorted(PROFILES),
        default="default",
        help="how the company's systems are configured (sandbox/profiles.py)",
    )
    serve.add_argument(
        "--as-of",
        type=date.fromisoformat,
        default=date.today().replace(day=1),
        help="history covers the 12 months before this date (default: first of this month)",
    )
    serve.add_argument("--reviews-dir", help="also write the review tool's CSV exports here")
    serve.add_argument("--ground-truth", help="also write the latent truth CSV here")
    serve.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="SOURCE:KIND[:TIMES[:AFTER]]",
        help="queue a fault, e.g. jira:rate_limit or zendesk:slow:2:5",
    )
    env = commands.add_parser("env", help="print the live settings (export lines) of a running sandbox")
    env.add_argument("--url", default="http://127.0.0.1:8765")
    args = parser.parse_args(argv)
    if args.command == "env":
        info = requests.get(f"{args.url.rstrip('/')}/_sandbox/info", timeout=10).json()
        for name, value in live_environment(info).items():
            print(f"export {name}={shlex.quote(value)}")
        return

    company = generate_company(seed=args.seed, employees=args.employees, as_of=args.as_of, profile=args.profile)
    if args.reviews_dir:
        company.write_review_exports(args.reviews_dir)
    if args.ground_truth:
        company.write_ground_truth(args.ground_truth)
    server = SandboxServer(company, port=args.port, host=args.host, reviews_dir=args.reviews_dir)
    for spec in args.fault:
        source, kind, *counts = spec.split(":")
        server.faults.add(source, kind, *(int(c) for c in counts[:2]))
    # Stop on SIGTERM as on Ctrl-C, even when started by a process that ignores SIGTERM (Dagster maps
    # SIGTERM to the SIGINT disposition, which is "ignore" in a background shell job, and children inherit it).
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    with server:
        print(f"sandbox serving {len(company.people)} employees at {server.url} (Ctrl-C to stop)", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
