# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The web client (sao) is really served by a real trytond process."""
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

TOP = Path(__file__).resolve().parent.parent
# Written by sao's index.html for the optional site files, absent here
OPTIONAL = {'custom.js', 'custom.css'}


def sao_root():
    "Return the folder of sao's index.html or None"
    if root := os.environ.get('KLACHTEN_SAO_ROOT'):
        return Path(root)
    found = sorted(TOP.glob('var/sao/*/package/index.html'))
    return found[-1].parent if found else None


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def get(url):
    "Return (status, body) of a GET"
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@pytest.fixture
def server(tmp_path):
    "Start trytond serving sao and yield its base URL"
    root = sao_root()
    if root is None or not (root / 'index.html').exists():
        if os.environ.get('KLACHTEN_SAO_ROOT'):
            pytest.fail(f"sao is not installed in {root}")
        pytest.skip("sao is not installed: run `make sao`")
    port = free_port()
    env = dict(os.environ,
        TRYTOND_DATABASE__URI='sqlite://',
        TRYTOND_DATABASE__PATH=str(tmp_path),
        TRYTOND_WEB__LISTEN=f'127.0.0.1:{port}',
        TRYTOND_WEB__ROOT=str(root))
    env.pop('TRYTOND_CONFIG', None)
    trytond = Path(sys.executable).parent / 'trytond'
    log = (tmp_path / 'trytond.log').open('w+')
    process = subprocess.Popen(
        [str(trytond)], env=env, stdin=subprocess.DEVNULL,
        stdout=log, stderr=subprocess.STDOUT)
    url = f'http://127.0.0.1:{port}/'
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                log.seek(0)
                pytest.fail(f"trytond stopped:\n{log.read()}")
            try:
                get(url)
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("trytond did not answer within 30 s")
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def test_web_client_is_served(server):
    "GET / gives sao's page and every file it loads"
    status, body = get(server)
    assert status == 200
    page = body.decode('utf-8')
    assert '<title>Tryton</title>' in page
    assert 'src="dist/tryton-sao.js"' in page

    assets = re.findall(r'(?:src|href)="([^":#]+\.(?:js|css|png))"', page)
    assets = [a for a in assets if a not in OPTIONAL]
    assert 'dist/tryton-sao.js' in assets
    assert any(a.startswith('node_modules/') for a in assets)
    missing = []
    for asset in assets:
        status, body = get(server + asset)
        if status != 200 or not body:
            missing.append(f'{asset}: {status}')
    assert not missing, "Not served: " + ', '.join(missing)

    status, body = get(server + 'dist/tryton-sao.js')
    assert b'Sao' in body
