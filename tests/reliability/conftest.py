from __future__ import annotations

import pytest

from tests.reliability.installation import Installations


@pytest.fixture(scope="session")
def installations(tmp_path_factory):
    """Migrated Kefu installations in subprocesses (see installation.py); all stopped after."""
    made = Installations(tmp_path_factory.mktemp("reliability"))
    yield made
    made.close()
