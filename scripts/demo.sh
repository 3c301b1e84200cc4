#!/usr/bin/env bash
# Serve the demo: write the trytond configuration, build the SQLite demo
# database once (or again with --reset), update it when a module changed,
# then run together, until Ctrl-C stops them all:
#   - maildev, the mail catcher: the e-mails the demo sends end up on its
#     web page, nothing leaves the machine;
#   - trytond-cron: sends the outbox to maildev, runs reminders and terms;
#   - the queue worker (scripts/demo_worker.py, trytond-worker for SQLite):
#     runs what the server queues, e.g. the register import's batches,
#     so that its progress bar moves;
#   - trytond: the web client and the citizens' portal.
# Called by `make demo` and `make demo-reset` after the install steps.
#
# Settings (environment, or `make demo PORT=8080`):
#   PORT       the web client and portal (default 8000)
#   MAIL_PORT  the mail catcher's web page (default 1080)
#   SMTP_PORT  the mail catcher's SMTP server (default 1025)
#   DEMO_VAR   the folder of the database, configuration, e-mails and
#              logs (default var/)
#   SAO_ROOT   the web client's folder (set by make)
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD

BIN=$top/.venv/bin
MAILDEV=$top/node_modules/.bin/maildev
HOST=127.0.0.1
PORT=${PORT:-8000}
MAIL_PORT=${MAIL_PORT:-1080}
SMTP_PORT=${SMTP_PORT:-1025}
VAR=${DEMO_VAR:-$top/var}
SAO_ROOT=${SAO_ROOT:-}
DB=klachten
DB_DIR=$VAR/db
DB_FILE=$DB_DIR/$DB.sqlite
DB_STAMP=$DB_DIR/$DB.updated      # newer than every module file when current
CONF=$VAR/trytond.conf
LOCAL_CONF=$VAR/local.conf        # optional settings of your own
MAIL_DIR=$VAR/mail                # the e-mails maildev caught
LOG_DIR=$VAR/log
URL=http://$HOST:$PORT/
MAIL_URL=http://$HOST:$MAIL_PORT/
ADMIN_PASSWORD=admin              # as in README.md and demo_data.py
ADMIN_EMAIL=admin@example.com
MAIL_FROM="Klachten Gemeente Klaverveld <klachten@klaverveld.example>"

die() {
    echo "$*" >&2
    exit 1
}

check_port() {  # name value
    [[ $2 =~ ^[0-9]+$ ]] && [ "$2" -ge 1 ] && [ "$2" -le 65535 ] \
        || die "$1=$2 is not a port number (1-65535)"
}

port_is_free() {
    "$BIN/python" - "$1" <<'EOF'
import socket
import sys
with socket.socket() as sock:
    # as servers do: a port whose last connections are closing is free
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(('127.0.0.1', int(sys.argv[1])))
    except OSError:
        sys.exit(1)
EOF
}

check_ports() {
    check_port PORT "$PORT"
    check_port MAIL_PORT "$MAIL_PORT"
    check_port SMTP_PORT "$SMTP_PORT"
    [ "$(printf '%s\n' "$PORT" "$MAIL_PORT" "$SMTP_PORT" | sort -u | wc -l)" \
        = 3 ] || die "PORT, MAIL_PORT and SMTP_PORT must differ"
    local name
    for name in PORT MAIL_PORT SMTP_PORT; do
        port_is_free "${!name}" || die "Port ${!name} on $HOST is in use" \
            "(another demo?): choose another one, e.g." \
            "\`make demo $name=$((${!name} + 1))\`."
    done
}

write_configuration() {
    mkdir -p "$DB_DIR" "$MAIL_DIR" "$LOG_DIR"
    cat > "$CONF" <<EOF
# Written by scripts/demo.sh at each \`make demo\`: put settings of your own
# in $LOCAL_CONF, which is read after this file.
[database]
uri = sqlite://
path = $DB_DIR

[web]
listen = $HOST:$PORT
root = $SAO_ROOT

[email]
# maildev, the demo's mail catcher: see its page on $MAIL_URL
uri = smtp://$HOST:$SMTP_PORT
from = $MAIL_FROM

[queue]
# the server queues long work (the register import's batches) for the
# worker instead of running it while the user waits
worker = True

[klachten]
# the links of the e-mails to citizens lead to the portal of this server
portal_url = ${URL%/}
EOF
    confs=("$CONF")
    [ -f "$LOCAL_CONF" ] && confs+=("$LOCAL_CONF")
    return 0
}

changed_module_file() {
    find "$top"/klachten_*/ \( -name __pycache__ -o -name '*.egg-info' \) \
        -prune -o -type f \( -name '*.py' -o -name '*.xml' -o -name '*.po' \
        -o -name tryton.cfg \) -newer "$DB_STAMP" -print -quit
}

create_database() {
    echo "Creating the demo database $DB_FILE"
    # Delete a half-built database if anything below fails or is stopped
    trap 'rm -rf "$DB_DIR/$DB" "$DB_DIR/$DB".*' EXIT
    touch "$DB_FILE"  # the SQLite backend needs the file to exist
    local passfile=$DB_DIR/$DB.password
    echo "$ADMIN_PASSWORD" > "$passfile"
    TRYTONPASSFILE=$passfile "$BIN/trytond-admin" -c "${confs[@]}" -d "$DB" \
        --all --email "$ADMIN_EMAIL"
    rm -f "$passfile"
    if [ -f scripts/demo_data.py ]; then
        # The logins it prints are in the banner below
        "$BIN/python" scripts/demo_data.py -c "$CONF" -d "$DB" > /dev/null
    else
        echo "WARNING: scripts/demo_data.py is missing: the demo database" \
            "has no Klachten data (only the admin user)." >&2
    fi
    touch "$DB_STAMP"
    trap - EXIT
}

update_database() {
    echo "Modules changed since the demo database was built: updating it"
    "$BIN/trytond-admin" -c "${confs[@]}" -d "$DB" --all
    touch "$DB_STAMP"
}

prepare_database() {
    if [ ! -f "$DB_STAMP" ] || [ ! -f "$DB_FILE" ]; then
        rm -rf "$DB_DIR/$DB" "$DB_DIR/$DB".*
        create_database
    elif [ -n "$(changed_module_file)" ]; then
        update_database
    fi
    if [ -f scripts/demo_data.py ] && [ scripts/demo_data.py -nt "$DB_STAMP" ]
    then
        echo "NOTE: scripts/demo_data.py changed since the demo database" \
            "was built: run \`make demo-reset\` for the new demo data."
    fi
}

# --- The four processes ----------------------------------------------------
# Each runs in a session of its own (setsid), so that stopping one stops its
# children too (trytond-cron's workers); stop_all is the only way out.
pids=()
names=()
start() {  # name log command...
    local name=$1 log=$2
    shift 2
    if [ "$log" = - ]; then
        setsid "$@" < /dev/null &
    else
        setsid "$@" < /dev/null >> "$log" 2>&1 &
    fi
    pids+=("$!")
    names+=("$name")
}

stop_all() {
    trap - INT TERM EXIT
    [ ${#pids[@]} -gt 0 ] || return 0
    echo
    echo "Stopping ${names[*]}"
    local pid i
    for pid in "${pids[@]}"; do
        kill -TERM -- "-$pid" 2> /dev/null || true
    done
    for ((i = 0; i < 100; i++)); do
        for pid in "${pids[@]}"; do
            kill -0 -- "-$pid" 2> /dev/null && break
        done || break
        sleep 0.1
    done
    for pid in "${pids[@]}"; do
        kill -KILL -- "-$pid" 2> /dev/null || true
    done
    wait 2> /dev/null || true
    pids=()
}

wait_for_port() {  # name port log
    local i
    for ((i = 0; i < 600; i++)); do
        (exec 3<> "/dev/tcp/$HOST/$2") 2> /dev/null && return 0
        if ! kill -0 "${pids[-1]}" 2> /dev/null; then
            echo "$1 stopped before it answered on port $2" >&2
            [ "$3" = - ] || tail -n 20 "$3" >&2
            return 1
        fi
        sleep 0.1
    done
    echo "$1 did not answer on port $2 within 60 s" >&2
    return 1
}

serve() {
    trap 'stop_all; exit 130' INT
    trap 'stop_all; exit 143' TERM
    trap stop_all EXIT

    [ -x "$MAILDEV" ] || die "$MAILDEV is missing: run \`make demo\`" \
        "(it runs npm ci)"
    start maildev "$LOG_DIR/maildev.log" "$MAILDEV" \
        --ip "$HOST" --web-ip "$HOST" --smtp "$SMTP_PORT" --web "$MAIL_PORT" \
        --mail-directory "$MAIL_DIR"
    wait_for_port maildev "$MAIL_PORT" "$LOG_DIR/maildev.log"
    # -d loads the database at start: without it trytond 8.0 answers the
    # first login with KeyError 'res.user' (its pool is never initialised)
    start trytond - "$BIN/trytond" -c "${confs[@]}" -d "$DB"
    wait_for_port trytond "$PORT" -
    # One process is enough for one demo database
    start trytond-cron "$LOG_DIR/cron.log" \
        "$BIN/trytond-cron" -c "${confs[@]}" -d "$DB" -n 1
    # trytond-worker 8.0 runs on PostgreSQL only: this one polls SQLite
    start trytond-worker "$LOG_DIR/worker.log" \
        "$BIN/python" scripts/demo_worker.py -c "${confs[@]}" -d "$DB"
    banner
    local pid=
    # Whichever stops first (it should not), the others stop with it
    wait -n -p pid "${pids[@]}" || true
    local i
    for i in "${!pids[@]}"; do
        [ "${pids[$i]}" = "$pid" ] && echo "${names[$i]} stopped:" \
            "stopping the demo (logs in $LOG_DIR)" >&2
    done
    exit 1
}

banner() {
    cat <<EOF

==================================================================
 Klachten demo (stop it with Ctrl-C)
   Web client (staff):  $URL
   Citizens' portal:    ${URL}klachten/portal/complaint
   E-mails sent:        $MAIL_URL  (mail catcher, SMTP $HOST:$SMTP_PORT)
 The outbox is sent every minute (trytond-cron): an e-mail appears on
 the mail catcher's page within a minute or two; none leaves the machine.
 A queue worker runs the register import's batches (progress bar).
 Database: $DB    Administrator: admin / $ADMIN_PASSWORD
 Logs: trytond here, the others in $LOG_DIR
EOF
    if [ -f scripts/demo_data.py ]; then
        echo " Demo logins (from scripts/demo_data.py):"
        "$BIN/python" scripts/demo_data.py --logins --url "$URL" \
            | sed '/./s/^/   /'
    fi
    cat <<EOF
==================================================================

EOF
}

reset=
case ${1:-} in
    --reset) reset=1 ;;
    "") ;;
    *) die "Usage: scripts/demo.sh [--reset]" ;;
esac
check_ports
if [ -n "$reset" ]; then
    echo "Deleting the demo database $DB_FILE and its e-mails"
    rm -rf "$DB_DIR/$DB" "$DB_DIR/$DB".* "$MAIL_DIR"
fi
write_configuration
prepare_database
serve
