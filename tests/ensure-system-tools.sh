#!/usr/bin/env bash
# Installs the Debian packages the tests drive when they are missing: Chromium for Playwright (which
# cannot download its own browser here) and the real network tools the kernel differential tests
# compare the engine with. As root on Debian it installs them; elsewhere it says what is missing.
set -euo pipefail

declare -A need=(
  [/usr/bin/chromium]=chromium
  [/usr/sbin/ip]=iproute2
  [/usr/bin/tcpdump]=tcpdump
  [/usr/bin/ping]=iputils-ping
  [/usr/sbin/ifconfig]=net-tools
  [/usr/sbin/iptables]=iptables
  [/usr/sbin/ipset]=ipset
  [/usr/sbin/conntrack]=conntrack
  [/usr/sbin/brctl]=bridge-utils
)

missing=()
for path in "${!need[@]}"; do
  [ -x "$path" ] || missing+=("${need[$path]}")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing missing system packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "Missing system packages: ${missing[*]}. Install them with: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
