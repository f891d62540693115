#!/usr/bin/env bash
# Make sure Debian's Chromium is at /usr/bin/chromium for the browser tests (tests/browser/).
# Idempotent and non-interactive: does nothing when Chromium is already there; installs it (and one font, so
# screenshots show text) with apt-get when running as root, as CI does (CI=true, no stdin). Playwright's own
# browser download cannot work without general network access, so the tests drive this system Chromium.
set -euo pipefail

CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ]; then
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "install_browser.sh: $CHROMIUM is missing; run as root, or: sudo apt-get install chromium" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq </dev/null
apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core </dev/null >/dev/null
"$CHROMIUM" --version
