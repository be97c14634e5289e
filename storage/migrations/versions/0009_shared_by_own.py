"""shared by its own organisation: a co-lead's share for another organisation is not that one sharing

Revision ID: 0009_shared_by_own
Revises: 0008_membership
Create Date: 2026-11-30 06:50:00

``initiative.shared_by_organisation_at`` is when the lead organisation itself last shared, really
changed or confirmed the initiative, or a co-lead confirmed it explicitly on its behalf; "shared this
cycle" is counted by it. Until now ``shared_at`` served, so existing initiatives take its value.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0009_shared_by_own"
down_revision: str | None = "0008_membership"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("initiative") as batch_op:
        batch_op.add_column(
            sa.Column("shared_by_organisation_at", storage.types.UTCDateTime(timezone=True), nullable=True)
        )
    op.execute("UPDATE initiative SET shared_by_organisation_at = shared_at")
    with op.batch_alter_table("initiative") as batch_op:
        batch_op.create_index(
            "ix_initiative_shared_by_organisation_at", ["shared_by_organisation_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("initiative") as batch_op:
        batch_op.drop_index("ix_initiative_shared_by_organisation_at")
        batch_op.drop_column("shared_by_organisation_at")
