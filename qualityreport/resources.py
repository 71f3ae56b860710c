"""Where the shipped specs, templates and data live, in a checkout and in an installed package."""

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _shipped(name: str) -> Path:
    # In a checkout the folders sit beside the package (and are linked into it);
    # an installed wheel carries copies inside the package.
    inside = _PACKAGE / name
    return inside if inside.exists() else _PACKAGE.parent / name


def specs_dir() -> Path:
    return _shipped("specs")


def templates_dir() -> Path:
    return _shipped("templates")


def catalog_path() -> Path:
    return _PACKAGE / "data" / "vocational-specialty-catalog-2021.csv"


def examples_dir() -> Path:
    return _shipped("examples")
