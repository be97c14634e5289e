"""join requests remember the Slack requests that made and decided them

Revision ID: 0010_join_request_keys
Revises: 0009_shared_by_own
Create Date: 2026-11-30 08:00:00

A lazy part run again after its worker died finds the request it stored (``request_key``) or the
decision it took (``decision_key``) by the Slack request's key, and tells the approvers or the
requester then, instead of taking its own earlier work for somebody else's.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0010_join_request_keys"
down_revision: str | None = "0009_shared_by_own"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("join_request") as batch_op:
        batch_op.add_column(sa.Column("request_key", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True))
        batch_op.add_column(sa.Column("decision_key", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True))
        batch_op.create_unique_constraint("uq_join_request_request_key", ["request_key"])


def downgrade() -> None:
    with op.batch_alter_table("join_request") as batch_op:
        batch_op.drop_constraint("uq_join_request_request_key", type_="unique")
        batch_op.drop_column("decision_key")
        batch_op.drop_column("request_key")
