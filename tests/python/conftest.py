"""Shared fixtures of the end-to-end tests: the cardsmith binary and projects in temp folders.

Run by scripts/test (after `cargo build`): `target/pytest-venv/bin/python -m pytest tests/python`.
CARDSMITH_BIN names the binary under test (default: target/debug/cardsmith).
"""

import os
import pathlib
import shutil

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
CARDSMITH = os.environ.get("CARDSMITH_BIN", str(REPO / "target" / "debug" / "cardsmith"))
SEED = REPO / "source" / "data-pipelines" / "probes.md"


def pytest_configure(config):
    if not os.access(CARDSMITH, os.X_OK):
        raise pytest.UsageError(f"no cardsmith binary at {CARDSMITH}: run `cargo build` first")


@pytest.fixture
def project(tmp_path: pathlib.Path) -> pathlib.Path:
    """A copy of the repository's seed project (config and seed lesson) in a temp folder."""
    shutil.copy(REPO / "cardsmith.toml", tmp_path / "cardsmith.toml")
    lesson = tmp_path / "source" / "data-pipelines" / "probes.md"
    lesson.parent.mkdir(parents=True)
    shutil.copy(SEED, lesson)
    return tmp_path
