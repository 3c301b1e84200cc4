# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""A real IMAP server (Debian's Dovecot) on 127.0.0.1 for tests.

    from klachten_base.tests.imap import ImapServer

    with ImapServer() as imap:        # dovecot -F on a free port
        imap.append(raw_bytes)        # APPEND to INBOX, as a mail server
        imap.uids('Verwerkt')         # the UIDs in a folder
        imap.stop(); imap.start()     # down and up again, same port

Dovecot runs with its own configuration, mail and state in a temporary
directory, as the current user, plain-text login without TLS (loopback
only); user USER with PASSWORD."""
import grp
import imaplib
import os
import pwd
import shutil
import subprocess
import tempfile
import time

from .harness import free_port

USER = 'klachten'
PASSWORD = 'secret-imap'
DOVECOT = shutil.which('dovecot') or '/usr/sbin/dovecot'

CONF = """\
protocols = imap
listen = 127.0.0.1
base_dir = {dir}/run
state_dir = {dir}/state
log_path = {dir}/dovecot.log
info_log_path = {dir}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {user}
default_internal_group = {group}
default_login_user = {login_user}
first_valid_uid = 1
first_valid_gid = 0
mail_location = maildir:{dir}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {dir}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={dir}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
namespace inbox {{
  inbox = yes
  separator = /
}}
"""


def available():
    "Whether dovecot is installed (scripts/system_deps.sh installs it)"
    return os.path.exists(DOVECOT)


class ImapServer:
    "Dovecot on 127.0.0.1 and a free port (see the module doc)"

    def __init__(self):
        self.port = free_port()
        self.dir = None
        self._process = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.close()

    def start(self):
        if self.dir is None:
            self.dir = tempfile.mkdtemp(prefix='klachten-imap-')
            for sub in ['run', 'state', 'mail', 'home']:
                os.makedirs(os.path.join(self.dir, sub))
            uid, gid, user, login_user = self._users()
            with open(os.path.join(self.dir, 'passwd'), 'w') as f:
                f.write(f'{USER}:{{PLAIN}}{PASSWORD}::::::\n')
            with open(os.path.join(self.dir, 'dovecot.conf'), 'w') as f:
                f.write(CONF.format(
                        dir=self.dir, port=self.port, user=user,
                        group=grp.getgrgid(gid).gr_name, login_user=login_user,
                        uid=uid, gid=gid))
            if os.getuid() == 0:
                os.chmod(self.dir, 0o755)
                for sub in ['mail', 'home']:
                    os.chown(os.path.join(self.dir, sub), uid, gid)
        if self._process is None:
            self._process = subprocess.Popen(
                [DOVECOT, '-F', '-c', os.path.join(self.dir, 'dovecot.conf')],
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            self._wait()
        return self

    @staticmethod
    def _users():
        "(uid, gid, user, login user) dovecot's processes run as"
        if os.getuid() != 0:
            entry = pwd.getpwuid(os.getuid())
            return entry.pw_uid, entry.pw_gid, entry.pw_name, entry.pw_name
        # as root (a CI container): Debian's users of the package
        entry = pwd.getpwnam('dovecot')
        return entry.pw_uid, entry.pw_gid, 'dovecot', 'dovenull'

    def _wait(self):
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError('dovecot stopped: %s\n%s' % (
                        self._process.stderr.read().decode(), self.log()))
            try:
                self.client().logout()
                return
            except (OSError, imaplib.IMAP4.error):
                time.sleep(0.05)
        raise RuntimeError('dovecot does not answer:\n' + self.log())

    def log(self):
        try:
            with open(os.path.join(self.dir, 'dovecot.log')) as f:
                return f.read()[-4000:]
        except OSError:
            return ''

    def stop(self):
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._process.stderr.close()
            self._process = None
            # dovecot's children may keep the port a moment
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                try:
                    self.client().logout()
                    time.sleep(0.05)
                except (OSError, imaplib.IMAP4.error):
                    break

    def close(self):
        self.stop()
        if self.dir:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None

    def client(self):
        "A logged in imaplib client"
        imap = imaplib.IMAP4('127.0.0.1', self.port, timeout=10)
        try:
            imap.login(USER, PASSWORD)
        except BaseException:
            imap.shutdown()
            raise
        return imap

    def append(self, raw, folder='INBOX'):
        imap = self.client()
        try:
            status, data = imap.append(folder, None, None, raw)
            assert status == 'OK', data
        finally:
            imap.logout()

    def uids(self, folder='INBOX'):
        "The UIDs of the messages in folder ([] when it does not exist)"
        imap = self.client()
        try:
            status, _ = imap.select(f'"{folder}"', readonly=True)
            if status != 'OK':
                return []
            status, data = imap.uid('SEARCH', 'ALL')
            return [int(u) for u in (data[0] or b'').split()]
        finally:
            imap.logout()

    def mailbox_values(self, **values):
        "The values of a klachten.mailbox on this server"
        return {
            'name': 'Klachten', 'host': '127.0.0.1', 'port': self.port,
            'security': 'none', 'username': USER, 'password': PASSWORD,
            **values}
