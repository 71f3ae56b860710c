"""The package builds from the tracked files, installs as a wheel and runs outside the checkout."""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = next((ROOT / "examples" / "city" / "2024").glob("4142050101-*.xlsx"))


def _git(*args: str) -> list[str]:
    out = subprocess.run(["git", *args, "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    return [entry.decode("utf-8") for entry in out.split(b"\0") if entry]


def _tracked() -> list[str]:
    """The files a commit of this tree holds: tracked ones and new ones git does not ignore."""
    return _git("ls-files", "--cached", "--others", "--exclude-standard")


def test_checkout_has_no_symbolic_links():
    assert [e for e in _git("ls-files", "-s") if e.startswith("120000 ")] == []
    assert [name for name in _tracked() if (ROOT / name).is_symlink()] == []


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """A wheel built from a copy of exactly the tracked files, as a clean checkout has them."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    source = tmp_path_factory.mktemp("checkout")
    for name in _tracked():
        if not (ROOT / name).is_file():
            continue  # deleted in the working tree, not yet in the index
        target = source / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(dist), str(source)],
        check=True,
        capture_output=True,
    )
    return next(dist.glob("qualityreport-*.whl"))


def test_wheel_carries_the_shipped_data_and_no_development_scripts(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for tracked in ("specs", "templates"):
        for path in (ROOT / tracked).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                assert f"qualityreport/{path.relative_to(ROOT)}" in names, path
    for path in (ROOT / "qualityreport").rglob("*"):
        if path.is_file() and "__pycache__" not in path.parts:
            assert f"{path.relative_to(ROOT)}" in names, path
    assert "qualityreport/data/vocational-specialty-catalog-2021.csv" in names
    assert "qualityreport/data/specialty-codes-2010-to-2021.csv" in names
    assert any(n.startswith("qualityreport/examples/city/2024/") for n in names)
    assert "qualityreport/examples/generate.py" not in names
    assert not any("synthetic" in n for n in names)
    assert any(n.endswith("/licenses/LICENSE") for n in names)


def test_installed_wheel_validates_and_reports_outside_the_checkout(wheel, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site = Path(sysconfig.get_path("purelib", vars={"base": str(venv), "platbase": str(venv)}))
    # The dependencies come from this environment's site-packages (a plain path: its editable
    # install of the checkout is not activated there), the package itself from the wheel.
    (site / "dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    python = venv / "bin" / "python"
    work = tmp_path / "elsewhere"
    work.mkdir()

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(python), "-m", "qualityreport", *args],
            cwd=work,
            capture_output=True,
            text=True,
            timeout=300,
        )

    where = subprocess.run(
        [str(python), "-c", "import qualityreport; print(qualityreport.__file__)"],
        cwd=work,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert where.startswith(str(site))
    checked = run("validate", str(EXAMPLE))
    assert checked.returncode == 0, checked.stderr
    assert "通过" in checked.stdout
    stored = run("ingest", str(EXAMPLE), "--db", "city.duckdb")
    assert stored.returncode == 0, stored.stderr
    report = run(
        "report", "school", "4142050101", "--year", "2024", "--db", "city.duckdb", "-o", "s.pdf"
    )
    assert report.returncode == 0, report.stderr
    assert "宜昌市三峡中等专业学校" in PdfReader(work / "s.pdf").pages[0].extract_text()
