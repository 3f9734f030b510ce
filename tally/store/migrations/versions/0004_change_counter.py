"""_changes: a counter of the data tables' changes, kept by triggers, so that changes made around
tally (plain SQL, another program) are noticed (tally.store.audit.revision) and audited

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07 15:00:00

SQLite has row triggers only: each row inserted, updated or deleted counts one.  PostgreSQL counts
one per statement (a statement-level trigger, so a bulk insert costs one update of the counter).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

# the data tables as of this revision (tally.store.schema.WATCHED may grow in later revisions)
_TABLES = ("sources", "source_aliases", "documents", "victim_records", "claims", "link_runs", "persons",
           "link_pairs", "link_decisions", "estimates")
_BUMP = "UPDATE _changes SET total = total + 1 WHERE id = 1"


def upgrade() -> None:
    op.create_table(
        '_changes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('total', sa.Integer(), nullable=False),
        sa.Column('audited', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk__changes')),
    )
    op.execute("INSERT INTO _changes (id, total, audited) VALUES (1, 0, 0)")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"CREATE FUNCTION tally_count_change() RETURNS trigger LANGUAGE plpgsql AS "
                   f"$$ BEGIN {_BUMP}; RETURN NULL; END $$")
        for t in _TABLES:
            op.execute(f"CREATE TRIGGER tally_changes_{t} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {t} "
                       f"FOR EACH STATEMENT EXECUTE FUNCTION tally_count_change()")
    else:
        for t in _TABLES:
            for what in ("insert", "update", "delete"):
                op.execute(f"CREATE TRIGGER tally_changes_{t}_{what} AFTER {what.upper()} ON {t} "
                           f"BEGIN {_BUMP}; END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for t in _TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS tally_changes_{t} ON {t}")
        op.execute("DROP FUNCTION IF EXISTS tally_count_change()")
    else:
        for t in _TABLES:
            for what in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS tally_changes_{t}_{what}")
    op.drop_table('_changes')
