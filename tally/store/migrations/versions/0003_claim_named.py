"""claims.named: whether a claim counts named or verified victims (tally.store.claim_keys), backfilled

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07 03:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from tally.core.quantities import counts_named

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

_claims = sa.table("claims", sa.column("id", sa.Integer()), sa.column("victims_text", sa.Text()),
                   sa.column("quote", sa.Text()), sa.column("named", sa.Boolean()))
_BATCH = 5000


def upgrade() -> None:
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.add_column(sa.Column('named', sa.Boolean(), nullable=True))

    conn = op.get_bind()
    rows = conn.execute(sa.select(_claims.c.id, _claims.c.victims_text, _claims.c.quote).order_by(_claims.c.id)).all()
    update = sa.update(_claims).where(_claims.c.id == sa.bindparam("claim_id")).values(named=sa.bindparam("is_named"))
    for i in range(0, len(rows), _BATCH):
        conn.execute(update, [{"claim_id": r.id, "is_named": counts_named(r.victims_text, r.quote)}
                              for r in rows[i:i + _BATCH]])


def downgrade() -> None:
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.drop_column('named')
