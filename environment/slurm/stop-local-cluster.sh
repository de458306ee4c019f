#!/usr/bin/env bash
# Stops the one-node Slurm cluster started by start-local-cluster.sh: slurmd, slurmctld, then
# munged. Processes are found only through their pid files (never by name), and a pid counts
# only while /proc/<pid>/comm is the expected program. Idempotent: exits 0 when nothing runs.
# Saved state (queued jobs, node state) stays in the state directory for the next start.
#   --keep-munge             leave munged running
# Environment:
#   TINYMEM_SLURM_DIR        state directory, used when /etc/slurm/slurm.conf was not written
#                            by start-local-cluster.sh (default /var/lib/tinymem-slurm)
set -euo pipefail

KEEP_MUNGE=0
for arg in "$@"; do
    case "$arg" in
        --keep-munge) KEEP_MUNGE=1 ;;
        *) echo "usage: $0 [--keep-munge]" >&2; exit 2 ;;
    esac
done

SLURM_DIR="${TINYMEM_SLURM_DIR:-/var/lib/tinymem-slurm}"
CONF=/etc/slurm/slurm.conf
MARKER="# Written by TinyMem environment/slurm/start-local-cluster.sh"
MUNGE_PIDFILE=/run/munge/munged.pid

log() { echo "[slurm] $*"; }

# Pid file path from our slurm.conf (key $1), else $2.
conf_value() {
    local v=""
    if [[ -r "$CONF" ]] && grep -qxF "$MARKER" "$CONF"; then
        v="$(sed -n "s/^$1=//p" "$CONF" | tail -n 1)"
    fi
    echo "${v:-$2}"
}

# Prints the pid in file $1 if that process is alive and is the program $2.
live_pid() {
    local pidfile="$1" prog="$2" pid
    [[ -s "$pidfile" ]] || return 1
    pid="$(tr -dc '0-9' <"$pidfile")"
    [[ -n "$pid" ]] || return 1
    [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == "$prog" ]] || return 1
    echo "$pid"
}

# SIGTERM the program $2 whose pid is in file $1, wait up to 30 s, then SIGKILL.
stop_daemon() {
    local pidfile="$1" prog="$2" pid
    if ! pid="$(live_pid "$pidfile" "$prog")"; then
        log "$prog not running"
        return 0
    fi
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 60); do
        [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == "$prog" ]] || { log "$prog ($pid) stopped"; return 0; }
        sleep 0.5
    done
    log "$prog ($pid) still running after 30 s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    for _ in $(seq 1 20); do
        [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == "$prog" ]] || { log "$prog ($pid) killed"; return 0; }
        sleep 0.5
    done
    echo "[slurm] ERROR: $prog ($pid) does not exit" >&2
    return 1
}

rc=0
stop_daemon "$(conf_value SlurmdPidFile "$SLURM_DIR/slurmd.pid")" slurmd || rc=1
stop_daemon "$(conf_value SlurmctldPidFile "$SLURM_DIR/slurmctld.pid")" slurmctld || rc=1
if ((KEEP_MUNGE == 0)); then
    stop_daemon "$MUNGE_PIDFILE" munged || rc=1
fi
exit "$rc"
