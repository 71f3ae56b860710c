"""Where the shipped specs, templates, examples and data are: package resources, wherever installed.

specs/, templates/ and examples/ sit at the top of the source tree and are mapped into the package
as qualityreport.specs, qualityreport.templates and qualityreport.examples (pyproject.toml's
package-dir), so a checkout, an editable install and a wheel all find them the same way.
"""

from importlib.resources import files
from pathlib import Path


def _package_dir(package: str) -> Path:
    return Path(str(files(package)))


def specs_dir() -> Path:
    return _package_dir("qualityreport.specs")


def templates_dir() -> Path:
    return _package_dir("qualityreport.templates")


def examples_dir() -> Path:
    return _package_dir("qualityreport.examples")


def data_dir() -> Path:
    return _package_dir("qualityreport") / "data"


def catalog_path() -> Path:
    return data_dir() / "vocational-specialty-catalog-2021.csv"
