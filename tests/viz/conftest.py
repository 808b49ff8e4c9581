"""Fixtures shared by the drawing tests."""

import shutil

import pytest


@pytest.fixture
def no_dot(tmp_path, monkeypatch):
    """Hide any ``dot`` executable by pointing PATH at an empty directory."""
    empty = tmp_path / "empty_bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    assert shutil.which("dot") is None
    return empty
