"""Only the modules the offline hasher runs go into `hashbank-hasher` (pyproject.toml says the rest):
setuptools takes whole packages, so the server's and the toolkit's modules are filtered out here."""

from setuptools import setup
from setuptools.command.build_py import build_py

# (package, module) pairs that the wheel carries; every other module of these packages stays out.
SHIPPED = {
    ("hashbank", "__init__"),
    ("hashbank.hasher", "__init__"),
    ("hashbank.hasher", "__main__"),
    ("hashbank.hasher", "cli"),
    ("hashbank.hasher", "document"),
    ("hashbank.hasher", "hashing"),
    ("member_portal", "__init__"),
    ("member_portal", "imaging"),
    ("member_portal", "pdq"),
}


class BuildOnlyTheHasher(build_py):
    def find_package_modules(self, package, package_dir):
        found = super().find_package_modules(package, package_dir)
        return [(pkg, mod, path) for pkg, mod, path in found if (pkg, mod) in SHIPPED]


setup(cmdclass={"build_py": BuildOnlyTheHasher})
