# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Convert a Word document to PDF with LibreOffice headless.

Every conversion runs in a folder of its own with a LibreOffice user
profile of its own (``-env:UserInstallation``): two conversions at the
same time, in one process or in two, never share a profile, which is what
makes a shared profile hang or return nothing.  The process group is
killed when the conversion takes longer than the timeout.  Where the
kernel allows it, LibreOffice runs without a network (``unshare -n``), so
a template can make no request however it was written.

The result is checked: a PDF or an error, never the input under a PDF
name (trytond's own ``Report.convert`` returns the input when
``soffice`` is missing)."""
import logging
import os
import shutil
import signal
import subprocess
import tempfile
import time
from functools import lru_cache
from pathlib import Path

import trytond.config as config

logger = logging.getLogger(__name__)
SECTION = 'klachten_report'
DEFAULT_TIMEOUT = 120


class ConversionFailed(Exception):
    """The conversion failed; reason is one of missing, timeout, crash,
    no_output"""

    def __init__(self, reason, detail=''):
        super().__init__(f'{reason}: {detail}')
        self.reason = reason
        self.detail = detail


def soffice_command():
    "The soffice executable, from [klachten_report] soffice or the PATH"
    command = config.get(SECTION, 'soffice', default='soffice')
    if os.sep in command:
        return command if os.access(command, os.X_OK) else None
    return shutil.which(command)


def timeout():
    return config.getfloat(SECTION, 'convert_timeout',
        default=DEFAULT_TIMEOUT)


@lru_cache(maxsize=None)
def _can_unshare(unshare):
    try:
        return subprocess.run([unshare, '-n', 'true'], timeout=10,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            ).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def network_prefix():
    "The command prefix that takes the network away, if the kernel allows"
    if not config.getboolean(SECTION, 'isolate_network', default=True):
        return []
    unshare = shutil.which('unshare')
    if unshare and _can_unshare(unshare):
        return [unshare, '-n']
    return []


def to_pdf(data, suffix='.docx', timeout_=None):
    "Return the PDF of the document data (bytes) or raise ConversionFailed"
    soffice = soffice_command()
    if not soffice:
        raise ConversionFailed('missing', 'soffice not found')
    timeout_ = timeout_ or timeout()
    folder = Path(tempfile.mkdtemp(prefix='klachten-convert-'))
    try:
        source = folder / f'document{suffix}'
        source.write_bytes(data)
        output = folder / 'out'
        output.mkdir()
        args = network_prefix() + [
            soffice,
            f'-env:UserInstallation={(folder / "profile").as_uri()}',
            '--headless', '--invisible', '--nologo', '--nodefault',
            '--nolockcheck', '--norestore', '--nofirststartwizard',
            '--convert-to', 'pdf', '--outdir', str(output), str(source),
            ]
        env = dict(os.environ, HOME=str(folder))
        start = time.monotonic()
        try:
            process = subprocess.Popen(args, stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env,
                cwd=folder, start_new_session=True)
        except OSError as exception:
            raise ConversionFailed('missing', str(exception))
        try:
            out, _ = process.communicate(timeout=timeout_)
        except subprocess.TimeoutExpired:
            _kill(process)
            raise ConversionFailed('timeout', f'{timeout_:.0f} s')
        finally:
            # LibreOffice may leave helpers behind in its group
            _kill(process)
        detail = out.decode('utf-8', 'replace')[-500:].strip()
        if process.returncode != 0:
            raise ConversionFailed(
                'crash', f'exit {process.returncode}: {detail}')
        result = output / 'document.pdf'
        if not result.exists():
            raise ConversionFailed('no_output', detail)
        pdf = result.read_bytes()
        if not pdf.startswith(b'%PDF-') or b'%%EOF' not in pdf[-1024:]:
            raise ConversionFailed('no_output', "not a complete PDF")
        logger.info("converted %d bytes to PDF in %.1f s",
            len(data), time.monotonic() - start)
        return pdf
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _kill(process):
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        pass
