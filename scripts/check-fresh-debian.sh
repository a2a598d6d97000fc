#!/usr/bin/env bash
# Runs the README's test command (scripts/run-tests.sh) in a fresh, minimal Debian 12 root made
# with mmdebstrap from this machine's own apt sources, on the committed checkout (HEAD).
#
#   scripts/check-fresh-debian.sh            # as root; prints the CTest summary, exits with its status
#
# Environment: APT_SOURCES (default: /etc/apt/sources.list.d/debian.sources, else
# /etc/apt/sources.list), WORK_DIR (default: a new directory under /var/tmp), KEEP_ROOT=1 keeps the
# root afterwards, CI=true builds with -Werror as CI does. The whole log is WORK_DIR/run.log.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)

if [ "$(id -u)" -ne 0 ]; then
  echo "check-fresh-debian: run as root (mmdebstrap and chroot need it)" >&2
  exit 2
fi
for tool in mmdebstrap unshare chroot git; do
  command -v "$tool" >/dev/null || { echo "check-fresh-debian: '$tool' is missing (apt-get install mmdebstrap util-linux git)" >&2; exit 2; }
done

sources=${APT_SOURCES:-}
if [ -z "$sources" ]; then
  for f in /etc/apt/sources.list.d/debian.sources /etc/apt/sources.list; do
    if [ -s "$f" ]; then sources=$f; break; fi
  done
fi
[ -n "$sources" ] && [ -s "$sources" ] || { echo "check-fresh-debian: no apt sources found (set APT_SOURCES)" >&2; exit 2; }

work=${WORK_DIR:-$(mktemp -d /var/tmp/certstudio-fresh.XXXXXX)}
mkdir -p "$work"
root=$work/root
log=$work/run.log
: >"$log"
cleanup() {
  if [ "${KEEP_ROOT:-0}" != 1 ]; then rm -rf "$root"; fi
}
trap cleanup EXIT

echo "check-fresh-debian: apt sources $sources; root $root; log $log"
echo "check-fresh-debian: [1/3] mmdebstrap bookworm (variant apt)"
# The sources file is pasted into the root's apt sources as it is (one-line or deb822 form).
mmdebstrap --variant=apt --include=ca-certificates bookworm "$root" "$sources" >>"$log" 2>&1 || {
  echo "check-fresh-debian: mmdebstrap failed; last lines of $log:" >&2
  tail -n 20 "$log" >&2
  exit 1
}

echo "check-fresh-debian: [2/3] copying the checkout (git archive HEAD $(git -C "$top" rev-parse --short HEAD))"
if [ -n "$(git -C "$top" status --porcelain --untracked-files=no)" ]; then
  echo "check-fresh-debian: note: uncommitted changes are not copied (only HEAD is)"
fi
mkdir -p "$root/root/certstudio"
git -C "$top" archive --format=tar HEAD | tar -x -C "$root/root/certstudio"
[ -f /etc/resolv.conf ] && cp -L /etc/resolv.conf "$root/etc/resolv.conf"

echo "check-fresh-debian: [3/3] scripts/run-tests.sh inside the root (install-deps, build, ctest)"
set +e
# A private mount namespace: /dev, /proc and /tmp are mounted for the chroot and vanish with it.
unshare --mount --pid --fork /bin/bash -c '
  set -e
  root=$1
  mount --make-rprivate /
  mount --rbind /dev "$root/dev"
  mount -t proc proc "$root/proc"
  mount -t sysfs sysfs "$root/sys"
  mount -t tmpfs tmpfs "$root/tmp"
  exec chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin \
    LANG=C.UTF-8 CI="$2" /bin/bash -c "cd /root/certstudio && scripts/run-tests.sh"
' check-fresh-debian "$root" "${CI:-}" >>"$log" 2>&1
status=$?
set -e

echo "check-fresh-debian: last lines of the run (exit $status):"
tail -n 15 "$log"
exit "$status"
