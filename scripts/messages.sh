#!/usr/bin/env bash
# Regenerate translation catalogs: the project catalog (kefu/locale) for the shared
# shell, core, org and audit; each app with its own locale/ directory keeps its own.
# Usage: scripts/messages.sh [--compile-only]
set -euo pipefail
cd "$(dirname "$0")/../kefu"
export DJANGO_SETTINGS_MODULE=kefu.settings
DJ=../.venv/bin/django-admin
own=()
for d in */locale; do own+=("--ignore=${d%/locale}/*"); done
if [ "${1:-}" != "--compile-only" ]; then
  $DJ makemessages -l zh_Hans -l en --no-obsolete --no-location "${own[@]}"
  for d in */locale; do (cd "${d%/locale}" && ../$DJ makemessages -l zh_Hans -l en --no-obsolete --no-location); done
fi
$DJ compilemessages
for d in */locale; do (cd "${d%/locale}" && ../$DJ compilemessages); done
