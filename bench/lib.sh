# What bench/run, bench/shards and bench/plot share.  Sourced:
#   . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck shell=bash

bench=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$bench")
# shellcheck source=scripts/lib/owner.sh
. "$root/scripts/lib/owner.sh"
me=bench/${0##*/}

die() { echo "$me: $*" >&2; exit 1; }
note() { echo "$me: $*" >&2; }
# usage: the script's header from "# Usage:" to "# Example", exit 2.
usage() { sed -n '/^# Usage:/,/^# Example/p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
psql_() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
# log MESSAGE: timestamped, to stderr and $out/log.txt.
log() { echo "[$(date +%T)] $*" | tee -a "$out/log.txt" >&2; }

# common_option OPTION VALUE: an option both bench/run and bench/shards
# take (the caller shifts 2); -h, or an unknown one: usage.
# shellcheck disable=SC2034 # the caller's variables
common_option() {
    case $1 in
        -T|--duration) duration=$2 ;;
        -c|--clients) clients=$2 ;;
        -w|--workloads) workloads=$2 ;;
        --warmup) warmup=$2 ;;
        --durability) durability=$2 ;;
        --extension) extension=$2 ;;
        -o|--out) out=$2 ;;
        -h|--help) usage ;;
        *) note "unknown option $1"; usage ;;
    esac
}
# positive VAR...: each holds a positive integer, or die naming its option.
positive() { local v; for v in "$@"; do [[ ${!v} =~ ^[1-9][0-9]*$ ]] || die "bad --${v//_/-} ${!v}"; done; }

# The machine's load: other runs share it.
loadavg() { echo "load $(cut -d' ' -f1 /proc/loadavg)"; }
# idle_pct SECONDS: the share of CPU time the machine spent idle meanwhile.
idle_pct() {
    local a b total=0 i
    read -r -a a < <(grep '^cpu ' /proc/stat)
    sleep "$1"
    read -r -a b < <(grep '^cpu ' /proc/stat)
    for i in 1 2 3 4 5 6 7 8; do total=$((total + b[i] - a[i])); done
    echo "$(( 100 * (b[4] - a[4] + b[5] - a[5]) / (total > 0 ? total : 1) ))% idle over $1 s"
}
machine_load() { echo "$(uptime | sed 's/.*load/load/'), $(idle_pct "$1")"; }

# field LABEL FILE: the number after "LABEL:" or "LABEL =" in pgbench's
# output FILE, or NULL.
field() { local v; v=$(sed -n "s/^$1[:=] *\([0-9.]*\).*/\1/p" "$2" | head -1); echo "${v:-NULL}"; }
# percentile FILE P: the P-th percentile, in ms, of the latencies in
# microseconds in FILE (one a line), or NULL for none.
percentile() {
    local n
    [ -s "$1" ] || { echo NULL; return; }
    n=$(wc -l <"$1")
    # the last awk reads to the end: exiting early would kill sort (SIGPIPE, pipefail)
    sort -n "$1" | awk -v k="$(( (n * $2 + 99) / 100 ))" 'NR == (k < 1 ? 1 : k) { v = $1 } END { printf "%.3f", v / 1000 }'
}
# pgbench_ ARGS...: pgbench as every run calls it: retried deadlocks and
# serialization failures counted.
pgbench_() { pgbench -n -M "$protocol" --max-tries="$max_tries" --failures-detailed "$@"; }
# in_turn ROUND A B: "A B" in odd rounds, "B A" in even ones, so that the
# machine's noise hits both alike.
in_turn() { if [ $(($1 % 2)) = 1 ]; then echo "$2 $3"; else echo "$3 $2"; fi; }
# rotated ROUND ITEM...: the ITEMs from the ROUND-th on, then the others
# (two items: as in_turn)
rotated() {
    local r=$1 n i
    shift
    n=$#
    for ((i = 0; i < n; i++)); do local k=$(((r - 1 + i) % n + 1)); echo "${!k}"; done
}

durability_settings() {
    case $1 in
        sync) echo "fsync=on full_page_writes=on synchronous_commit=on" ;;
        async) echo "fsync=on full_page_writes=on synchronous_commit=off" ;;
        nofsync) echo "" ;;
        *) die "unknown durability $1 (sync | async | nofsync)" ;;
    esac
}
# server_settings EXTRA...: FOODORDER_PG_SETTINGS for the clusters the
# script starts: $pg_settings, no checkpoint within a run, EXTRA, the caller's.
server_settings() {
    export FOODORDER_PG_SETTINGS="$pg_settings max_wal_size=8GB checkpoint_timeout=30min${*:+ $*} ${FOODORDER_PG_SETTINGS:-}"
    unset FOODORDER_PG_ENV
}

# with_extension MODE ARG...: for MODE private, run this script again with
# ARGs where only its servers see a build of this work tree
# (scripts/with-private-build), unless it is that run; refuse a sanitizer
# build.  Sets pkglibdir and sharedir.
with_extension() {
    local mode=$1
    shift
    pkglibdir=$(pg_config --pkglibdir)
    sharedir=$(pg_config --sharedir)
    case $mode in private|installed) ;; *) die "unknown extension mode $mode" ;; esac
    if [ "$mode" = private ] && [ -z "${BENCH_IN_NAMESPACE:-}" ]; then
        [ "$(id -u)" -eq 0 ] || die "--extension private needs root (unshare -m); use --extension installed"
        echo "$me: building the extension from $root/extension" >&2
        exec "$root/scripts/with-private-build" -- env BENCH_IN_NAMESPACE=1 "$0" "$@"
    fi
    if nm -D "$pkglibdir/foodorder.so" 2>/dev/null | grep -q __asan; then
        die "$pkglibdir/foodorder.so is a sanitizer build; install a normal build (scripts/build) or use --extension private"
    fi
}

# results_folder PREFIX: $out made (bench/results/PREFIX<stamp> unless set,
# bench/results/PREFIXlatest pointing at it), with raw/ and scripts/.
results_folder() {
    stamp=$(date +%Y%m%d-%H%M%S)
    if [ -z "$out" ]; then
        out=$bench/results/$1$stamp
        mkdir -p "$bench/results"
        ln -sfn "$1$stamp" "$bench/results/${1}latest"
    fi
    mkdir -p "$out/raw" "$out/scripts"
    out=$(cd "$out" && pwd)
}
# meta_txt SECONDS NOTE LINE...: $out/meta.txt: when, where, what code,
# server (NOTE) and settings, the LINEs (empty ones left out), and the
# machine's load over SECONDS.
meta_txt() {
    local line
    {
        echo "date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
        echo "host: $(uname -n), $(nproc) CPUs"
        echo "commit: $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$root" status --porcelain -- extension foodorder.control 2>/dev/null | grep -q . && echo ' (extension/ modified)')"
        echo "postgres: $(pg_config --version)${2:+, $2}"
        echo "extension: $extension"
        echo "durability: $durability ($pg_settings)"
        for line in "${@:3}"; do [ -z "$line" ] || echo "$line"; done
        echo "load before: $(machine_load "$1")"
    } >"$out/meta.txt"
}
# report TITLE PSQL...: $out/report.md, printed: TITLE, meta.txt, and what
# PSQL (a report.sql) writes.
report() {
    local title=$1
    shift
    { echo "# $title $stamp"; echo; sed 's/^/    /' "$out/meta.txt"; echo; "$@"; } >"$out/report.md"
    cat "$out/report.md"
}

# sessions DATADIR...: the session processes (every client here comes over
# a Unix socket: title "... [local] ...") of the clusters' postmasters.
# wait_backends_gone DATADIR...: until none is left, so that the clients'
# backends have exited and reported their statistics; dies after 120 s.
sessions() {
    local data pm kid n=0 title
    for data in "$@"; do
        read -r pm <"$data/postmaster.pid"
        for kid in $(<"/proc/$pm/task/$pm/children"); do
            title=
            # 2>/dev/null first: a backend may be gone before the file opens
            IFS= read -r -d '' title 2>/dev/null <"/proc/$kid/cmdline" || true
            [[ $title != *"[local]"* ]] || n=$((n + 1))
        done
    done
    echo "$n"
}
wait_backends_gone() {
    local i left
    for ((i = 0; i < 1200; i++)); do
        left=$(sessions "$@")
        [ "$left" -eq 0 ] && return
        sleep 0.1
    done
    die "$left sessions still there 120 s after the run"
}
