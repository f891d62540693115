"""``python -m shared.crm_check [--email ADDRESS] [--json]``: the CRM preflight from a shell.

Reads the app's settings (as ``local.settings.json`` or the Function App would give them) and the stored
options, runs the read-only checks against the live CRM, stores the verdict the workers use, prints a report
per capture step and field, and exits 0 only when every check passed.
"""

from __future__ import annotations

import argparse
import os
import sys

from shared.services.crm_check import PROBE_EMAIL, check_and_store, render_text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m shared.crm_check", description=__doc__.splitlines()[0])
    parser.add_argument("--email", default=PROBE_EMAIL, help="address for the contact look-up")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    from shared.bootstrap import build_services
    from shared.config import Settings, SettingsError

    try:
        deps = build_services(Settings.from_env(os.environ))
    except SettingsError as exc:
        print(f"cannot run the preflight: {exc}", file=sys.stderr)
        return 2
    report = check_and_store(deps, args.email)
    print(report.to_json() if args.json else render_text(report))
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
