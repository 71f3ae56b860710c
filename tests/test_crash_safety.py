"""A killed ingest loses nothing committed and leaves nothing half-written; two writers never clash."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import school_data

from qualityreport.outline import narratives_for
from qualityreport.store import open_store
from qualityreport.template import write_workbook

PROGRAM = Path(sys.executable).parent / "qualityreport"
SCHOOLS = 40


def _code(n: int) -> str:
    return f"42059{n:05d}"


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory, spec) -> list[Path]:
    """Forty valid workbooks of forty schools, in the order ingest takes them."""
    directory = tmp_path_factory.mktemp("schools")
    paths = []
    for n in range(SCHOOLS):
        path = directory / f"school-{n:02d}.xlsx"
        values = {"school_code": _code(n), "school_name": f"测试学校{n:02d}"}
        write_workbook(path, spec, 2024, school_data(values, spec=spec))
        paths.append(path)
    return paths


def _ingest(db: Path, paths: list[Path]) -> subprocess.Popen:
    # unbuffered: a line on stdout then means that workbook's transaction has committed
    return subprocess.Popen(
        [str(PROGRAM), "ingest", "--db", str(db), *map(str, paths)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


def _consistent_contents(db: Path, spec) -> list[str]:
    """The accepted school codes, after checking the database holds only whole submissions."""
    with open_store(db, spec) as store:  # replays the write-ahead log of the killed writer
        store.con.execute("CHECKPOINT")
        assert store.rows("PRAGMA database_size")
        orphans = store.scalar("""
            SELECT count(*) FROM (
              SELECT submission_id FROM indicator_values UNION ALL
              SELECT submission_id FROM specialties UNION ALL
              SELECT submission_id FROM narratives UNION ALL
              SELECT submission_id FROM findings)
            WHERE submission_id NOT IN (SELECT submission_id FROM submissions)""")
        assert orphans == 0
        per_submission = store.rows("""
            SELECT s.school_code, s.status, s.version,
                   (SELECT count(*) FROM indicator_values v WHERE v.submission_id = s.submission_id),
                   (SELECT count(*) FROM specialties t WHERE t.submission_id = s.submission_id),
                   (SELECT count(*) FROM narratives n WHERE n.submission_id = s.submission_id)
            FROM submissions s ORDER BY s.submission_id""")
        schools = store.rows("SELECT school_code FROM schools ORDER BY school_code")
    # the workbooks are 2024's: their 文字部分 lists that year's outline and the case rows
    whole = (len(spec.indicators), 2, len(narratives_for(spec, 2024)))
    for code, status, version, *counts in per_submission:
        assert (status, version) == ("accepted", 1), code
        assert tuple(counts) == whole, code
    codes = [row[0] for row in per_submission]
    assert len(codes) == len(set(codes)), "a submission was stored twice"
    assert sorted(codes) == [row[0] for row in schools]
    return codes


def test_a_killed_ingest_keeps_every_committed_submission_whole(workbooks, spec, tmp_path):
    db = tmp_path / "killed.duckdb"
    process = _ingest(db, workbooks)
    reported = []
    stop_after = random.randint(3, SCHOOLS // 2)
    for line in process.stdout:
        if line.startswith("["):
            reported.append(line)
        if len(reported) >= stop_after:
            break
    time.sleep(random.uniform(0, 0.08))  # land anywhere in the next workbook's transaction
    os.kill(process.pid, signal.SIGKILL)
    process.communicate(timeout=30)
    assert process.returncode == -signal.SIGKILL
    # readers (status, sql, reports) open it read-only, write-ahead log of the dead writer and all
    with open_store(db, spec, read_only=True) as store:
        assert store.scalar("SELECT count(*) FROM submissions") >= len(reported)
    stored = _consistent_contents(db, spec)
    # every workbook reported before the kill is there, in order, and nothing after a gap
    assert stored == [_code(n) for n in range(len(stored))]
    assert len(stored) >= len(reported)
    # the interrupted batch can simply be run again: the stored ones are "unchanged"
    rerun = _ingest(db, workbooks)
    out, err = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, err
    assert _consistent_contents(db, spec) == [_code(n) for n in range(SCHOOLS)]


def test_two_concurrent_ingests_lose_and_duplicate_nothing(workbooks, spec, tmp_path):
    db = tmp_path / "shared.duckdb"
    first, second = _ingest(db, workbooks), _ingest(db, list(reversed(workbooks)))
    outcomes = [p.communicate(timeout=180) + (p.returncode,) for p in (first, second)]
    for out, err, code in outcomes:
        assert "Traceback" not in out + err
        assert code in (0, 3), err
        if code == 3:
            (line,) = err.strip().splitlines()
            assert "database busy" in line and str(db) in line
    assert any(code == 0 for *_, code in outcomes)
    print("exit codes", [code for *_, code in outcomes])
    assert sorted(_consistent_contents(db, spec)) == [_code(n) for n in range(SCHOOLS)]


def test_a_held_database_gives_a_one_line_busy_message(workbooks, spec, tmp_path):
    db = tmp_path / "held.duckdb"
    open_store(db, spec).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            (
                "import sys, time; from qualityreport.spec import load_spec; "
                "from qualityreport.store import open_store; s = open_store(sys.argv[1], load_spec()); "
                "print('held', flush=True); time.sleep(60)"
            ),
            str(db),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        done = subprocess.run(
            [str(PROGRAM), "ingest", "--db", str(db), str(workbooks[0])],
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        holder.kill()
        holder.communicate()
    assert done.returncode == 3
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("qualityreport: ") and "database busy" in line
    assert "Traceback" not in done.stdout + done.stderr
    assert _consistent_contents(db, spec) == []
