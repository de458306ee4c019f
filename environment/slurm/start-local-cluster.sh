#!/usr/bin/env bash
# Brings up a real one-node Slurm cluster on this Debian 12 machine (run as root; no systemd
# needed), for integration tests and CI. Idempotent: exits at once when the node is already up.
#   1. installs Debian's slurm-wlm and munge with apt-get when slurmctld is missing;
#   2. starts munged (as the munge user) unless `munge -n | unmunge` already succeeds;
#   3. writes /etc/slurm/slurm.conf for this host (refuses to replace one it did not write);
#   4. starts slurmctld, then slurmd, and waits until `sinfo` shows the node idle.
# Environment:
#   TINYMEM_SLURM_DIR        state directory: pid files, logs, spool, saved state
#                            (default /var/lib/tinymem-slurm)
#   TINYMEM_SLURM_WAIT       seconds to wait for the node to become idle (default 60)
# Stop with stop-local-cluster.sh (same directory).
set -euo pipefail

SLURM_DIR="${TINYMEM_SLURM_DIR:-/var/lib/tinymem-slurm}"
WAIT_S="${TINYMEM_SLURM_WAIT:-60}"
CONF=/etc/slurm/slurm.conf
MARKER="# Written by TinyMem environment/slurm/start-local-cluster.sh"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
HOST="$(hostname -s)"

log() { echo "[slurm] $*"; }
die() { echo "[slurm] ERROR: $*" >&2; exit 1; }

# The node's state as sinfo prints it (idle, mixed, allocated, down*, ...); empty when
# slurmctld does not answer.
node_state() {
    command -v sinfo >/dev/null 2>&1 || return 0
    timeout 10 sinfo -h -n "$HOST" -o %T 2>/dev/null | head -n 1 || true
}

# True when the pid in file $1 is alive and is the program $2 (so a stale pid file whose
# number was reused by another process does not count).
pid_alive() {
    local pidfile="$1" prog="$2" pid
    [[ -s "$pidfile" ]] || return 1
    pid="$(tr -dc '0-9' <"$pidfile")"
    [[ -n "$pid" ]] || return 1
    [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == "$prog" ]]
}

dump_logs() {
    local f
    for f in "$SLURM_DIR/slurmctld.log" "$SLURM_DIR/slurmd.log" /var/log/munge/munged.log; do
        [[ -e "$f" ]] || continue
        echo "----- last lines of $f -----" >&2
        tail -n 20 "$f" >&2
    done
}

summary() {
    local line
    line="$(timeout 10 sinfo -h -n "$HOST" -o '%n|%c|%m|%P|%T' 2>/dev/null | head -n 1)"
    IFS='|' read -r n c m p t <<<"$line"
    log "cluster tinymem up: node ${n} (${t}), ${c} CPUs, ${m} MB memory, partition ${p%\*}" \
        "(default); state dir ${SLURM_DIR}"
}

# --- 0. already up? -------------------------------------------------------------------------
# With our own slurm.conf, both daemons' pids must be alive: sinfo keeps reporting "idle" for
# up to SlurmdTimeout after slurmd died, and sinfo without a slurmctld takes ~9 s to give up.
already_up() {
    local key prog pidfile
    if [[ -r "$CONF" ]] && grep -qxF "$MARKER" "$CONF"; then
        for prog in slurmctld slurmd; do
            key="$( [[ $prog == slurmd ]] && echo SlurmdPidFile || echo SlurmctldPidFile )"
            pidfile="$(sed -n "s/^${key}=//p" "$CONF" | tail -n 1)"
            pid_alive "${pidfile:-$SLURM_DIR/$prog.pid}" "$prog" || return 1
        done
    fi
    case "$(node_state)" in
        idle | mixed | allocated | completing) return 0 ;;
        *) return 1 ;;
    esac
}
if already_up; then
    log "already up: node ${HOST} is $(node_state); nothing to do"
    exit 0
fi

[[ "$(id -u)" == 0 ]] || die "must run as root (installs packages, starts daemons)"

# Refuse before changing anything when someone else's slurm.conf is in place.
if [[ -e "$CONF" ]] && ! grep -qxF "$MARKER" "$CONF"; then
    die "$CONF exists and was not written by this script (no marker line); not overwriting it." \
        "Move it away or add the line '$MARKER' to let this script manage it."
fi

# --- 1. packages ----------------------------------------------------------------------------
if ! command -v slurmctld >/dev/null 2>&1; then
    log "installing slurm-wlm and munge with apt-get ..."
    t0=$SECONDS
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq slurm-wlm munge >/dev/null
    log "installed in $((SECONDS - t0)) s"
fi

# --- 2. munge -------------------------------------------------------------------------------
if munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
    log "munged already running"
else
    [[ -s /etc/munge/munge.key ]] || die "/etc/munge/munge.key is missing (reinstall munge)"
    mkdir -p /run/munge /var/log/munge /var/lib/munge
    chown -R munge:munge /run/munge /var/log/munge /var/lib/munge /etc/munge
    # --force: start even when a stale socket or pid file was left by a killed munged.
    runuser -u munge -- munged --force
    for _ in $(seq 1 20); do
        munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && break
        sleep 0.5
    done
    munge -n | unmunge >/dev/null 2>&1 \
        || die "munged does not answer; see /var/log/munge/munged.log"
    log "munged started"
fi

# --- 3. slurm.conf --------------------------------------------------------------------------
mem_kb="$(awk '/^MemTotal:/ { print $2 }' /proc/meminfo)"
real_mem_mb=$((mem_kb * 8 / 10 / 1024))   # 80 %: slurmd drains a node that has less than this
cpus="$(nproc)"

new_conf="$(cat <<EOF
$MARKER
# (the marker above lets the script replace this file; remove it to keep your own edits)
ClusterName=tinymem
SlurmctldHost=${HOST}
SlurmUser=root
AuthType=auth/munge
# No cgroups (none in containers / CI): track job processes via /proc, no task binding.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
# No accounting daemon (slurmdbd): sacct has nothing, use squeue.
JobAcctGatherType=jobacct_gather/none
# Schedule single cores, so --cpus-per-task=1 jobs share the node.
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SlurmctldPidFile=${SLURM_DIR}/slurmctld.pid
SlurmdPidFile=${SLURM_DIR}/slurmd.pid
SlurmctldLogFile=${SLURM_DIR}/slurmctld.log
SlurmdLogFile=${SLURM_DIR}/slurmd.log
SlurmdSpoolDir=${SLURM_DIR}/spool
StateSaveLocation=${SLURM_DIR}/state
# No mail program is installed; without this slurmctld logs "Configured MailProg is invalid".
MailProg=/bin/true
# A node that was DOWN (e.g. after a restart) becomes usable again as soon as slurmd registers.
ReturnToService=2
# Mark the node down after 30 s without an answer from slurmd (default 300).
SlurmdTimeout=30
# scancel / time limit: SIGKILL 5 s after SIGTERM (default 30), so cancelling is quick.
KillWait=5
# Finished jobs stay visible in squeue/scontrol for 300 s (the default, stated on purpose).
MinJobAge=300
NodeName=${HOST} CPUs=${cpus} RealMemory=${real_mem_mb} State=UNKNOWN
PartitionName=local Nodes=${HOST} Default=YES MaxTime=INFINITE State=UP
EOF
)"

if [[ ! -e "$CONF" ]] || [[ "$(cat "$CONF")" != "$new_conf" ]]; then
    if [[ -e "$CONF" ]]; then
        # Daemons started with the old file would keep its settings: stop them first
        # (the stop script reads the pid file paths from the old file).
        log "slurm.conf changed; stopping daemons started with the old one, if any"
        "$HERE/stop-local-cluster.sh" --keep-munge
    fi
    mkdir -p /etc/slurm
    printf '%s\n' "$new_conf" >"$CONF.tmp.$$"
    mv "$CONF.tmp.$$" "$CONF"
    log "wrote $CONF"
fi

# --- 4. daemons -----------------------------------------------------------------------------
mkdir -p "$SLURM_DIR/spool" "$SLURM_DIR/state"
t0=$SECONDS
if pid_alive "$SLURM_DIR/slurmctld.pid" slurmctld; then
    log "slurmctld already running"
else
    # daemonizes; logs to $SLURM_DIR/slurmctld.log
    slurmctld || { dump_logs; die "slurmctld failed to start"; }
    log "slurmctld started"
fi
if pid_alive "$SLURM_DIR/slurmd.pid" slurmd; then
    log "slurmd already running"
else
    # daemonizes; logs to $SLURM_DIR/slurmd.log
    slurmd || { dump_logs; die "slurmd failed to start"; }
    log "slurmd started"
fi

state=""
deadline=$((SECONDS + WAIT_S))
while ((SECONDS < deadline)); do
    state="$(node_state)"
    case "$state" in
        idle | mixed | allocated | completing)
            break ;;
        down | drain*)
            # slurmd answers but the node was left DOWN/DRAINED (e.g. by an earlier run).
            log "node ${HOST} is ${state}; resuming it"
            scontrol update nodename="$HOST" state=resume || true ;;
    esac
    sleep 1
done
case "$state" in
    idle | mixed | allocated | completing) ;;
    *)
        echo "[slurm] ERROR: node ${HOST} not idle after ${WAIT_S} s (state: '${state:-no answer}')" >&2
        timeout 10 sinfo -R 2>/dev/null >&2 || true
        dump_logs
        exit 1 ;;
esac
log "node ${HOST} ${state} $((SECONDS - t0)) s after starting the daemons"
summary
