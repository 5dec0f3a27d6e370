"""Faults: `kefu import-calls FILE --format queue-log` killed with SIGKILL mid-way (R-CC-2).

A file is imported in one transaction (kefu/callcenter/services/imports.py): the killed
import leaves no call row and no import record; the same command run again imports every
call, each once (calls are keyed by the PBX's unique id), and a third run adds nothing.
"""

from __future__ import annotations

import re
import sys
import time

from tests.reliability.installation import wait_for

CALLS = 20_000
QUEUES = ("sales", "service", "complaints", "vip")


def _queue_log(path, calls: int) -> int:
    """A queue_log of ``calls`` answered calls, four lines each; returns the line count."""
    lines = 0
    with path.open("w", encoding="utf-8", newline="\n") as out:
        for n in range(calls):
            at = 1_760_000_000 + n * 7
            call, queue = f"h4-{n}", QUEUES[n % 4]
            agent = f"SIP/{1000 + n % 50}"
            out.write(f"{at}|{call}|{queue}|NONE|DID|4008001000\n")
            out.write(f"{at}|{call}|{queue}|NONE|ENTERQUEUE||139{n:08d}|1\n")
            out.write(f"{at + 9}|{call}|{queue}|{agent}|CONNECT|9|{call}.1|3\n")
            out.write(f"{at + 200}|{call}|{queue}|{agent}|COMPLETECALLER|9|191|1\n")
            lines += 4
    return lines


def _progress(log_path) -> int:
    """Lines read so far, from the command's progress bar."""
    found = re.findall(r"(\d+)/\d+ \[", log_path.read_text(errors="replace"))
    return int(found[-1]) if found else 0


def test_a_killed_import_leaves_nothing_and_a_rerun_imports_each_call_once(installations, tmp_path):
    """R-CC-2: SIGKILL a quarter into the file: no call, no import job; rerun: every call once.

    A quarter, not half: the progress bar redraws at most every 0.1 s, and on a fast database
    the rest of the file after its half-way redraw was once imported and committed before the
    kill landed (CI, session 6: 20,000 calls found after the kill)."""
    site = installations.new("import")
    queue_log = tmp_path / "queue_log"
    lines = _queue_log(queue_log, CALLS)
    command = [sys.executable, "-m", "kefu.cli", "import-calls", str(queue_log)]
    importing = site.start([*command, "--format", "queue-log"])
    wait_for(
        "the import to pass a quarter of the file",
        lambda: _progress(importing.log_path) >= lines // 4 or importing.poll() is not None,
        timeout=120,
        every=0.05,
    )
    assert importing.poll() is None, "the import ended before it could be killed"
    site.kill(importing)
    time.sleep(0.5)  # PostgreSQL ends the dead client's transaction as it notices
    assert site.value("SELECT count(*) FROM callcenter_callrecord") == 0
    assert site.value("SELECT count(*) FROM callcenter_importjob") == 0

    rerun = site.kefu("import-calls", str(queue_log), "--format", "queue-log", "--no-progress")
    assert f"{CALLS} added" in rerun.stdout
    assert site.value("SELECT count(*) FROM callcenter_callrecord") == CALLS
    assert site.value("SELECT count(DISTINCT key) FROM callcenter_callrecord") == CALLS

    again = site.kefu("import-calls", str(queue_log), "--format", "queue-log", "--no-progress")
    assert "0 added" in again.stdout and f"{CALLS} already imported" in again.stdout
    assert site.value("SELECT count(*) FROM callcenter_callrecord") == CALLS
    assert site.value("SELECT count(*) FROM callcenter_importjob") == 2
