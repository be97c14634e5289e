"""defects of issue 16: when the clock last ticked; the registry's stored chart counts

Revision ID: 0007_defects_ops
Revises: 0006_public_location
Create Date: 2026-11-30 06:15:00

clock_tick: one row per clock with the moment of its last tick, so the first tick after the clock
was stopped records everything that fell due meanwhile as skipped.
registry_overview: the public registry's chart counts per selection and fingerprint, so a first
visit reads one row instead of counting every initiative.
"""
from typing import Sequence, Union

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types


revision: str = '0007_defects_ops'
down_revision: Union[str, None] = '0006_public_location'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('clock_tick',
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('ticked_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name')
    )
    op.create_table('registry_overview',
    sa.Column('selection', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('fingerprint', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('counts', sa.JSON(), nullable=False),
    sa.Column('computed_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('selection')
    )


def downgrade() -> None:
    op.drop_table('registry_overview')
    op.drop_table('clock_tick')
