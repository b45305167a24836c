# The test suites' one harness.  A suite sources it and names itself:
#
#   . "$(dirname "$0")/../harness.sh"      # from test/NAME/run
#   suite NAME
#   ...
#   check PASS|FAIL WHAT [NUMBERS]         # or: check_that WHAT NUMBERS COMMAND...
#   finish                                  # "NAME: N passed, M failed", exit status
#
# Every suite prints one line per check and, last, that summary line,
# which scripts/test reads.  Exits go through the EXIT trap, which runs
# what at_exit registered, newest first, so a signal or a give_up cleans up
# too.  Waits are bounded polls (wait_until): a verdict never depends on
# the machine's speed.
# shellcheck shell=bash
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=../scripts/lib/owner.sh
. "$root/scripts/lib/owner.sh"

suite_name=${suite_name:-test}
passed=0
failed=0
_at_exit=()

# suite NAME: the name the summary line starts with; installs the traps.
suite() {
    suite_name=$1
    trap _run_at_exit EXIT
    # a signal ends the script through exit, so that the EXIT trap runs
    trap 'exit 130' INT
    trap 'exit 143' TERM
}

# at_exit COMMAND: run COMMAND (a string, eval'd) when the suite exits,
# newest first; a failing command does not stop the others.
at_exit() { _at_exit+=("$1"); }
_run_at_exit() {
    local status=$? i
    set +e
    for ((i = ${#_at_exit[@]} - 1; i >= 0; i--)); do
        eval "${_at_exit[i]}" >/dev/null 2>&1
    done
    return "$status"
}

# check PASS|FAIL WHAT [NUMBERS]: one line, counted.
check() {
    echo "  $1  $2${3:+: $3}"
    if [ "$1" = PASS ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
}
# check_that WHAT NUMBERS COMMAND...: PASS if COMMAND succeeds.
check_that() {
    local what=$1 numbers=$2
    shift 2
    if "$@"; then check PASS "$what" "$numbers"; else check FAIL "$what" "$numbers"; fi
}
# check_equal WHAT EXPECTED ACTUAL: PASS if the two strings are equal.
check_equal() {
    if [ "$2" = "$3" ]; then check PASS "$1" "$3"; else check FAIL "$1" "expected $2, got $3"; fi
}

summary() { echo "$suite_name: $passed passed, $failed failed"; }
# finish: the summary line; exits 0 only if no check failed (and one ran).
finish() {
    summary
    [ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
    exit $?
}
# give_up WHY: the suite cannot go on; counted as a failed check.
give_up() {
    echo "$suite_name: $*" >&2
    check FAIL "could not go on" "$*"
    summary
    exit 1
}
# need COMMAND WHY: give up unless COMMAND is on the PATH.
need() { command -v "$1" >/dev/null || give_up "no $1 ($2)"; }
# need_server: give up unless PGHOST names a server (scripts/cluster start).
need_server() {
    # shellcheck disable=SC2016  # the command to type, not to run
    [ -n "${PGHOST:-}" ] || give_up 'no PGHOST: eval "$(scripts/cluster start)" first'
}

# wait_until SECONDS WHAT COMMAND...: poll COMMAND every 0.1 s until it
# succeeds; give up naming WHAT after SECONDS.
wait_until() {
    local bound=$1 what=$2 start=$SECONDS
    shift 2
    until "$@"; do
        [ $((SECONDS - start)) -lt "$bound" ] || give_up "gave up after ${bound}s waiting for $what"
        sleep 0.1
    done
}

# sql [PSQL ARGS...]: psql, quiet, unaligned, stopping at the first error.
sql() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }
# outcome SQL [PSQL ARGS...]: "SQLSTATE message" of SQL's last statement,
# 00000 when it worked, in a new session.
outcome() {
    local statement=$1
    shift
    printf '%s\n' '\o /dev/null' "$statement;" '\o' '\echo :SQLSTATE :LAST_ERROR_MESSAGE' \
        | psql -X -q -At -v ON_ERROR_STOP=0 "$@" 2>/dev/null
}
# sqlstate SQL [PSQL ARGS...]: just the SQLSTATE of outcome.
sqlstate() { local o; o=$(outcome "$@"); echo "${o%% *}"; }

# work_dir: a temporary folder in $work, removed at exit, which the
# clusters' owner can enter.
work_dir() {
    work=$(mktemp -d "${TMPDIR:-/tmp}/foodorder-$suite_name.XXXXXX")
    chmod 755 "$work"
    at_exit "rm -rf '$work'"
}

# own_cluster: a throwaway cluster of the suite's own (scripts/cluster),
# exported as PGHOST etc. and stopped at exit.
own_cluster() {
    local env_lines
    env_lines=$("$root/scripts/cluster" start) || give_up "scripts/cluster start failed"
    eval "$env_lines"
    at_exit "'$root/scripts/cluster' stop '$FOODORDER_CLUSTER'"
}

# scratch_db NAME [ROLE...]: database NAME made anew on $PGHOST; it and
# the ROLEs are dropped at exit (and before, if a run left them).
scratch_db() {
    local db=$1 drop
    shift
    maintenance_db=${PGDATABASE:-postgres}
    [ "$maintenance_db" != "$db" ] || maintenance_db=postgres
    drop="psql -X -q -d '$maintenance_db' -c 'SET client_min_messages = warning'"
    drop+=" -c 'DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)'"
    [ $# -eq 0 ] || drop+=" -c 'DROP ROLE IF EXISTS $(IFS=,; echo "$*")'"
    eval "$drop" >/dev/null 2>&1 || true
    at_exit "$drop"
    createdb --maintenance-db="$maintenance_db" "$db" || give_up "createdb $db failed"
}

## sharded deployments
# For the suites with a router and nodes of their own; waits are bounded
# by $limit seconds (120 unless the suite sets it).

# sharded N: a router and N nodes (scripts/shards start N) in $work;
# PGHOST etc. name the router's database.  Stopped at exit, with whatever
# a failed start left in $work.
sharded() {
    local env_lines
    [ -n "${work:-}" ] || work_dir
    unset FOODORDER_PG_EXEC_PREFIX FOODORDER_CLUSTER FOODORDER_SHARDS
    at_exit _stop_sharded
    env_lines=$(TMPDIR=$work "$root/scripts/shards" start "$1") || give_up "scripts/shards start $1 failed"
    eval "$env_lines"
}
_stop_sharded() {
    local dir
    for dir in "$work"/foodorder-shards.*; do
        [ ! -f "$dir/nodes" ] || "$root/scripts/shards" stop "$dir"
    done
    for dir in "$work"/foodorder-pg.*; do
        [ ! -d "$dir/data" ] || "$root/scripts/cluster" stop "$dir"
    done
}
# node_of P: "name host port datadir" of the node holding partition P.
node_of() {
    local node
    node=$("$root/scripts/shards" partitions | awk -v p="$1" '$1 == p { print $2 }')
    "$root/scripts/shards" list | grep "^$node "
}
# R [PSQL ARGS...]: sql on the router's database, as the owner.
R() { sql "$@"; }
# P PARTITION [PSQL ARGS...]: sql on that partition's database, directly.
P() {
    local p=$1 host port
    shift
    read -r _ host port _ <<< "$(node_of "$p")"
    sql -h "$host" -p "$port" -d "foodorder_p$p" "$@"
}
# kitchens: rest[P], the restaurant named Kitchen... on partition P (0 to
# 3), and dishes[P], the ids of its dishes in the order they were made.
kitchens() {
    local p
    for p in 0 1 2 3; do
        read -r "rest[p]" "dishes[p]" <<< "$(R -F' ' -c "SELECT r.id, string_agg(d.id::text, ' ' ORDER BY d.id)
            FROM foodorder.restaurant r JOIN foodorder.dish d ON d.restaurant_id = r.id
           WHERE r.name LIKE 'Kitchen%' AND r.id % 1024 = $p GROUP BY r.id")"
    done
}
# per_partition SQL [PARTITION...]: SQL's rows on each PARTITION (0 1 2 3
# unless named), on one line, split by spaces.
per_partition() {
    local sql=$1 p
    shift
    [ $# -gt 0 ] || set -- 0 1 2 3
    for p in "$@"; do P "$p" -c "$sql"; done | paste -sd' '
}
# outcome_as ROLE SQL [PARTITION]: outcome of SQL as ROLE, through the
# router or on PARTITION's database directly.
outcome_as() {
    local host port
    if [ $# -lt 3 ]; then outcome "$2" -U "$1"; return; fi
    read -r _ host port _ <<< "$(node_of "$3")"
    outcome "$2" -U "$1" -h "$host" -p "$port" -d "foodorder_p$3"
}
# check_states WHAT EXPECTED VALUE...: PASS if the VALUEs' first words
# (an outcome's SQLSTATE, or a value without spaces), joined by "/", are
# EXPECTED; the numbers show each VALUE, cut to 60 characters.
check_states() {
    local what=$1 expected=$2 got="" shown="" v
    shift 2
    for v in "$@"; do got+="/${v%% *}"; shown+=" | ${v:0:60}"; done
    check_that "$what" "${shown# | }" [ "${got#/}" = "$expected" ]
}
# node_down P: the node holding partition P stops at once (immediate
# shutdown, a crash to its sessions).  node_up P starts it again and
# returns once the partition answers.
node_down() { _pg_ctl "$1" -m immediate -w stop; }
node_up() {
    _pg_ctl "$1" -w start
    wait_until "${limit:-120}" "partition $1 back" _answers "$1"
}
_answers() { P "$1" -c "SELECT" >/dev/null 2>&1; }
# _pg_ctl P ARGS...: pg_ctl on the data of P's node, logging beside it
_pg_ctl() {
    local data
    read -r _ _ _ data <<< "$(node_of "$1")"
    shift
    as_user_of "$data" "$bindir/pg_ctl" -D "$data" -l "$(dirname "$data")/server.log" "$@" >/dev/null
}
# hold_dish P DISH: a session on partition P holds DISH's row (FOR UPDATE)
# in the background, pid in $holder, until release_dish P or ${limit}s;
# returns once it holds.
hold_dish() {
    P "$1" -c "BEGIN" -c "SELECT FROM foodorder.dish WHERE id = $2 FOR UPDATE" \
        -c "SELECT pg_sleep(${limit:-120})" >/dev/null 2>&1 &
    holder=$!
    wait_until "${limit:-120}" "a session holding dish $2" _holding "$1"
}
release_dish() { _holder "$1" pg_cancel_backend >/dev/null; wait "$holder" || true; }
_holding() { [ "$(_holder "$1" count)" = 1 ]; }
_holder() { P "$1" -c "SELECT $2(pid) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(${limit:-120})'"; }
# lock_waiters PSQL...: how many sessions wait for a lock in the database
# that PSQL (R, or P PARTITION) reaches.
lock_waiters() { "$@" -c "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"; }
# pgbench_said WHAT TEXT: the number pgbench's output TEXT gives after "WHAT: ".
pgbench_said() { sed -n "s/^$1: \([0-9]*\).*/\1/p" <<< "$2"; }

# prove_tap DIR: DIR's TAP tests (DIR/t/*.pl on PostgreSQL::Test::Cluster,
# with test/perl's FoodorderTest) through PGXS's prove_installcheck
# (DIR/Makefile), as the clusters' owner (initdb refuses root) in copies of
# DIR and test/perl in a work_dir; one check line per TAP test, and one
# failed check more if prove failed with none (a script died or missed its
# plan).  A failed run's logs are kept and named, their ends shown.
prove_tap() {
    local dir=$1 line status=1 failed_before=$failed logs
    work_dir
    cp -r "$dir" "$work/suite"
    cp -r "$root/test/perl" "$work/perl"
    rm -rf "$work/suite/tmp_check"
    [ "$(id -u)" -ne 0 ] || chown -R postgres: "$work"
    while IFS= read -r line; do
        case $line in
            "ok "*) check PASS "${line#ok * - }" ;;
            "not ok "*) check FAIL "${line#not ok * - }" ;;
            "prove_tap status "*) status=${line#prove_tap status } ;;
            *) echo "    $line" ;;
        esac
    done < <(as_owner make -s -C "$work/suite" installcheck 2>&1; echo "prove_tap status $?")
    if [ "$status" -ne 0 ] && [ "$failed" -eq "$failed_before" ]; then
        check FAIL "prove over $dir/t" "exit status $status: a test script died or missed its plan"
    fi
    if [ "$status" -ne 0 ] && [ -d "$work/suite/tmp_check/log" ]; then
        logs=$(mktemp -d "${TMPDIR:-/tmp}/foodorder-$suite_name-logs.XXXXXX")
        cp -r "$work/suite/tmp_check/log/." "$logs/"
        # where a script died: the ends of its log
        for line in "$logs"/regress_log_*; do tail -5 "$line" | sed 's/^/    | /'; done
        echo "    logs kept in $logs"
    fi
}

# need_python MODULE...: $python (PYTHON, else Debian's /usr/bin/python3,
# whose python3-* packages a pyenv or venv python3 on the PATH would not
# see) importing every MODULE; give up otherwise.
need_python() {
    python=${PYTHON:-/usr/bin/python3}
    local module
    for module in "$@"; do
        "$python" -c "import $module" 2>/dev/null \
            || give_up "$python lacks $module (scripts/install-deps)"
    done
}

# tally PASSED FAILED: add the counts of a runner that prints its own
# result lines (pg_prove, Django's test runner) to the suite's.
tally() { passed=$((passed + $1)); failed=$((failed + $2)); }

# checks_from WHAT [N]: the check lines another program printed, read from
# stdin, become the suite's: "  PASS  ..."/"  FAIL  ..." as they are, and
# "PASS|what|numbers" rows (a check.sql) through check; other lines are
# shown indented.  Fewer or more than N check lines (without N: none) means
# WHAT broke off: one more failed check.
checks_from() {
    local what=$1 want=${2:-} n=0 line verdict row_what numbers
    while IFS= read -r line; do
        case $line in
            "  PASS  "*) echo "$line"; tally 1 0; n=$((n + 1)) ;;
            "  FAIL  "*) echo "$line"; tally 0 1; n=$((n + 1)) ;;
            [A-Z]*\|*)
                IFS='|' read -r verdict row_what numbers <<<"$line"
                case $verdict in
                    PASS | FAIL) check "$verdict" "$row_what" "$numbers"; n=$((n + 1)) ;;
                    *) echo "  $verdict  $row_what: $numbers" ;;
                esac ;;
            '') ;;
            *) echo "    $line" ;;
        esac
    done
    if [ -n "$want" ] && [ "$n" -ne "$want" ]; then
        check FAIL "$what ran all its $want checks" "$n check lines"
    elif [ -z "$want" ] && [ "$n" -eq 0 ]; then
        check FAIL "$what printed its checks" "none"
    fi
}
