"""Build hook: the example generator (examples/generate.py) is a development script, not a module."""

from setuptools import setup
from setuptools.command.build_py import build_py

DEVELOPMENT_ONLY = {("qualityreport.examples", "generate")}


class BuildPy(build_py):
    def find_package_modules(self, package, package_dir):
        modules = super().find_package_modules(package, package_dir)
        return [m for m in modules if (m[0], m[1]) not in DEVELOPMENT_ONLY]


setup(cmdclass={"build_py": BuildPy})
