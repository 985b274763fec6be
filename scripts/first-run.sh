#!/usr/bin/env bash
# First run on a fresh machine: system libraries, a release build, the shipped feed list,
# and the sample feeds (offline) through the whole pipeline into ./tracker.sqlite.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! dpkg -s libcurl4-openssl-dev libsqlite3-dev >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq libcurl4-openssl-dev libsqlite3-dev
fi
export PATH="/opt/swift/usr/bin:$PATH"
swift build -c release --product tracker
tracker=.build/release/tracker
$tracker rules lint
$tracker feeds import Feeds/*.opml
$tracker ingest Feeds/samples
echo
echo "Events in the user's seed article (../shared/seed):"
if [ -f ../shared/seed/seed-article-de.txt ]; then
  { echo "LANG: de"; echo; printf "TITLE: "; cat ../shared/seed/seed-article-de.txt; } | $tracker classify -
fi
