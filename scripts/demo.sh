#!/usr/bin/env bash
# Serve the demo: write var/trytond.conf, build the SQLite demo database
# once (or again with --reset), update it when a module changed, print the
# URL and the demo logins, and run trytond in the foreground.
# Called by `make demo` and `make demo-reset` after the install steps.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD

BIN=$top/.venv/bin
DB=klachten
DB_DIR=$top/var/db
DB_FILE=$DB_DIR/$DB.sqlite
DB_STAMP=$DB_DIR/$DB.updated      # newer than every module file when current
LOGINS=$DB_DIR/$DB.logins         # what scripts/demo_data.py printed
CONF=$top/var/trytond.conf
LOCAL_CONF=$top/var/local.conf    # optional settings of your own
SAO_ROOT=${SAO_ROOT:-}
URL=http://127.0.0.1:8000/
ADMIN_EMAIL=admin@example.com

if [ "${1:-}" = --reset ]; then
    echo "Deleting the demo database $DB_FILE"
    rm -rf "$DB_DIR/$DB" "$DB_DIR/$DB".*
fi

mkdir -p "$DB_DIR"
cat > "$CONF" <<EOF
# Written by scripts/demo.sh at each \`make demo\`: put settings of your own
# in var/local.conf, which is read after this file.
[database]
uri = sqlite://
path = $DB_DIR

[web]
listen = 127.0.0.1:8000
root = $SAO_ROOT

[klachten]
# the links of the e-mails to citizens lead to the portal of this server
portal_url = ${URL%/}
EOF
confs=("$CONF")
[ -f "$LOCAL_CONF" ] && confs+=("$LOCAL_CONF")

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
    echo admin > "$passfile"
    TRYTONPASSFILE=$passfile "$BIN/trytond-admin" -c "${confs[@]}" -d "$DB" \
        --all --email "$ADMIN_EMAIL"
    rm -f "$passfile"
    if [ -f scripts/demo_data.py ]; then
        "$BIN/python" scripts/demo_data.py -c "$CONF" -d "$DB" \
            | tee "$LOGINS"
    else
        echo "WARNING: scripts/demo_data.py is missing: the demo database" \
            "has no Klachten data (only the admin user)." >&2
        : > "$LOGINS"
    fi
    touch "$DB_STAMP"
    trap - EXIT
}

update_database() {
    echo "Modules changed since the demo database was built: updating it"
    "$BIN/trytond-admin" -c "${confs[@]}" -d "$DB" --all
    touch "$DB_STAMP"
}

if [ ! -f "$DB_STAMP" ] || [ ! -f "$DB_FILE" ]; then
    rm -rf "$DB_DIR/$DB" "$DB_DIR/$DB".*
    create_database
elif [ -n "$(changed_module_file)" ]; then
    update_database
fi
if [ -f scripts/demo_data.py ] && [ scripts/demo_data.py -nt "$DB_STAMP" ]
then
    echo "NOTE: scripts/demo_data.py changed since the demo database was" \
        "built: run \`make demo-reset\` for the new demo data."
fi

cat <<EOF

==================================================================
 Klachten demo: open $URL
 Database: $DB    Administrator: admin / admin
EOF
if [ -s "$LOGINS" ]; then
    echo " Demo logins (from scripts/demo_data.py):"
    sed 's/^/   /' "$LOGINS"
fi
cat <<EOF
 Stop the server with Ctrl-C.
==================================================================

EOF
# -d loads the database at start: without it trytond 8.0 answers the first
# login with KeyError 'res.user' (its pool is never initialised)
exec "$BIN/trytond" -c "${confs[@]}" -d "$DB"
