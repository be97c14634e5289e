"""meeting record: agenda items, RSVPs, attendance, minutes and decisions

Revision ID: 0004_meeting_record
Revises: 0003_request_task
Create Date: 2026-11-30 06:00:00

Meetings become the record of the working group's year: what was proposed for them, who said they
would come, which organisations attended, the minutes and the decisions. Action items already point at
their meeting. Only new tables: nothing existing changes.
"""
from typing import Sequence, Union

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types


revision: str = '0004_meeting_record'
down_revision: Union[str, None] = '0003_request_task'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('agenda_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_key', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('drop_reason', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
    sa.Column('carried_to_meeting_id', sa.Integer(), nullable=True),
    sa.Column('proposed_by_person_id', sa.Integer(), nullable=True),
    sa.Column('created_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], ),
    sa.ForeignKeyConstraint(['carried_to_meeting_id'], ['meeting.id'], ),
    sa.ForeignKeyConstraint(['proposed_by_person_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('request_key')
    )
    op.create_index(op.f('ix_agenda_item_meeting_id'), 'agenda_item', ['meeting_id'], unique=False)
    op.create_table('meeting_rsvp',
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('coming', sa.Boolean(), nullable=False),
    sa.Column('answered_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], ),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('meeting_id', 'person_id')
    )
    op.create_table('meeting_attendance',
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('attendees', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('recorded_by_person_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], ),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], ),
    sa.ForeignKeyConstraint(['recorded_by_person_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('meeting_id', 'organisation_id')
    )
    op.create_table('meeting_minutes',
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('public', sa.Boolean(), nullable=False),
    sa.Column('published_at', storage.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('published_by_person_id', sa.Integer(), nullable=True),
    sa.Column('message_ts', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('updated_by_person_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], ),
    sa.ForeignKeyConstraint(['published_by_person_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['updated_by_person_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('meeting_id')
    )
    op.create_table('decision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_key', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('source_link', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('created_by_person_id', sa.Integer(), nullable=True),
    sa.Column('created_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], ),
    sa.ForeignKeyConstraint(['created_by_person_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('request_key')
    )
    op.create_index(op.f('ix_decision_meeting_id'), 'decision', ['meeting_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_decision_meeting_id'), table_name='decision')
    op.drop_table('decision')
    op.drop_table('meeting_minutes')
    op.drop_table('meeting_attendance')
    op.drop_table('meeting_rsvp')
    op.drop_index(op.f('ix_agenda_item_meeting_id'), table_name='agenda_item')
    op.drop_table('agenda_item')
