"""Test-wide settings. In CI (CI=true) hypothesis runs derandomized, so a green or red run is
reproducible from the commit alone; locally it keeps exploring new examples."""

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


# -- the report library on SQLite and PostgreSQL (tests/pg.py) --------------------------------
import pytest  # noqa: E402


@pytest.fixture(scope="session")
def pg_cluster():
    """A throwaway PostgreSQL cluster for the session; skipped locally when PostgreSQL is
    missing, a failure in CI (CI=true), where .ci/run installs it."""
    import pg

    try:
        cluster = pg.Cluster().start()
        cluster.make_template()
    except pg.Unavailable as e:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is required in CI: {e}")
        pytest.skip(f"PostgreSQL unavailable: {e}")
    yield cluster
    cluster.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """A fresh, empty library database: an SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'library.db'}"
    return request.getfixturevalue("pg_cluster").new_database()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def module_db_url(request, tmp_path_factory):
    """`db_url` shared by the tests of one module (a library loaded once, read by many tests)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('library') / 'library.db'}"
    return request.getfixturevalue("pg_cluster").new_database()
