"""Benchmark: 50 schools uploading their workbooks to `qualityreport serve` at the same moment.

    .venv/bin/python bench/web_upload.py [--schools 50] [--rounds 1]

A real server (`python -m qualityreport serve`, its own process) on 127.0.0.1; one HTTP client
per school, each signed in first (not timed), then released together by a barrier to upload its
workbook (an example workbook carrying the school's own code). Timed per upload: from sending
the request to the redirect after the workbook was stored, validated and ingested. Afterwards the
database must hold exactly one accepted version and one upload record per school. `--rounds 2`
uploads the same files again (each must come back "unchanged", nothing stored twice).
Writes bench/results/web_upload.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = next((ROOT / "examples" / "city" / "2024").glob("4142050509-*.xlsx"))
PASSWORD = "bench-password-1"
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(folder: Path, schools: int) -> tuple[Path, list[tuple[str, Path]]]:
    """A database with a 2024 round and school accounts, and one workbook per school."""
    from argon2 import PasswordHasher
    from openpyxl import load_workbook

    from qualityreport.collection import add_account, get_account, open_round
    from qualityreport.spec import load_spec
    from qualityreport.store import open_store

    db = folder / "city.duckdb"
    hashed = PasswordHasher().hash(PASSWORD)
    books = []
    with open_store(db, load_spec()) as store:
        add_account(store, "bureau", "教育局", "市教育局")
        for n in range(schools):
            code = f"42{n:08d}"
            add_account(store, "school", code, f"第{n + 1}职业学校", school_code=code)
            book = load_workbook(SOURCE)
            book["基本信息"]["C3"] = code
            book["基本信息"]["C4"] = f"第{n + 1}职业学校"
            path = folder / f"{code}.xlsx"
            book.save(path)
            books.append((code, path))
        store.con.execute(
            "UPDATE accounts SET password_hash = ?, password_temporary = FALSE", [hashed]
        )
        bureau = get_account(store, "教育局")
        assert bureau is not None
        open_round(store, 2024, datetime(2030, 12, 31), bureau)
    return db, books


def wait_for(url: str, server: subprocess.Popen, seconds: float = 60) -> None:
    import httpx2

    deadline = time.monotonic() + seconds
    while True:
        try:
            httpx2.get(url, timeout=2)
            return
        except httpx2.TransportError:
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("server did not start") from None
            time.sleep(0.2)


def run_round(base: str, books: list[tuple[str, Path]]) -> tuple[list[float], list[str]]:
    import httpx2

    barrier = threading.Barrier(len(books))
    seconds: list[float] = [0.0] * len(books)
    outcomes: list[str] = [""] * len(books)

    def school(i: int, code: str, path: Path) -> None:
        with httpx2.Client(base_url=base, timeout=300) as client:
            token = _CSRF.search(client.get("/login").text).group(1)
            client.post("/login", data={"csrf": token, "login": code, "password": PASSWORD})
            token = _CSRF.search(client.get("/school").text).group(1)
            data = path.read_bytes()
            barrier.wait()
            started = time.perf_counter()
            response = client.post(
                f"/school/upload?csrf={token}", files={"workbook": (path.name, data)}
            )
            seconds[i] = time.perf_counter() - started
            outcomes[i] = f"{response.status_code} {response.headers.get('location', '')}"

    threads = [
        threading.Thread(target=school, args=(i, code, path))
        for i, (code, path) in enumerate(books)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return seconds, outcomes


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    load_before = os.getloadavg()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        db, books = prepare(Path(tmp), args.schools)
        port = _free_port()
        log = open(Path(tmp) / "serve.log", "w")  # noqa: SIM115 - closed below
        server = subprocess.Popen(
            [sys.executable, "-m", "qualityreport", "serve", "--db", str(db), "--port", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            wait_for(f"{base}/login", server)
            for n in range(args.rounds):
                started = time.perf_counter()
                seconds, outcomes = run_round(base, books)
                wall = time.perf_counter() - started
                bad = [o for o in outcomes if not o.startswith("303 /school/uploads/")]
                rows.append(
                    {
                        "round": n + 1,
                        "uploads": len(seconds),
                        "failed": len(bad),
                        "median_s": statistics.median(seconds),
                        "p95_s": percentile(seconds, 0.95),
                        "max_s": max(seconds),
                        "wall_s": wall,
                    }
                )
                print(
                    f"round {n + 1}: {len(seconds)} uploads at once, {len(bad)} failed; "
                    f"median {rows[-1]['median_s']:.2f} s, p95 {rows[-1]['p95_s']:.2f} s, "
                    f"max {rows[-1]['max_s']:.2f} s (all done in {wall:.1f} s)"
                )
        finally:
            server.terminate()
            server.wait(timeout=30)
            log.close()
        from qualityreport.spec import load_spec
        from qualityreport.store import open_store

        with open_store(db, load_spec(), read_only=True) as store:
            per_school = store.rows(
                """SELECT school_code, count(*) FILTER (WHERE status = 'accepted'),
                          count(*), (SELECT count(*) FROM uploads u WHERE u.school_code = s.school_code)
                   FROM submissions s GROUP BY school_code"""
            )
    stored_once = len(per_school) == args.schools and all(
        accepted == 1 and versions == 1 and uploads == args.rounds
        for _, accepted, versions, uploads in per_school
    )
    print(
        f"stored: {len(per_school)} schools, each exactly once: {stored_once} "
        f"({args.rounds} upload record(s) each)"
    )
    out = ROOT / "bench" / "results" / "web_upload.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps(
            {
                "date": date.today().isoformat(),
                "machine": f"{platform.machine()}, {os.cpu_count()} cores",
                "load_before": load_before,
                "load_after": os.getloadavg(),
                "schools": args.schools,
                "rounds": rows,
                "stored_exactly_once": stored_once,
            },
            indent=2,
        )
    )
    if not stored_once or any(r["failed"] for r in rows):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
