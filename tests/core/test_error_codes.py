"""The error-code registry against the docs and the OpenAPI description.

Every code is declared once, in an app's `ErrorCode` enum, with the surfaces that can answer it.
A code a member platform can meet must be explained in docs/member-guide.md's error table and be
in the OpenAPI enum of `error.code`; a code the victim API can answer must be in
docs/submissions.md's table. The tables are read from the markdown, so adding a code without
documenting it fails here.
"""

from __future__ import annotations

import ast
import inspect
import json
import re
import subprocess
import sys
from importlib import import_module
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from hashbank.core import errors
from hashbank.core.errors import (
    MEMBER_API,
    SUBMISSION_API,
    DomainError,
    ErrorCode,
    NotFound,
    Surface,
    registered_codes,
)
from hashbank.core.http_errors import DRF_CODES, discover_error_codes

DOCS = Path(__file__).resolve().parents[2] / "docs"


def table_codes(markdown: str, heading: str) -> set[str]:
    """The backquoted codes in the first column of the first `| code | status | meaning |` table
    after `heading`."""
    section = markdown[markdown.index(heading) :]
    lines = section.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("| code |"))
    codes: set[str] = set()
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        first_cell = line.split("|")[1]
        codes.update(re.findall(r"`([a-z0-9_]+)`", first_cell))
    return codes


def member_guide_codes() -> set[str]:
    return table_codes((DOCS / "member-guide.md").read_text(), "## 6. Errors")


def submissions_guide_codes() -> set[str]:
    return table_codes((DOCS / "submissions.md").read_text(), "## API")


def undocumented(surface: Surface, documented: set[str]) -> set[str]:
    return registered_codes(surface) - documented


@pytest.fixture(scope="module")
def every_code() -> set[str]:
    discover_error_codes()
    return registered_codes()


@pytest.fixture
def scratch_registry(monkeypatch):
    """Enums declared by a test register in a copy of the registry, dropped afterwards."""
    discover_error_codes()
    monkeypatch.setattr(errors, "_REGISTRY", list(errors._REGISTRY))


def test_every_code_a_member_platform_can_meet_is_in_the_member_guides_error_table(every_code):
    missing = undocumented(MEMBER_API, member_guide_codes())
    assert not missing, f"explain these in docs/member-guide.md, section 6: {sorted(missing)}"


def test_every_code_the_victim_api_can_answer_is_in_the_submissions_guides_error_table(
    every_code,
):
    missing = undocumented(SUBMISSION_API, submissions_guide_codes())
    assert not missing, f"explain these in docs/submissions.md, API: {sorted(missing)}"


def test_every_code_a_member_platform_can_meet_is_in_the_openapi_description(client, db):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    components = schema["components"]["schemas"]
    code = components["ErrorDetail"]["properties"]["code"]
    enum_name = code["allOf"][0]["$ref"].rsplit("/", 1)[1] if "allOf" in code else None
    listed = set(components[enum_name]["enum"] if enum_name else code["enum"])
    discover_error_codes()
    missing = undocumented(MEMBER_API, listed)
    assert not missing, f"the OpenAPI enum of error.code lacks {sorted(missing)}"
    assert "insufficient_scope" in listed and "wrong_case_or_pin" not in listed


def test_the_error_tables_name_only_codes_that_exist(every_code):
    unknown = (member_guide_codes() | submissions_guide_codes()) - every_code
    assert not unknown, f"documented but declared nowhere: {sorted(unknown)}"


def test_the_member_guide_does_not_list_a_code_members_cannot_meet(every_code):
    assert not member_guide_codes() - registered_codes(MEMBER_API)


def test_a_member_api_code_missing_from_the_docs_is_caught(scratch_registry):
    class LateErrorCode(ErrorCode):
        BRAND_NEW = "brand_new_code", MEMBER_API

    assert "brand_new_code" in undocumented(MEMBER_API, member_guide_codes())


def test_a_code_must_name_the_surface_that_answers_it(scratch_registry):
    with pytest.raises(TypeError, match="Surface"):

        class Unplaced(ErrorCode):
            SOMEWHERE = "somewhere"


def test_an_internal_code_cannot_also_be_answered_by_an_api(scratch_registry):
    with pytest.raises(TypeError, match="INTERNAL"):

        class Confused(ErrorCode):
            BOTH = "both", Surface.INTERNAL, MEMBER_API


def test_an_error_code_goes_on_the_wire_as_its_plain_string():
    from hashbank.signals.errors import SignalErrorCode

    body = NotFound("No such signal.", code=SignalErrorCode.UNKNOWN_SIGNAL).as_dict()
    assert json.dumps(body) == (
        '{"error": {"code": "unknown_signal", "message": "No such signal."}}'
    )
    assert type(body["error"]["code"]) is str


def test_every_app_that_raises_domain_errors_declares_its_codes(every_code):
    enums = {enum.__module__ for enum in discover_error_codes()}
    for app in [
        "hashbank.core",
        "hashbank.cases",
        "hashbank.signals",
        "hashbank.ledger",
        "hashbank.disputes",
        "hashbank.staff",
        "hashbank.submissions",
        "hashbank.hasher",
        "member_portal.members",
        "member_portal.api",
        "member_portal.reports",
        "member_portal.stopncii",
        "member_portal.webhooks",
        "member_portal.portal",
    ]:
        assert f"{app}.errors" in enums, app


def test_each_app_declares_a_code_at_most_once(every_code):
    for enum in discover_error_codes():
        values = [member.value for member in enum]
        assert len(values) == len(set(values)), enum


def test_drf_errors_map_to_codes_member_platforms_are_told_about():
    assert all(MEMBER_API in code.surfaces for code in DRF_CODES.values())


def test_every_signal_type_has_a_code_for_a_malformed_value():
    from hashbank.signals import types
    from hashbank.signals.errors import INVALID_VALUE

    assert set(INVALID_VALUE) == set(types.REGISTRY)
    with pytest.raises(DomainError) as refused:
        types.normalize("phash", "not hex")
    assert refused.value.code == "invalid_phash"


def codes_the_hash_file_document_raises() -> set[str]:
    """The code strings of hashbank.hasher.document (which is copied alone, so names none of the
    enums): literal codes, and `invalid_<kind>` for each hexadecimal kind."""
    from hashbank.hasher import document

    tree = ast.parse(inspect.getsource(document))
    literals = {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and re.fullmatch(r"(hash_file|invalid)_[a-z_]+", node.value)
    }
    return literals | {f"invalid_{kind}" for kind in document._HEX_LENGTH}


def test_the_hash_file_document_raises_exactly_the_registered_hash_file_codes():
    from hashbank.hasher.errors import HashFileErrorCode

    registered = {code.value for code in HashFileErrorCode} - {"invalid_hash_file"}
    assert codes_the_hash_file_document_raises() == registered


def test_a_hash_file_error_reaches_the_server_as_a_registered_code():
    from hashbank.hasher.errors import HashFileErrorCode
    from hashbank.hasher.format import parse_hash_file

    with pytest.raises(DomainError) as refused:
        parse_hash_file(b"[]")
    assert refused.value.code is HashFileErrorCode.HASH_FILE_WRONG_FORMAT


def api_views() -> list[tuple[str, object]]:
    """(route, view) for every view mounted under /api/."""
    found: list[tuple[str, object]] = []

    def walk(patterns, prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern) and route.startswith("api/"):
                found.append((route, pattern.callback))

    walk(get_resolver().url_patterns, "")
    return found


def codes_named_in(source: str) -> set[tuple[str, str]]:
    """(enum class name, member name) for each `SomethingErrorCode.MEMBER` in the source."""
    tree = ast.parse(source)
    return {
        (node.value.id, node.attr)
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id.endswith("ErrorCode")
    }


def test_codes_raised_by_the_views_under_api_are_declared_for_that_api():
    """The views' own raise sites, read from their source: each code they name is declared for
    the surface the view serves (the victim API for hashbank.submissions, members otherwise)."""
    views = api_views()
    modules = {getattr(view, "view_class", view).__module__ for _, view in views}
    assert {"hashbank.submissions.api", "member_portal.api.views"} <= modules
    enums = {enum.__name__: enum for enum in discover_error_codes()}
    checked = 0
    for name in modules:
        if not name.startswith(("hashbank.", "member_portal.")):
            continue
        module = import_module(name)
        surface = SUBMISSION_API if name.startswith("hashbank.submissions") else MEMBER_API
        for enum_name, member in codes_named_in(inspect.getsource(module)):
            code = enums[enum_name][member]
            assert surface in code.surfaces, (
                f"{name} answers {code.value} on {surface}, but it is declared for "
                f"{sorted(code.surfaces)}"
            )
            checked += 1
    assert checked > 10


def test_every_registered_code_is_raised_somewhere(every_code):
    root = Path(__file__).resolve().parents[2]
    named: set[tuple[str, str]] = set()
    for package in ("hashbank", "member_portal"):
        for path in (root / package).rglob("*.py"):
            named |= codes_named_in(path.read_text())
    by_document = codes_the_hash_file_document_raises()
    unused = {
        f"{enum.__name__}.{member.name}"
        for enum in discover_error_codes()
        if enum.__module__.startswith(("hashbank.", "member_portal."))
        for member in enum
        if (enum.__name__, member.name) not in named
        and not (enum.__name__ == "HashFileErrorCode" and member.value in by_document)
    }
    assert not unused, f"declared but never named by a raise site: {sorted(unused)}"


def test_the_domain_errors_and_every_code_import_without_django_or_drf(every_code):
    modules = sorted({enum.__module__ for enum in discover_error_codes()})
    script = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "loaded = [m for m in sys.modules if m.split('.')[0] in ('django', 'rest_framework')]\n"
        "assert not loaded, loaded[:5]\n"
    )
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=root, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
