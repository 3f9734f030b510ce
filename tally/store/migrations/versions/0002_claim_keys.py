"""claims.relay_key and claims.area_key: keys stored with each claim (tally.store.claim_keys), backfilled

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 18:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from tally.store.claim_keys import area_key, relay_key

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

# The claim columns the keys read, typed so that values come back as the application writes them.
_claims = sa.table(
    "claims",
    sa.column("id", sa.Integer()), sa.column("source_id", sa.Integer()), sa.column("source_text", sa.Text()),
    sa.column("event", sa.String()), sa.column("victims", sa.String()), sa.column("qualifier", sa.String()),
    sa.column("low", sa.Float()), sa.column("high", sa.Float()), sa.column("best", sa.Float()),
    sa.column("pcodes", sa.JSON()), sa.column("admin1", sa.JSON()), sa.column("country", sa.String()),
    sa.column("date_from", sa.Date()), sa.column("date_to", sa.Date()), sa.column("cumulative", sa.Boolean()),
    sa.column("manual", sa.Boolean()), sa.column("status", sa.String()), sa.column("relay_key", sa.String()),
    sa.column("area_key", sa.Text()),
)
_BATCH = 5000


def upgrade() -> None:
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.add_column(sa.Column('relay_key', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('area_key', sa.Text(), nullable=True))
        batch_op.create_index(batch_op.f('ix_claims_relay_key'), ['relay_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_claims_area_key'), ['area_key'], unique=False)

    conn = op.get_bind()
    rows = conn.execute(sa.select(_claims).order_by(_claims.c.id)).mappings().all()
    update = sa.update(_claims).where(_claims.c.id == sa.bindparam("claim_id")).values(
        relay_key=sa.bindparam("relay"), area_key=sa.bindparam("area"))
    for i in range(0, len(rows), _BATCH):
        conn.execute(update, [{"claim_id": r["id"], "relay": relay_key(r), "area": area_key(r)}
                              for r in rows[i:i + _BATCH]])


def downgrade() -> None:
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_claims_area_key'))
        batch_op.drop_index(batch_op.f('ix_claims_relay_key'))
        batch_op.drop_column('area_key')
        batch_op.drop_column('relay_key')
