#!/usr/bin/env bash
# Stops the single-node Slurm that scripts/start-slurm.sh started: slurmd, slurmctld, munged, each by
# its pid file. Jobs still running are cancelled first. Does nothing to a Slurm it did not configure.
set -euo pipefail

marker="# biomedq local single-node Slurm (scripts/start-slurm.sh)"
conf=/etc/slurm/slurm.conf
if [[ ! -f $conf ]] || [[ "$(head -n1 "$conf")" != "$marker" ]]; then
    echo "stop-slurm.sh: no Slurm started by scripts/start-slurm.sh here; nothing to stop"
    exit 0
fi

stop_pid() {
    local pidfile=$1
    [[ -f $pidfile ]] || return 0
    local pid
    pid="$(cat "$pidfile")"
    if kill -0 "$pid" 2>/dev/null; then
        kill "$pid"
        for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    fi
    rm -f "$pidfile"
}

if [[ -f /run/slurmctld.pid ]] && kill -0 "$(cat /run/slurmctld.pid)" 2>/dev/null; then
    scancel --full --state=RUNNING,PENDING 2>/dev/null || true
    scancel --full 2>/dev/null || true
fi
stop_pid /run/slurmd.pid
stop_pid /run/slurmctld.pid
stop_pid /run/munge/munged.pid
echo "stop-slurm.sh: stopped"
