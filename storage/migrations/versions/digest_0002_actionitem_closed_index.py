"""index action items by status and closing time

Revision ID: digest_0002
Revises: 0001
Create Date: 2026-11-27 13:20:00

The digest counts and lists action items completed in a period (status = 'done' AND closed_at >= …);
without this index that reads every item ever closed, so the digest slows down as history grows.
"""
from typing import Sequence, Union

from alembic import op


revision: str = 'digest_0002'
down_revision: Union[str, None] = '0001'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('actionitem', schema=None) as batch_op:
        batch_op.create_index('ix_actionitem_status_closed_at', ['status', 'closed_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('actionitem', schema=None) as batch_op:
        batch_op.drop_index('ix_actionitem_status_closed_at')
