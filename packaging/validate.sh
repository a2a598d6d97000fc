#!/bin/sh
# Validates the desktop entry and the AppStream metainfo. A missing validator is a failure, not a
# skip: install them with scripts/install-deps.sh (desktop-file-utils, appstream).
set -u
dir=$(cd "$(dirname "$0")" && pwd)
status=0
for tool in desktop-file-validate appstreamcli; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "validate: $tool not found; run scripts/install-deps.sh" >&2
    status=1
  fi
done
[ "$status" -eq 0 ] || exit 1
echo "== desktop-file-validate certstudio.desktop"
desktop-file-validate "$dir/certstudio.desktop" || status=1
echo "== appstreamcli validate --no-net io.github.certstudio.CertStudio.metainfo.xml"
appstreamcli validate --no-net "$dir/io.github.certstudio.CertStudio.metainfo.xml" || status=1
exit "$status"
