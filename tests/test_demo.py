# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""`make demo` serves what it says, on the ports it is given.

scripts/demo.sh runs here on a small database of its own (klachten_portal
activated, no demo data: the demo data takes minutes): its web client, its
mail catcher (maildev), its cron and its queue worker, on free ports
instead of 8000, 1080 and 1025; a citizen registers on the portal, and the
confirmation e-mail is read back from the mail catcher's HTTP API with a
link on the demo's port.
Ctrl-C stops every process the demo started."""
import http.cookiejar
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from test_web_client import free_port, get, sao_root

TOP = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DB = 'klachten'  # the database name of scripts/demo.sh
ADMIN_PASSWORD = 'admin'
# the cron sends the outbox at each minute
MAIL_TIMEOUT = 240


def clean_environment(**values):
    "The environment without the test run's Tryton settings"
    env = {k: v for k, v in os.environ.items()
        if not k.startswith(('TRYTOND_', 'DB_'))}
    env.update(values)
    return env


def build_database(var):
    """A small database where scripts/demo.sh looks for its own, marked
    current so that the script serves it as it is"""
    db_dir = var / 'db'
    db_dir.mkdir(parents=True)
    (db_dir / f'{DB}.sqlite').touch()
    (var / 'password').write_text(ADMIN_PASSWORD)
    env = clean_environment(
        TRYTOND_DATABASE__URI='sqlite://',
        TRYTOND_DATABASE__PATH=str(db_dir),
        TRYTONPASSFILE=str(var / 'password'))
    admin = str(BIN / 'trytond-admin')
    for args in [['--all', '--email', 'admin@example.com'],
            ['-u', 'klachten_portal', '--activate-dependencies']]:
        subprocess.run([admin, '-d', DB, *args], env=env, check=True,
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE)
    (db_dir / f'{DB}.updated').touch()


class Demo:
    "scripts/demo.sh running in its own process group, as in a terminal"

    def __init__(self, var, **ports):
        self.var = var
        self.ports = ports
        self.lines = []
        env = clean_environment(
            DEMO_VAR=str(var), SAO_ROOT=str(sao_root()),
            **{k: str(v) for k, v in ports.items()})
        # As in a terminal: Ctrl-C is not ignored, even when the test run
        # itself was started in the background (CI), where a shell starts
        # its children with SIGINT ignored and bash could not trap it
        self.process = subprocess.Popen(
            ['scripts/demo.sh'], cwd=TOP, env=env, start_new_session=True,
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.process.stdout:
            self.lines.append(line.rstrip('\n'))

    @property
    def output(self):
        return '\n'.join(self.lines)

    def wait_for_banner(self, timeout=300):
        "Return the banner's text once it is printed whole"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = self.output
            start = text.find('Klachten demo')
            if start >= 0 and '=' * 60 in text[start:]:
                return text[start:text.index('=' * 60, start)]
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        pytest.fail(f"No banner from scripts/demo.sh:\n{self.output}")

    def interrupt(self, timeout=30):
        "Ctrl-C: SIGINT to the terminal's process group; the exit code"
        os.killpg(self.process.pid, signal.SIGINT)
        try:
            return self.process.wait(timeout)
        finally:
            self.reader.join(5)

    def kill(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def processes_of(path):
    "The processes whose command line mentions path"
    found = []
    for cmdline in Path('/proc').glob('[0-9]*/cmdline'):
        try:
            args = cmdline.read_bytes().split(b'\0')
        except OSError:
            continue
        if any(str(path).encode() in a for a in args):
            found.append(b' '.join(args).decode(errors='replace'))
    return found


def listening(port):
    with socket.socket() as sock:
        return sock.connect_ex(('127.0.0.1', port)) == 0


def register_on_portal(url, email):
    "Register a citizen account through the portal's form"
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(jar))
    page = f'{url}{DB}/portal/account/register'
    with opener.open(page, timeout=30) as response:
        form = response.read().decode('utf-8')
    token, = re.findall(r'name="csrf_token" value="([^"]+)"', form)
    data = urllib.parse.urlencode({
            'csrf_token': token, 'lang': 'nl', 'name': "Lotte Demo",
            'email': email, 'password': 'Klaverveld-demo-2026',
            'password_repeat': 'Klaverveld-demo-2026',
            }).encode()
    with opener.open(page, data=data, timeout=60) as response:
        assert response.status == 200


def wait_for_email(mail_url, address, timeout=MAIL_TIMEOUT):
    "The e-mail to address in maildev, read through its HTTP API"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status, body = get(mail_url + 'email')
        assert status == 200
        for email in json.loads(body):
            if any(t['address'] == address for t in email['to']):
                return email
        time.sleep(1)
    pytest.fail(f"No e-mail to {address} in maildev within {timeout} s")


@pytest.fixture
def ports():
    "Three free ports, none of them the defaults"
    ports = set()
    while len(ports) < 3:
        port = free_port()
        if port not in {8000, 1080, 1025}:
            ports.add(port)
    return dict(zip(['PORT', 'MAIL_PORT', 'SMTP_PORT'], sorted(ports)))


def test_demo_serves_on_its_ports_and_stops(tmp_path, ports):
    """The web client, the portal's e-mail in the mail catcher with a link
    on the demo's port, one admin password everywhere, Ctrl-C stops all"""
    root = sao_root()
    assert root and (root / 'index.html').exists(), "sao is not installed"
    assert (TOP / 'node_modules/.bin/maildev').exists(), \
        "maildev is not installed (npm ci)"
    var = tmp_path / 'var'
    build_database(var)
    demo = Demo(var, **ports)
    try:
        banner = demo.wait_for_banner()
        url = f"http://127.0.0.1:{ports['PORT']}/"
        mail_url = f"http://127.0.0.1:{ports['MAIL_PORT']}/"
        assert f"Web client (staff):  {url}\n" in banner
        assert f"E-mails sent:        {mail_url} " in banner
        assert f"SMTP 127.0.0.1:{ports['SMTP_PORT']}" in banner
        assert f"log in on {url} with" in banner

        # The administrator's password: banner, demo_data.py, README.md
        readme = (TOP / 'README.md').read_text()
        assert re.findall(r'\| `admin` \| `([^`]+)` \|', readme) \
            == [ADMIN_PASSWORD]
        assert re.findall(r'Administrator: admin / (\S+)', banner) \
            == [ADMIN_PASSWORD]
        assert re.findall(
            r'^ +admin +(\S+) +Tryton administrator$', banner, re.M) \
            == [ADMIN_PASSWORD]

        status, page = get(url)
        assert status == 200 and b'<title>Tryton</title>' in page
        status, page = get(mail_url)
        assert status == 200 and b'MailDev' in page

        address = 'lotte.demo@example.com'
        register_on_portal(url, address)
        email = wait_for_email(mail_url, address)
        links = re.findall(r'https?://\S+', email['text'])
        assert links, email['text']
        assert all(l.startswith(f'{url}{DB}/portal/') for l in links), links
        assert 'klaverveld.example' in email['from'][0]['address']

        assert demo.interrupt() == 130
    finally:
        demo.kill()
    assert ('Stopping maildev trytond trytond-cron trytond-worker'
        in demo.output)
    assert not processes_of(var), "left running"
    assert not any(listening(p) for p in ports.values())


def test_demo_refuses_a_busy_port(tmp_path, ports):
    "A port in use is told at once, with the make command to avoid it"
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', ports['MAIL_PORT']))
        sock.listen()
        env = clean_environment(DEMO_VAR=str(tmp_path / 'var'),
            **{k: str(v) for k, v in ports.items()})
        process = subprocess.Popen(['scripts/demo.sh'], cwd=TOP, env=env,
            start_new_session=True, stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            _, stderr = process.communicate(timeout=30)
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
    assert process.returncode == 1
    assert f"Port {ports['MAIL_PORT']} on 127.0.0.1 is in use" in stderr
    assert f"make demo MAIL_PORT={ports['MAIL_PORT'] + 1}" in stderr
    assert not (tmp_path / 'var').exists()
