#!/usr/bin/env bash
# Configures and builds CertStudio (Release) into ${BUILD_DIR:-build}. Extra args go to cmake.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
werror=OFF
[ "${CI:-}" = "true" ] && werror=ON
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release -DCERTSTUDIO_WERROR=$werror "$@"
cmake --build "$BUILD_DIR" -j "$(nproc)"
