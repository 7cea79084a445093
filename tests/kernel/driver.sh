#!/usr/bin/env bash
# Runs inside the namespaces real.ts creates (PID 1 of a fresh PID namespace, with a private mount
# namespace and a fresh network namespace). Usage: driver.sh DIR, where DIR/steps.sh calls `run`,
# `start` and `reap` once per script step; each step N leaves its output in DIR/N.out and its exit
# status in DIR/N.rc.
D="$1"
# Job control: background jobs get their own process group and do not ignore SIGINT.
set -m
mount -t tmpfs -o mode=755 packetlab-run /run || { echo "cannot mount a tmpfs on /run" >&2; exit 90; }
mkdir -p /run/netns /run/lock
if [ -d /etc/netns ]; then mount -t tmpfs -o mode=755 packetlab-netns /etc/netns || exit 91; fi
mkdir -p "$D/cwd" && cd "$D/cwd" || exit 92

jobs_left=()
# run N CMD: foreground, stdin empty, stdout and stderr line-buffered into one file (as a terminal shows them).
run() { stdbuf -oL -eL bash -c "$2" >"$D/$1.out" 2>&1 </dev/null; echo $? >"$D/$1.rc"; }
# start N CMD: the same in the background.
start() {
  stdbuf -oL -eL bash -c "$2" >"$D/$1.out" 2>&1 </dev/null &
  jobs_left+=("$!:$1")
}
# reap: wait for every background job, recording each one's status.
reap() {
  local job
  for job in "${jobs_left[@]}"; do
    wait "${job%%:*}"
    echo $? >"$D/${job#*:}.rc"
  done
  jobs_left=()
}

# shellcheck source=/dev/null
. "$D/steps.sh"

# Jobs still running at the end get Ctrl-C (SIGINT to their process group), then are waited for.
for job in "${jobs_left[@]}"; do kill -INT -- "-${job%%:*}" 2>/dev/null; done
reap
exit 0
