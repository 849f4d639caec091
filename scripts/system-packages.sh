#!/usr/bin/env bash
# System packages the project needs: CJK fonts for PDFs and pages, Chromium for the
# 375 px layout test. Installed only when missing (the machines run as root with apt).
set -euo pipefail
need=()
# grep reads all of fc-list's output (no -q): an early exit would SIGPIPE fc-list and,
# under pipefail, report the fonts missing when they are there.
fc-list 2>/dev/null | grep -i "Noto Sans CJK" >/dev/null || need+=(fonts-noto-cjk)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then echo "please install: ${need[*]}" >&2; exit 0; fi
  echo "installing system packages: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
