#!/usr/bin/env bash
# Run every test (klachten_*/tests, with their scenario_*.rst, and tests/)
# with pytest on each backend in turn, print each run's output, and end
# with the line "N passed, N failed" (totals over the backends).
# PostgreSQL runs in a throwaway private cluster, installed with apt-get
# when missing.  Called by `make test` after the install steps.
#
# Usage: scripts/test.sh [--backends "sqlite postgresql"] [-- PYTEST_ARGS]
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD
BIN=$top/.venv/bin

backends="sqlite postgresql"
while [ $# -gt 0 ]; do
    case $1 in
        --backends) backends=$2; shift 2 ;;
        --) shift; break ;;
        *) break ;;
    esac
done
pytest_args=("$@")
for backend in $backends; do
    case $backend in
        sqlite|postgresql) ;;
        *) echo "Unknown backend: $backend (sqlite, postgresql)" >&2; exit 2 ;;
    esac
done

shopt -s nullglob
paths=(klachten_*/tests tests)

mkdir -p "$top/var"
run_dir=$(mktemp -d "$top/var/test-run.XXXXXX")
pg_tmp=
cleanup() {
    stop_postgresql
    rm -rf "$run_dir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The test databases are built once per state of the modules and cached:
# key the cache on every module file that can change a database and on the
# installed Python packages.
cache_key() {
    {
        find klachten_*/ \( -name __pycache__ -o -name '*.egg-info' \) \
            -prune -o -type f \( -name '*.py' -o -name '*.xml' \
            -o -name '*.po' -o -name tryton.cfg \) -print0 \
            | sort -z | xargs -0 -r sha256sum
        "$BIN/python" -c 'import importlib.metadata as m
print(sorted(f"{d.name}=={d.version}" for d in m.distributions()))'
    } | sha256sum | cut -c1-16
}
key=$(cache_key)
cache=$top/var/dbcache/$key
mkdir -p "$cache"
touch "$cache"
# Forget caches of other states not used for an hour
find "$top/var/dbcache" -mindepth 1 -maxdepth 1 -type d ! -name "$key" \
    -mmin +60 -exec rm -rf {} +

# --- PostgreSQL: a private cluster in a temporary folder -------------------
pg_bindir() {
    local dir
    for dir in /usr/lib/postgresql/*/bin; do
        [ -x "$dir/initdb" ] && echo "$dir"
    done | sort -V | tail -n 1
}

install_postgresql() {
    echo "PostgreSQL is not installed: installing it with apt-get"
    local sudo=()
    [ "$(id -u)" = 0 ] || sudo=(sudo -n)
    "${sudo[@]}" apt-get update -q
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -q postgresql
}

as_pg=()
start_postgresql() {
    local bindir
    bindir=$(pg_bindir)
    if [ -z "$bindir" ]; then
        install_postgresql || return 1
        bindir=$(pg_bindir)
        [ -n "$bindir" ] || { echo "No initdb after apt-get" >&2; return 1; }
    fi
    export PATH=$bindir:$PATH
    pg_tmp=$(mktemp -d "${TMPDIR:-/tmp}/klachten-pg.XXXXXX")
    if [ "$(id -u)" = 0 ]; then
        # PostgreSQL refuses to run as root
        id -u postgres >/dev/null 2>&1 \
            || useradd --system --user-group --no-create-home postgres
        chown postgres: "$pg_tmp"
        as_pg=(runuser -u postgres --)
    fi
    pg_port=$("$BIN/python" -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])')
    # Run from the cluster folder: postgres may not enter the current one
    (cd "$pg_tmp" && "${as_pg[@]}" initdb -D "$pg_tmp/data" -A trust \
        --no-sync -U postgres -E UTF8 --locale=C.UTF-8 \
        > "$pg_tmp/initdb.log" 2>&1) \
        || { cat "$pg_tmp/initdb.log" >&2; return 1; }
    (cd "$pg_tmp" && "${as_pg[@]}" pg_ctl -D "$pg_tmp/data" -w -t 60 \
        -l "$pg_tmp/postgresql.log" -o "-p $pg_port -k $pg_tmp \
            -c listen_addresses=127.0.0.1 -c fsync=off \
            -c full_page_writes=off -c synchronous_commit=off" \
        start > /dev/null) \
        || { tail -n 20 "$pg_tmp/postgresql.log" >&2; return 1; }
    echo "PostgreSQL $(basename "$(dirname "$bindir")") on" \
        "127.0.0.1:$pg_port (data in $pg_tmp)"
}

# Tryton keeps each built test database as a template "test-<hash>" in the
# cluster (DB_CACHE=postgresql://).  The cluster is thrown away, so keep
# the templates as dumps in the cache folder and load them into the next
# cluster.
pg() {
    "$@" -h 127.0.0.1 -p "$pg_port" -U postgres
}

restore_pg_templates() {
    local dump name
    for dump in "$cache"/postgresql/*.dump; do
        name=$(basename "$dump" .dump)
        if ! { pg createdb -T template0 "$name" \
                && pg pg_restore --no-owner -d "$name" "$dump"; }; then
            echo "Could not restore $dump: dropping it" >&2
            pg dropdb --if-exists "$name" || true
            rm -f "$dump"
        fi
    done
}

save_pg_templates() {
    local name
    mkdir -p "$cache/postgresql"
    for name in $(pg psql -d postgres -Atc \
            "SELECT datname FROM pg_database WHERE datname LIKE 'test-%'"); do
        [ -f "$cache/postgresql/$name.dump" ] && continue
        pg pg_dump -Fc -f "$cache/postgresql/$name.part" "$name" \
            && mv "$cache/postgresql/$name.part" \
                "$cache/postgresql/$name.dump"
    done
}

stop_postgresql() {
    if [ -n "$pg_tmp" ]; then
        (cd "$pg_tmp" && "${as_pg[@]}" pg_ctl -D "$pg_tmp/data" -m immediate \
            stop > /dev/null 2>&1) || true
        rm -rf "$pg_tmp"
        pg_tmp=
    fi
}

# --- pytest -----------------------------------------------------------------
run_pytest() {
    local backend=$1 rc=0 start=$SECONDS extra=()
    shift
    # The browser crawl of every role's screens (tests/test_sao_crawl.py,
    # ten minutes or more) runs on SQLite only, to keep the whole suite
    # within CI's 90 minutes; PostgreSQL runs the other browser tests (the
    # story, retention, learning) and every access test. CRAWL_ON_PG=1 runs
    # it there too.
    if [ "$backend" = postgresql ] && [ -z "${CRAWL_ON_PG:-}" ]; then
        extra=(--deselect tests/test_sao_crawl.py::SaoCrawlTestCase)
    fi
    echo
    echo "======== Tests on $backend ========"
    env -u TRYTOND_CONFIG "$@" \
        TRYTOND_DATABASE__PATH="$run_dir/$backend-files" \
        "$BIN/python" -m pytest "${paths[@]}" --continue-on-collection-errors \
        --junitxml="$run_dir/$backend.xml" -o junit_suite_name="$backend" \
        "${pytest_args[@]}" ${extra[@]+"${extra[@]}"} < /dev/null || rc=$?
    echo "$rc" > "$run_dir/$backend.rc"
    echo "======== $backend: pytest exit $rc, $((SECONDS - start)) s ========"
}

run_backend() {
    case $1 in
        sqlite)
            run_pytest sqlite TRYTOND_DATABASE__URI=sqlite:// \
                DB_NAME=:memory: DB_CACHE="$cache/sqlite" \
                KLACHTEN_TEST_RESULTS="$results/sqlite"
            ;;
        postgresql)
            if start_postgresql; then
                restore_pg_templates
                run_pytest postgresql \
                    TRYTOND_DATABASE__URI="postgresql://postgres@127.0.0.1:$pg_port/" \
                    DB_NAME=test_klachten DB_CACHE=postgresql:// \
                    KLACHTEN_TEST_RESULTS="$results/postgresql"
                save_pg_templates || echo "Could not keep the templates" >&2
                stop_postgresql
            else
                echo "Could not start PostgreSQL: its tests did not run" >&2
            fi
            ;;
    esac
}

# Both backends at once (the default when both run): SQLite in the
# background, its output kept and printed after PostgreSQL's, which is
# shown as it runs. Each pytest is one process, so on a machine of two
# CPUs this takes about as long as the slower backend alone instead of
# both in turn. TEST_PARALLEL=no runs them one after the other.
results=$top/var/test-results
mkdir -p "$results"
set -- $backends
if [ $# -gt 1 ] && [ "${TEST_PARALLEL:-yes}" != no ]; then
    echo "Running the backends at the same time ($backends);" \
        "SQLite's output follows PostgreSQL's"
    run_backend sqlite > "$run_dir/sqlite.out" 2>&1 &
    sqlite_pid=$!
    for backend in $backends; do
        [ "$backend" = sqlite ] || run_backend "$backend"
    done
    wait "$sqlite_pid" || true
    cat "$run_dir/sqlite.out"
else
    for backend in $backends; do
        run_backend "$backend"
    done
fi

mkdir -p "$top/var/test-results"
for report in "$run_dir"/*.xml; do
    cp "$report" "$top/var/test-results/"
done
echo
rc=0
"$BIN/python" scripts/test_summary.py "$run_dir" $backends || rc=$?
exit $rc
