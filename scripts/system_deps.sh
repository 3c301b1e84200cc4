#!/usr/bin/env bash
# Install the Debian packages the tests drive for real, when missing:
#   postgresql            the second backend (a throwaway cluster per run)
#   chromium              the portal's end-to-end and accessibility tests
#   libreoffice-writer-nogui  documents converted to PDF (klachten_report)
#   poppler-utils         pdftotext, to read PDFs back in tests
#   fonts-dejavu-core     fonts for Chromium and LibreOffice
#   dovecot-imapd         a real IMAP server for the e-mail intake tests
# Then the npm packages of package.json (axe-core) into node_modules/.
# Called by `make test`; prints nothing when everything is there.
set -euo pipefail
cd "$(dirname "$0")/.."

have_pg() {
    local dir
    for dir in /usr/lib/postgresql/*/bin; do
        [ -x "$dir/initdb" ] && return 0
    done
    return 1
}

missing=()
have_pg || missing+=(postgresql)
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v soffice >/dev/null || missing+=(libreoffice-writer-nogui)
command -v pdftotext >/dev/null || missing+=(poppler-utils)
[ -d /usr/share/fonts/truetype/dejavu ] || missing+=(fonts-dejavu-core)
[ -x /usr/sbin/dovecot ] || missing+=(dovecot-imapd)

if [ ${#missing[@]} -gt 0 ]; then
    echo "Installing with apt-get: ${missing[*]}"
    sudo=()
    [ "$(id -u)" = 0 ] || sudo=(sudo -n)
    "${sudo[@]}" apt-get update -q
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if [ -f package.json ] \
        && { [ ! -f node_modules/.installed ] \
            || [ package-lock.json -nt node_modules/.installed ]; }; then
    command -v npm >/dev/null \
        || { echo "npm is missing: install nodejs and npm" >&2; exit 1; }
    npm ci --no-audit --no-fund --loglevel=error
    touch node_modules/.installed
fi
