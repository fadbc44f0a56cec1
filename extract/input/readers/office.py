"""Old Word (.doc), WPS (.wps), OpenDocument (.odt) and RTF files: converted to .docx by LibreOffice.

The conversion runs headless in a fresh temporary folder with its own throw-away user
profile (no settings, macros or recent files of the machine's user), on a copy named
``input<suffix>`` (never the input's own name), and is killed with its whole process group
after ``Limits.converter_timeout_s``. The .docx it writes goes through the Word reader and
its zip limits like any other.

LibreOffice fetches linked images and sections while it loads a document (a hostile file
makes it request any URL). Three locks keep it offline: the profile blocks untrusted links
and macros, proxies point at an address that cannot be reached, and where the kernel allows
it (``unshare --net``) the converter runs without any network at all.
"""

from __future__ import annotations

import functools
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from gongkai.extract.errors import ConversionFailed, ConverterMissing, TooLarge
from gongkai.extract.options import Options

_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="BlockUntrustedRefererLinks"
 oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="DisableMacrosExecution"
 oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="MacroSecurityLevel"
 oor:op="fuse"><value>3</value></prop></item>
</oor:items>
"""
_DEAD_PROXY = "http://0.0.0.0:9"


@functools.cache
def _no_network_prefix() -> tuple[str, ...]:
    """``unshare --net`` (in a user namespace) where the kernel allows it, else nothing."""
    cmd = ("unshare", "--net", "--map-root-user", "--")
    if shutil.which("unshare") is None:
        return ()
    try:
        ok = subprocess.run([*cmd, "true"], capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.SubprocessError):
        ok = False
    return cmd if ok else ()


def convert_with_libreoffice(data: bytes, suffix: str, options: Options) -> bytes:
    soffice = options.soffice or shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        raise ConverterMissing("LibreOffice (soffice) is not installed")
    timeout = options.limits.converter_timeout_s
    with tempfile.TemporaryDirectory(prefix="gongkai-office-") as tmp:
        work = Path(tmp)
        src, out = work / f"input{suffix}", work / "out"
        src.write_bytes(data)
        (work / "profile" / "user").mkdir(parents=True)
        (work / "profile" / "user" / "registrymodifications.xcu").write_text(_PROFILE, encoding="utf-8")
        env = {**os.environ, **{k: _DEAD_PROXY for k in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY",
                                                           "ftp_proxy", "all_proxy", "ALL_PROXY")}}
        env.pop("no_proxy", None)
        env.pop("NO_PROXY", None)
        cmd = [
            *_no_network_prefix(),
            soffice,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless", "--norestore", "--nolockcheck", "--nodefault", "--nologo",
            "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(out), str(src),
        ]
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                cwd=work, env=env, start_new_session=True)
        try:
            log, _ = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # soffice runs soffice.bin: the whole group goes
            proc.communicate()
            raise ConversionFailed(f"LibreOffice did not finish within {timeout:.0f} s") from None
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
        result = out / "input.docx"
        if not result.is_file():
            why = log.decode("utf-8", "replace").strip().splitlines()[-1:] or [f"exit code {proc.returncode}"]
            raise ConversionFailed(f"LibreOffice could not convert the file ({why[0][:200]})")
        size = result.stat().st_size
        if size > options.limits.max_file_bytes:
            raise TooLarge(f"the converted .docx has {size} bytes, more than {options.limits.max_file_bytes}")
        return result.read_bytes()
