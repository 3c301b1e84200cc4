# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""A benchmark database with the portal: klachten_portal activated and the
municipality made by the calling script's own --setup-child."""
import os
import sys
import tempfile
from pathlib import Path

from deadline_cron import log, run_checked

BIN = Path(sys.executable).parent


def activate_portal(uri, database, script):
    """Activate klachten_portal on database at uri, then run script with
    --setup-child database; return the environment used"""
    env = dict(os.environ, TRYTOND_DATABASE__URI=uri)
    with tempfile.NamedTemporaryFile('w', suffix='.pw') as passfile:
        passfile.write('admin\n')
        passfile.flush()
        env['TRYTONPASSFILE'] = passfile.name
        log(f"Activating klachten_portal on {database} (trytond-admin)...")
        run_checked([str(BIN / 'trytond-admin'), '-d', database,
                '-u', 'klachten_portal', '--activate-dependencies',
                '--email', 'admin@example.org'], env, 'trytond-admin')
    log("Creating the company, departments and staff (proteus)...")
    run_checked([sys.executable, script, '--setup-child', database], env,
        'the municipality setup')
    return env
