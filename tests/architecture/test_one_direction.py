"""The bank's domain never depends on the member side: imports point one way only.

Domain apps (hashbank/core, audit, signals, ledger, cases, disputes, witness, helpline) may import each other, the
project's Django-free config and Celery app, and the member side's pure format package
(member_portal/feed), never the member apps, the console or the victim pages. Imports made inside
functions count: the walk reads every import statement of every module.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOMAIN_APPS = [
    "core",
    "audit",
    "signals",
    "ledger",
    "cases",
    "disputes",
    "witness",
    "publishing",
    "helpline",
    "peers",
    "forwarding",
    "mirrors",
    "receipts",
    "benign",
]
ALLOWED = (
    *(f"hashbank.{app}" for app in DOMAIN_APPS),
    "hashbank.config",
    "hashbank.celery",
    "member_portal.feed",
    # The Django-free verifier over the feed: a mirror checks a peer's entries with it, as a
    # member does (hashbank/mirrors), rather than with a second implementation.
    "member_portal.verify",
)


def _imports(path: Path, root: Path) -> list[tuple[int, str]]:
    """(line, module) for every import in the file, however deep in a function it is."""
    module = ".".join(path.relative_to(root).with_suffix("").parts)
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            # `from hashbank import celery` names a module, not only the package.
            found += [(node.lineno, f"{target}.{alias.name}") for alias in node.names]
    return found


def _first_party(name: str) -> bool:
    return name.split(".")[0] in ("hashbank", "member_portal")


def _allowed(name: str) -> bool:
    return name in ("hashbank", "member_portal") or any(
        name == prefix or name.startswith(prefix + ".") for prefix in ALLOWED
    )


def _domain_files(root: Path) -> list[Path]:
    """The domain apps and what they may import, which must not reach further either."""
    files = [path for app in DOMAIN_APPS for path in (root / "hashbank" / app).rglob("*.py")]
    files += [root / "hashbank" / name for name in ("config.py", "celery.py")]
    files += (root / "member_portal" / "feed").rglob("*.py")
    return sorted(path for path in files if path.exists())


def _violations(root: Path) -> list[str]:
    bad = []
    for path in _domain_files(root):
        for line, name in _imports(path, root):
            if _first_party(name) and not _allowed(name):
                bad.append(f"{path.relative_to(root)}:{line} imports {name}")
    return bad


def test_no_domain_app_imports_a_member_app_or_the_console():
    assert _violations(ROOT) == []


def test_the_walk_catches_an_import_inside_a_function(tmp_path):
    app = tmp_path / "hashbank" / "ledger"
    app.mkdir(parents=True)
    (app / "services.py").write_text(
        "def notify():\n    from member_portal.webhooks import services\n"
    )
    for other in DOMAIN_APPS:
        (tmp_path / "hashbank" / other).mkdir(exist_ok=True)
    assert _violations(tmp_path) == [
        "hashbank/ledger/services.py:2 imports member_portal.webhooks.services"
    ]


def test_no_import_or_lookup_error_is_caught_outside_the_one_sha256_fallback():
    guarded = []
    for path in sorted([*ROOT.glob("hashbank/**/*.py"), *ROOT.glob("member_portal/**/*.py")]):
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.ExceptHandler) and node.type is not None:
                names = {n.id for n in ast.walk(node.type) if isinstance(n, ast.Name)}
                if names & {"ImportError", "ModuleNotFoundError"}:
                    guarded.append(str(path.relative_to(ROOT)))
                if "LookupError" in names:  # apps.get_model() of an app that may be missing
                    guarded.append(f"{path.relative_to(ROOT)} (LookupError)")
    assert guarded == ["member_portal/feed/sha.py"]


def _run_alone(code: str, *, without: str = "") -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.architecture.bank_alone_settings",
        "HASHBANK_WITHOUT": without,
        "DATABASE_URL": "sqlite://:memory:",
        "REDIS_URL": "",
        "PYTHONPATH": str(ROOT),
    }
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


IMPORT_EVERY_DOMAIN_MODULE = f"""
import importlib, pkgutil, django
django.setup()
from django.conf import settings
assert not any(app.startswith("member_portal.") for app in settings.INSTALLED_APPS)
for app in {DOMAIN_APPS!r}:
    package = importlib.import_module("hashbank." + app)
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        if ".migrations." not in info.name:
            importlib.import_module(info.name)
import sys
loaded = sorted(m for m in sys.modules if m.startswith("member_portal.") and
                not m.startswith("member_portal.feed") and m != "member_portal.verify")
print("member modules loaded:", loaded)
assert loaded == [], loaded
"""


@pytest.mark.slow
def test_every_domain_module_imports_with_the_member_apps_not_installed():
    result = _run_alone(IMPORT_EVERY_DOMAIN_MODULE)
    assert result.returncode == 0, result.stderr[-3000:]


SUBMIT_AND_SEAL = """
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from hashbank.cases import services as cases
from hashbank.ledger import audit, roots, selectors
roots.init_keys()
case, pin = cases.submit_case(
    hashes=[{"type": "md5", "value": "0" * 31 + "1"}],
    attestations={"adult": True, "depicted": True, "consent": True},
)
cases.withdraw(case=case)
checkpoint = selectors.latest_checkpoint()
assert checkpoint is not None and checkpoint.size == 4, checkpoint  # 2 seals, 2 state entries
assert audit.verify_ledger() == []
import sys
loaded = sorted(m for m in sys.modules if m.startswith("member_portal.") and
                not m.startswith("member_portal.feed") and m != "member_portal.verify")
assert loaded == [], loaded
print("sealed", checkpoint.size)
"""


@pytest.mark.slow
def test_the_bank_submits_seals_and_verifies_without_the_member_side(tmp_path):
    # Disputes are raised by members, forwards sent by them and receipts are members' (foreign
    # keys to members.Member), so they go too.
    code = (
        f"import os; os.environ['HASHBANK_KEY_DIR'] = {str(tmp_path)!r}\n"
        # the seal writes the log's tiles: into the test's directory, not the working tree's var/
        f"os.environ['HASHBANK_TILES_DIR'] = {str(tmp_path / 'tiles')!r}\n" + SUBMIT_AND_SEAL
    )
    result = _run_alone(
        code,
        without=(
            "hashbank.disputes,hashbank.forwarding,hashbank.receipts,hashbank.staff,"
            "hashbank.submissions"
        ),
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "sealed 4" in result.stdout


# Imports a function may make: Django's AppConfig.ready() (models are not loaded before it) and
# the member client's image stack, which only `hashbank-member match` needs.
DEFERRED_ALLOWED = {
    "hashbank/core/apps.py",
    "hashbank/audit/apps.py",
    "hashbank/ledger/apps.py",
    "hashbank/publishing/apps.py",
    "hashbank/forwarding/apps.py",
    "hashbank/peers/apps.py",
    "hashbank/mirrors/apps.py",
    "hashbank/receipts/apps.py",
    "member_portal/webhooks/apps.py",
    "member_portal/api/apps.py",
    "member_portal/client/cli.py",
}


def test_first_party_imports_sit_at_module_top():
    deferred = []
    for path in sorted([*ROOT.glob("hashbank/**/*.py"), *ROOT.glob("member_portal/**/*.py")]):
        relative = str(path.relative_to(ROOT))
        if "migrations" in path.parts or relative in DEFERRED_ALLOWED:
            continue
        for function in ast.walk(ast.parse(path.read_text(), relative)):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(function):
                if isinstance(node, ast.Import | ast.ImportFrom):
                    names = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
                    names += [alias.name for alias in getattr(node, "names", [])]
                    if getattr(node, "level", 0) or any(_first_party(n) for n in names):
                        deferred.append(f"{relative}:{node.lineno}")
    assert deferred == []


def _unit_of(relative: Path) -> str:
    """The unit a file belongs to: `hashbank.ledger` for hashbank/ledger/x.py, `member_portal.verify`
    for member_portal/verify.py (an app, a package or a top-level module)."""
    parts = relative.with_suffix("").parts
    return ".".join(parts[:2]) if len(parts) > 1 else parts[0]


def _app_graph() -> dict[str, set[str]]:
    """unit -> the units it imports, over every first-party app, package and top-level module
    (hashbank.ledger, member_portal.ports, member_portal.verify, hashbank.config, ...)."""
    files = [
        path
        for path in [*ROOT.glob("hashbank/**/*.py"), *ROOT.glob("member_portal/**/*.py")]
        if "migrations" not in path.parts
    ]
    units = {_unit_of(path.relative_to(ROOT)) for path in files}
    graph: dict[str, set[str]] = {unit: set() for unit in units}
    for path in files:
        unit = _unit_of(path.relative_to(ROOT))
        for _, name in _imports(path, ROOT):
            target = next((u for u in units if name == u or name.startswith(u + ".")), None)
            if target and target != unit:
                graph[unit].add(target)
    return graph


def test_no_two_apps_depend_on_each_other_even_through_others():
    graph = _app_graph()

    def reachable(start: str) -> set[str]:
        seen, todo = set(), [start]
        while todo:
            for nxt in graph[todo.pop()] - seen:
                seen.add(nxt)
                todo.append(nxt)
        return seen

    cycles = sorted(app for app in graph if app in reachable(app))
    assert cycles == []
