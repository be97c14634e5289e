"""meeting.location_public: whether a meeting's location may be published

Revision ID: 0006_public_location
Revises: 0005_email
Create Date: 2026-11-30 06:10:00

The public registry's meetings page and calendar feed published a meeting's location whenever it did
not look like a URL, passcodes included ("zoom.us/j/333?pwd=…", "Teams meeting ID …, passcode …").
Now nothing of where a meeting happens goes public unless a co-lead marks that meeting's location
public; existing meetings stay private.
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


revision: str = '0006_public_location'
down_revision: Union[str, None] = '0005_email'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('location_public', sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_column('location_public')
