#!/usr/bin/env bash
# Sets everything up (Debian packages, Release build) and starts the IDE on the default spec and network.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
exec "${BUILD_DIR:-build}/app/certstudio/certstudio" "$@"
