"""An origin id is 64 hex digits; anything else in its place names no origin and never reaches the
database (PostgreSQL refuses a NUL in text: that was a 500)."""

from __future__ import annotations

import pytest

from hashbank.mirrors import selectors


@pytest.mark.django_db
@pytest.mark.parametrize("named", ["\x00\xbc", "0" * 63, "g" * 64, "", "0" * 64 + "\x00"])
def test_a_malformed_origin_id_names_no_mirror(named):
    assert selectors.mirrored_log(named) is None


@pytest.mark.django_db
def test_a_nul_in_a_mirror_path_is_not_found(client):
    assert client.get("/mirror/%00/checkpoint").status_code == 404
