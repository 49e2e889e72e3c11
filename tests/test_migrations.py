"""The migrations build exactly the schema the models describe (on SQLite and, in CI, PostgreSQL)."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext


def test_migrated_schema_matches_the_models(settings, migrated):
    import core.models  # noqa: F401  (every feature's tables on Base.metadata)
    import ivr.models  # noqa: F401
    import nlu.models  # noqa: F401
    from core.db import Base, get_engine

    with get_engine(settings.database_url).connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
