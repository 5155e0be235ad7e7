#!/usr/bin/env bash
# Starts a single-node Slurm on this machine (munged, slurmctld, slurmd), for `biomedq sweep --slurm`
# and its end-to-end tests. Idempotent: daemons already up are left alone. Run as root.
#
# The node is declared with this machine's real CPUs and memory (`slurmd -C`), so memory requests are
# checked and scheduled against what the machine has. No cgroups are required (proctrack/linuxproc,
# task/none), so it also runs in containers and VMs without a delegated cgroup tree; the price is that
# a job's --mem is scheduled but not enforced. No accounting database: `sacct` is unavailable, and
# biomedq falls back to squeue and its own submission records.
#
# It writes /etc/slurm/slurm.conf only when there is none or the one there is ours (first line below):
# a machine with a real Slurm configuration is refused rather than reconfigured.
#   BIOMEDQ_SLURM_PARTITION (default: debug)  name of the one partition
set -euo pipefail

marker="# biomedq local single-node Slurm (scripts/start-slurm.sh)"
conf=/etc/slurm/slurm.conf
partition="${BIOMEDQ_SLURM_PARTITION:-debug}"
logdir=/var/log/slurm
wait_s=60

die() { echo "start-slurm.sh: $*" >&2; exit 1; }

[[ $(id -u) -eq 0 ]] || die "run as root (it starts munged, slurmctld and slurmd)"
for tool in munged slurmctld slurmd sinfo sbatch; do
    command -v "$tool" >/dev/null || die "$tool not found; install Debian's munge slurmctld slurmd slurm-client (scripts/install-deps.sh)"
done
if [[ -f $conf ]] && [[ "$(head -n1 "$conf")" != "$marker" ]]; then
    die "$conf exists and was not written by this script; use that cluster, or move the file away"
fi

alive() { [[ -f $1 ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

# --- munge: the shared-secret authentication every Slurm message carries.
mkdir -p /run/munge
chown munge:munge /run/munge
chmod 0755 /run/munge
if [[ ! -s /etc/munge/munge.key ]]; then
    mungekey --create --keyfile=/etc/munge/munge.key
    chown munge:munge /etc/munge/munge.key
    chmod 0400 /etc/munge/munge.key
fi
if ! alive /run/munge/munged.pid; then
    runuser -u munge -- /usr/sbin/munged --force
fi
for _ in $(seq 1 $((wait_s * 10))); do
    munge -n </dev/null >/dev/null 2>&1 && break
    sleep 0.1
done
munge -n </dev/null | unmunge >/dev/null || die "munged does not answer (see /var/log/munge/munged.log)"

# --- slurm.conf from this node's real shape.
host="$(hostname -s)"
node_line="$(slurmd -C | head -n1)"  # NodeName=<host> CPUs=.. Boards=.. ... RealMemory=..
[[ $node_line == NodeName=* ]] || die "slurmd -C printed no node line: $node_line"
mkdir -p /etc/slurm /var/spool/slurmctld /var/spool/slurmd "$logdir"
new_conf="$(mktemp)"
cat >"$new_conf" <<EOF
$marker
ClusterName=biomedq
SlurmctldHost=$host
SlurmUser=root
AuthType=auth/munge
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
SchedulerType=sched/backfill
ReturnToService=2
MpiDefault=none
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
# scancel: SIGTERM, then SIGKILL after KillWait seconds (biomedq flushes its sample log on SIGTERM).
KillWait=10
MinJobAge=600
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldLogFile=$logdir/slurmctld.log
SlurmdLogFile=$logdir/slurmd.log
$node_line State=UNKNOWN
PartitionName=$partition Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
# The lines slurmd -C prints after the node line (UpTime=...) are not configuration.
sed -i '/^UpTime=/d' "$new_conf"
changed=0
if ! cmp -s "$new_conf" "$conf"; then
    install -m 0644 "$new_conf" "$conf"
    changed=1
fi
rm -f "$new_conf"

# --- daemons. A changed configuration restarts the ones running (each by its own pid file).
stop_pid() {
    local pidfile=$1
    if alive "$pidfile"; then
        local pid
        pid="$(cat "$pidfile")"
        kill "$pid"
        for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
}
if ((changed)); then
    stop_pid /run/slurmd.pid
    stop_pid /run/slurmctld.pid
fi
alive /run/slurmctld.pid || slurmctld
for _ in $(seq 1 $((wait_s * 10))); do
    scontrol ping 2>/dev/null | grep -q UP && break
    sleep 0.1
done
scontrol ping | grep -q UP || die "slurmctld did not come up (see $logdir/slurmctld.log)"
alive /run/slurmd.pid || slurmd

# --- wait until the node takes jobs; a node left DOWN/DRAIN by an earlier run is resumed.
state=""
for _ in $(seq 1 $((wait_s * 10))); do
    state="$(sinfo -h -N -n "$host" -o %T 2>/dev/null | head -n1)"
    case "$state" in
    idle* | mixed* | allocated* | completing*) break ;;
    down* | drain* | drained* | fail*) scontrol update NodeName="$host" State=RESUME 2>/dev/null || true ;;
    esac
    sleep 0.1
done
case "$state" in
idle* | mixed* | allocated* | completing*) ;;
*) die "node $host is '$state', not taking jobs (see $logdir/slurmd.log and $logdir/slurmctld.log)" ;;
esac

echo "start-slurm.sh: single-node Slurm up: partition $partition, $(sinfo -h -N -n "$host" -o '%c CPUs, %m MB')"
echo "  biomedq sweep sweep.yaml --slurm --partition $partition    # submit (add --dry-run to see the scripts)"
echo "  biomedq sweep sweep.yaml --slurm --status                 # cells done / running / pending / failed"
echo "  squeue; sinfo                                             # the queue and the node"
echo "  bash scripts/stop-slurm.sh                                # stop it"
