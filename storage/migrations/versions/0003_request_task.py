"""request tasks: the acknowledged work of Slack requests, until done

Revision ID: 0003_request_task
Revises: digest_0002
Create Date: 2026-11-30 03:00:00

Replaces processedrequest (a key per handled request): the web process now writes the whole request
here before it answers Slack, and workers claim it with a lease, so nothing acknowledged is lost and
nothing is done twice. Keys still make redeliveries harmless. Initiatives, meetings and action items
remember the request that created them, so a request carried out again after a crash adds nothing.
"""
from typing import Sequence, Union

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types


revision: str = '0003_request_task'
down_revision: Union[str, None] = 'digest_0002'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# Records a Slack request creates; a retried request finds its record by the request's key.
CREATED_BY_REQUESTS = ('initiative', 'meeting', 'actionitem')


def upgrade() -> None:
    op.create_table('request_task',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('function', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('headers', sa.JSON(), nullable=False),
    sa.Column('context', sa.JSON(), nullable=False),
    sa.Column('state', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('received_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('lease_until', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('finished_at', storage.types.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key')
    )
    with op.batch_alter_table('request_task', schema=None) as batch_op:
        batch_op.create_index('ix_request_task_state_lease', ['state', 'lease_until'], unique=False)
    with op.batch_alter_table('processedrequest', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_processedrequest_received_at'))
    op.drop_table('processedrequest')
    for table in CREATED_BY_REQUESTS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('request_key', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True))
            batch_op.create_unique_constraint(f'uq_{table}_request_key', ['request_key'])


def downgrade() -> None:
    for table in CREATED_BY_REQUESTS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(f'uq_{table}_request_key', type_='unique')
            batch_op.drop_column('request_key')
    op.create_table('processedrequest',
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('received_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    with op.batch_alter_table('processedrequest', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_processedrequest_received_at'), ['received_at'], unique=False)
    with op.batch_alter_table('request_task', schema=None) as batch_op:
        batch_op.drop_index('ix_request_task_state_lease')
    op.drop_table('request_task')
