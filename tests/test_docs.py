"""The documentation keeps up with the code: every command and finding code is documented."""

import ast
from pathlib import Path

from qualityreport.cli import COMMANDS
from qualityreport.findings import CATALOGUE, catalogue_markdown

ROOT = Path(__file__).resolve().parents[1]


def test_findings_reference_is_generated_from_the_catalogue(spec):
    page = (ROOT / "docs" / "findings.md").read_text(encoding="utf-8")
    assert page == catalogue_markdown(spec.rules), "run `make docs`"
    for code in CATALOGUE:
        assert f"`{code}`" in page


def test_every_command_is_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for command in COMMANDS:
        assert f"qualityreport {command}" in readme, command


def test_every_module_opens_with_a_docstring():
    for path in (ROOT / "qualityreport").rglob("*.py"):
        text = path.read_text(encoding="utf-8").lstrip()
        assert text.startswith('"""'), path


def test_stages_import_only_from_earlier_stages():
    """validate knows nothing of storage or reports; storage nothing of reports."""
    order = {
        "validate": ("store", "check", "render", "collection", "web"),
        "store": ("check", "render", "collection", "web"),
        "check": ("render", "collection", "web"),
        "render": ("collection", "web"),
        "collection": ("web",),
    }
    for stage, later in order.items():
        base = ROOT / "qualityreport" / stage
        files = list(base.rglob("*.py")) if base.is_dir() else [base.with_suffix(".py")]
        for path in files:
            text = path.read_text(encoding="utf-8")
            for name in later:
                assert f"from ..{name}" not in text and f"from .{name} " not in text, (path, name)
                assert f"qualityreport.{name}" not in text, (path, name)


def _import_graph() -> dict[str, set[str]]:
    """Which package modules each module imports (at the top or inside a function)."""
    modules = {}
    for path in (ROOT / "qualityreport").rglob("*.py"):
        parts = path.with_suffix("").relative_to(ROOT).parts
        modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    graph = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        found = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                base = package.split(".")[: len(package.split(".")) - max(node.level - 1, 0)]
                relative = ".".join(base + ([node.module] if node.module else []))
                target = relative if node.level else node.module or ""
                subs = [f"{target}.{a.name}" for a in node.names if f"{target}.{a.name}" in modules]
                found |= set(subs) if len(subs) == len(node.names) else {target, *subs}
            elif isinstance(node, ast.Import):
                found |= {a.name for a in node.names}
        graph[name] = {m for m in found if m in modules and m != name}
    return graph


def test_no_module_imports_itself_through_another():
    graph = _import_graph()

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for nxt in graph[start]:
            if nxt == goal or (nxt not in seen and reaches(nxt, goal, seen | {nxt})):
                return True
        return False

    circles = sorted(name for name in graph if reaches(name, name, {name}))
    assert circles == []


def test_the_readme_target_set_runs(tmp_path, spec):
    """The worked example in the README loads and checks the example city as it says."""
    from qualityreport.check import check
    from qualityreport.store import ingest, open_store
    from qualityreport.targets import load_target_set
    from qualityreport.validate import validate_paths

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Targets: writing a set", 1)[1]
    block = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "mycity-2025.yaml"
    path.write_text(block, encoding="utf-8")
    target_set = load_target_set(path)
    with open_store(tmp_path / "city.duckdb", spec) as store:
        ingest(store, validate_paths([ROOT / "examples" / "city" / "2024"], spec))
        report = check(store, [target_set], 2024)
    named = [r for r in report.results if r.target_id == "dual_qualified_named"]
    assert sorted(r.subject_name for r in named) == ["宜昌市三峡中等专业学校", "宜昌市机电工程学校"]
    ratio = [r for r in report.results if r.target_id == "student_teacher_ratio"]
    assert len(ratio) == 12 and all(r.threshold == 18 for r in ratio)
    assert any(r.met is False for r in ratio)


def test_readme_has_no_unfinished_parts():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "PLACEHOLDER" not in readme and "TODO" not in readme
    for image in ("docs/img/school-report-page.png", "docs/img/city-report-matrix.png"):
        assert image in readme and (ROOT / image).is_file()


def _sources() -> dict[str, str]:
    return {
        str(p.relative_to(ROOT)): p.read_text(encoding="utf-8")
        for p in (ROOT / "qualityreport").rglob("*.py")
    }


def test_each_shared_rule_lives_in_one_module():
    """Number formatting, the formula guard, comparing with a threshold, display width, the
    first line of an error and the progress bar are each written once and used everywhere."""
    rules = {
        "def format_value(": "qualityreport/numbers.py",
        "def format_threshold(": "qualityreport/numbers.py",
        "def format_gap(": "qualityreport/numbers.py",
        ":,": "qualityreport/numbers.py",
        "FORMULA_STARTS = ": "qualityreport/formula_guard.py",
        "def compare(": "qualityreport/check/results.py",
        "east_asian_width": "qualityreport/textwidth.py",
        "splitlines()[0]": "qualityreport/errors.py",
        "rich.progress": "qualityreport/cli/common.py",
        "SEVERITIES = (": "qualityreport/findings.py",
        "def latest_year(": "qualityreport/store/queries.py",
    }
    sources = _sources()
    for needle, home in rules.items():
        where = sorted(name for name, text in sources.items() if needle in text)
        assert where == [home], (needle, where)
