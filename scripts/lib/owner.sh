# Sourced by the scripts, the test harness and the benchmark: where the
# PostgreSQL programs are, and how to run one as the user that owns a
# cluster (initdb refuses root, so as root the clusters belong to postgres).
# shellcheck shell=bash

PG_MAJOR=${PG_MAJOR:-15}
bindir=$(pg_config --bindir 2>/dev/null || echo "/usr/lib/postgresql/$PG_MAJOR/bin")

# as_owner COMMAND...: COMMAND as postgres when we are root, else as we are;
# from /, which that user can enter whatever the caller's folder is.
as_owner() {
    if [ "$(id -u)" -eq 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

# as_user_of DIR COMMAND...: COMMAND as the user owning DIR (a data
# directory), when we are root and that user is not.
as_user_of() {
    local owner
    owner=$(stat -c %U "$1")
    shift
    if [ "$(id -u)" -eq 0 ] && [ "$owner" != root ]; then
        (cd / && runuser -u "$owner" -- "$@")
    else
        "$@"
    fi
}
