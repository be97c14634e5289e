"""membership: join requests; people known by team and user id; organisations managed in Slack

Revision ID: 0008_membership
Revises: 0007_defects_ops
Create Date: 2026-11-30 06:10:00

A person whose e-mail maps to no organisation asks to join one; the request waits here for the
organisation's focal points or a co-lead, and keeps their decision. People of other workspaces
(Slack Connect) are told apart by their team: a person is unique by (team, user id), not user id.
Organisations the co-leads change in Slack are marked so that ``itwg migrate`` leaves them alone, and
retired ones keep their records but are no longer counted. A person whose direct messages Slack
refuses is marked, so that an organisation nobody can be messaged in is named as unreachable.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision: str = "0008_membership"
down_revision: str | None = "0007_defects_ops"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "join_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("decided_by_person_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["decided_by_person_id"], ["person.id"]),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"]),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_join_request_person_id", "join_request", ["person_id"])
    op.create_index("ix_join_request_status_organisation", "join_request", ["status", "organisation_id"])
    with op.batch_alter_table("organisation") as batch_op:
        batch_op.add_column(sa.Column("managed_in_slack", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("retired_at", storage.types.UTCDateTime(timezone=True), nullable=True))
    op.execute("UPDATE person SET slack_team_id = '' WHERE slack_team_id IS NULL")
    with op.batch_alter_table("person") as batch_op:
        batch_op.add_column(sa.Column("dm_refused_at", storage.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.alter_column(
            "slack_team_id", existing_type=sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False
        )
        batch_op.drop_index("ix_person_slack_user_id")
        batch_op.create_index("ix_person_slack_user_id", ["slack_user_id"], unique=False)
        batch_op.create_unique_constraint("uq_person_team_user", ["slack_team_id", "slack_user_id"])


def downgrade() -> None:
    with op.batch_alter_table("organisation") as batch_op:
        batch_op.drop_column("retired_at")
        batch_op.drop_column("managed_in_slack")
    with op.batch_alter_table("person") as batch_op:
        batch_op.drop_constraint("uq_person_team_user", type_="unique")
        batch_op.drop_column("dm_refused_at")
        batch_op.drop_index("ix_person_slack_user_id")
        batch_op.create_index("ix_person_slack_user_id", ["slack_user_id"], unique=True)
        batch_op.alter_column(
            "slack_team_id", existing_type=sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True
        )
    op.drop_index("ix_join_request_status_organisation", table_name="join_request")
    op.drop_index("ix_join_request_person_id", table_name="join_request")
    op.drop_table("join_request")
