# Sourced after the harness by the suites that load a server with pgbench
# rounds (test/stress/run, test/rush/run): their totals and the two checks
# each makes of them.  The totals are $processed, $failed_tx (transactions)
# and $pgbench_status (the last non-zero exit status of a round, else 0).
# shellcheck shell=bash
processed=0
failed_tx=0
pgbench_status=0

# pgbench_totals OUT: add a round's counts, from its output OUT (no count of
# failed transactions at all, when pgbench broke off: 1 failed).
pgbench_totals() {
    local p f
    p=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$1")
    f=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$1")
    processed=$((processed + ${p:-0}))
    failed_tx=$((failed_tx + ${f:-1}))
}

# check_pgbench PREFIX ERRORS [WHY]: the rounds failed no transaction and
# aborted no client; else the commonest lines of ERRORS (pgbench's stderr).
check_pgbench() {
    local what="${1}pgbench: no failed transactions, no aborted clients"
    if [ "$pgbench_status" -eq 0 ] && [ "$failed_tx" -eq 0 ]; then
        check PASS "$what" "$processed transactions, 0 failed"
    else
        check FAIL "$what" "$processed transactions, $failed_tx failed, exit status $pgbench_status${3:+; $3}"
        sed 's/^client [0-9]* //' "$2" | sort | uniq -c | sort -rn | head -20 | sed 's/^/    /' || true
    fi
}

# check_backends_gone PREFIX DB: the clients' backends count their deadlocks
# into pg_stat_database as they exit: they are all gone from DB (within 60 s,
# a pooler's once it closed its server connections) before that is read.
check_backends_gone() {
    local left start=$SECONDS
    until left=$(sql -d "$2" -c "SELECT count(*) FROM pg_stat_activity
                                 WHERE datname = current_database() AND pid <> pg_backend_pid()") \
          && [ "$left" -eq 0 ] || [ $((SECONDS - start)) -ge 60 ]; do
        sleep 0.1
    done
    if [ "$left" = 0 ]; then
        check PASS "${1}the clients' backends ended, so their deadlock counts are in" "0 left"
    else
        check FAIL "${1}the clients' backends ended, so their deadlock counts are in" "$left still there after 60 s"
    fi
}
