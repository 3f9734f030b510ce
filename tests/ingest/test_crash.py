"""SIGKILL in the middle of a large ingest leaves a consistent database; re-running completes it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from sqlalchemy import func, select

from tally.store import audit
from tally.store.schema import victim_records
from tally.store.workspace import Workspace


def _write_list(path, n):
    with path.open("w", encoding="utf-8") as f:
        f.write("id,name,sex,age,date_of_death,governorate\n")
        for i in range(n):
            f.write(f"{i},Name {i} Al-Test,male,{20 + i % 50},2025-03-{1 + i % 28:02d},Homs\n")


def _processes_mentioning(text: str) -> list[int]:
    """Live processes whose command line holds *text* (Linux /proc; none elsewhere)."""
    found = []
    for d in os.listdir("/proc") if os.path.isdir("/proc") else []:
        if d.isdigit():
            try:
                with open(f"/proc/{d}/cmdline", "rb") as f:
                    cmd = f.read().decode("utf-8", "replace")
                with open(f"/proc/{d}/stat", "rb") as f:
                    zombie = f.read().rsplit(b")", 1)[-1].split()[0] == b"Z"
            except OSError:
                continue
            if text in cmd and not zombie:
                found.append(int(d))
    return found


def test_sigkill_mid_ingest_then_rerun_completes(tmp_path):
    lists = tmp_path / "lists"
    lists.mkdir()
    _write_list(lists / "a_small.csv", 10)
    _write_list(lists / "b_big.csv", 400_000)
    home = tmp_path / "ws"
    env = {**os.environ, "TALLY_HOME": str(home), "TALLY_BATCH_SIZE": "2000"}
    env.pop("TALLY_DATABASE_URL", None)
    cmd = [sys.executable, "-m", "tally", "ingest", str(lists)]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # Wait until the big file's transaction is under way (its rows are being written), then kill.
    deadline = time.time() + 60
    wal = home / "tally.db-wal"
    while time.time() < deadline and not (wal.exists() and wal.stat().st_size > 2_000_000):
        time.sleep(0.05)
    assert proc.poll() is None, "ingest finished before it could be killed; make the file bigger"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    # the parsing child (large lists are parsed in a forked process) ends too, not blocked for
    # ever on a pipe nobody reads
    deadline = time.time() + 30
    while time.time() < deadline and _processes_mentioning(str(lists)):
        time.sleep(0.1)
    assert not _processes_mentioning(str(lists)), "the parsing child outlived the killed ingest"

    ws = Workspace.open(home)
    with ws.connect() as c:
        assert audit.verify(c).ok
        assert c.execute(select(func.count()).select_from(victim_records)).scalar_one() == 10
    ws.close()

    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    ws = Workspace.open(home)
    with ws.connect() as c:
        assert audit.verify(c).ok
        assert c.execute(select(func.count()).select_from(victim_records)).scalar_one() == 400_010
    ws.close()
