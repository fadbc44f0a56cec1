"""`gongkai extract` prints a short view on a terminal and the JSON contract everywhere else."""

from __future__ import annotations

import errno
import json
import os
import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import SHARED

SEED = SHARED / "seeds" / "seed000.txt"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def _on_terminal(*args: str, cwd: Path | None = None) -> tuple[int, str, str]:
    """Run the command with stdout on a pseudo-terminal (as a person's shell would) and stderr on a pipe."""
    master, slave = os.openpty()
    env = {**os.environ, "COLUMNS": "120", "LINES": "50", "TERM": "xterm"}
    proc = subprocess.Popen([sys.executable, "-m", "gongkai", *args], stdout=slave, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL, env=env, cwd=cwd)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError as exc:  # EIO: the other end closed
            if exc.errno != errno.EIO:
                raise
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    err = proc.stderr.read().decode() if proc.stderr else ""
    proc.wait(timeout=120)
    return proc.returncode, ANSI.sub("", b"".join(chunks).decode("utf-8", "replace")), err


def _in_pipe(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "gongkai", *args], capture_output=True, text=True, timeout=120,
                          cwd=cwd)


def test_terminal_gets_the_short_view():
    code, out, err = _on_terminal("extract", str(SEED), "--no-narrative")
    assert code == 0, err
    assert "重庆市大足区宝顶镇人民政府" in out and "乡级 乡镇" in out and " ok " in out and "template 2021" in out
    # the three tables as printed, with their labels and values
    for heading in ("二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况"):
        assert heading in out
    assert "1.本机关不掌握相关政府信息" in out and "法律服务" in out and "结果维持" in out
    # where to look next
    assert "-o report.json" in out and "--json" in out and "gongkai review" in out
    assert '"schema_version"' not in out  # no JSON on a terminal
    assert len(out.splitlines()) < 120  # a screenful or two, not ~4,000 lines of JSON


def test_terminal_view_lists_findings():
    code, out, _ = _on_terminal("extract", str(SHARED / "pdf" / "hongze_2023.pdf"), "--no-narrative")
    assert code == 0
    assert out.count("review_litigation.row_total") == 2


def test_pipe_gets_the_json_contract():
    proc = _in_pipe("extract", str(SEED), "--no-narrative")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["organization"] == "重庆市大足区宝顶镇人民政府" and data["level"] == "乡级" and data["body"] == "乡镇"


def test_json_flag_on_a_terminal_prints_json():
    code, out, _ = _on_terminal("extract", str(SEED), "--no-narrative", "--json", "--compact")
    assert code == 0
    assert json.loads(out.strip())["status"] == "ok"


def test_out_file_gets_json_and_the_terminal_says_where(tmp_path):
    target = tmp_path / "r.json"
    code, out, _ = _on_terminal("extract", str(SEED), "--no-narrative", "-o", str(target))
    assert code == 0
    assert json.loads(target.read_text("utf-8"))["status"] == "ok"
    assert str(target) in out and "二、主动公开政府信息情况" in out
    proc = _in_pipe("extract", str(SEED), "--no-narrative", "-o", str(target))
    assert proc.returncode == 0 and proc.stdout == ""  # a pipe with -o: nothing on stdout, as before


def test_failed_report_on_a_terminal_and_in_a_pipe(tmp_path):
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    code, out, err = _on_terminal("extract", str(empty))
    assert code == 1 and "failed" in out and "E_EMPTY" in out and "二、主动公开" not in out
    assert err == ""  # the view lists the error itself
    proc = _in_pipe("extract", str(empty))
    assert proc.returncode == 1 and json.loads(proc.stdout)["errors"][0]["code"] == "E_EMPTY"
    assert proc.stderr.startswith("E_EMPTY")


def test_two_pdfs_are_a_coded_error_not_a_hint_to_convert():
    proc = _in_pipe("extract", str(SHARED / "pdf" / "hongze_2023.pdf"), str(SHARED / "pdf" / "hongze_2024.pdf"))
    assert proc.returncode == 1
    err = json.loads(proc.stdout)["errors"][0]
    assert err["code"] == "E_NOT_PAGE_IMAGES" and "convert" not in err["message"]
