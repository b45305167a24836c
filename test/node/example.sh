# Sourced by test/node/run and test/screens/run after the harness: what both
# need of the Node example (examples/node).
# shellcheck shell=bash

# node_example MAJOR DB APP [ROLE...]: give up unless node is MAJOR or later;
# install examples/node's packages (npm ci) when node_modules is missing or
# older than package-lock.json; make DB with foodorder and the LOGIN roles
# APP (granted with grant_app, as a deployed app server is) and ROLE...,
# all dropped at exit.
node_example() {
    local major=$1 db=$2 app=$3 role
    shift 3
    need node "Debian: nodejs $major or later"
    [ "$(node -p 'process.versions.node.split(".")[0]')" -ge "$major" ] \
        || give_up "node $(node -v) is older than $major"
    # node_modules/.package-lock.json is what npm ci last installed
    if [ ! -f "$root/examples/node/node_modules/.package-lock.json" ] \
       || [ "$root/examples/node/package-lock.json" -nt "$root/examples/node/node_modules/.package-lock.json" ]; then
        (cd "$root/examples/node" && npm ci --no-audit --no-fund --loglevel=error) \
            || give_up 'npm ci in examples/node failed'
    fi
    scratch_db "$db" "$app" "$@"
    for role in "$app" "$@"; do sql -d "$db" -c "CREATE ROLE $role LOGIN"; done
    # Tests that hold a dish until all their requests are seen waiting for it,
    # however long a loaded machine takes to send them: the bound on a call's
    # wait (5 s by default, tested by test/lockwait) must not end the first
    # ones meanwhile.
    sql -d "$db" -c 'SET client_min_messages = warning' -c 'CREATE EXTENSION foodorder' \
        -c "SELECT foodorder.grant_app('$app')" \
        -c "ALTER DATABASE $db SET foodorder.lock_wait_timeout = '10min'" >/dev/null
}
