"""e-mail: contacts outside Slack, opt-outs, used sharing links, digests by e-mail

Revision ID: 0005_email
Revises: 0004_meeting_record
Create Date: 2026-11-30 06:00:00

Additive only: four new tables, and an index on meeting.updated_at (the clock finds meetings
changed in the last two days, whose invitations may be due).
"""
from typing import Sequence, Union

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types


revision: str = '0005_email'
down_revision: Union[str, None] = '0004_meeting_record'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_index('ix_meeting_updated_at', 'meeting', ['updated_at'], unique=False)
    op.create_table('contact',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=320), nullable=False),
    sa.Column('is_focal_point', sa.Boolean(), nullable=False),
    sa.Column('created_by_person_id', sa.Integer(), nullable=True),
    sa.Column('created_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_person_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('email')
    )
    op.create_index(op.f('ix_contact_organisation_id'), 'contact', ['organisation_id'], unique=False)
    op.create_table('email_opt_out',
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=320), nullable=False),
    sa.Column('at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('email')
    )
    op.create_table('share_link_use',
    sa.Column('nonce', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('used_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], ),
    sa.PrimaryKeyConstraint('nonce')
    )
    op.create_table('digest_by_email',
    sa.Column('subscription_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['subscription_id'], ['digestsubscription.id'], ),
    sa.PrimaryKeyConstraint('subscription_id')
    )


def downgrade() -> None:
    op.drop_table('digest_by_email')
    op.drop_table('share_link_use')
    op.drop_table('email_opt_out')
    op.drop_index(op.f('ix_contact_organisation_id'), table_name='contact')
    op.drop_table('contact')
    op.drop_index('ix_meeting_updated_at', table_name='meeting')
