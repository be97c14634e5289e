"""What to tell a person when something breaks that they cannot fix."""

from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

DATABASE_DOWN = (
    "The working group's database isn't answering right now, so nothing was saved. "
    "Please try again in a few minutes; the secretariat has been alerted in the logs."
)
UNEXPECTED = "Something went wrong on my side and nothing was changed. Please try again."


def describe_failure(error: BaseException) -> str:
    if isinstance(error, OperationalError | PoolTimeout):
        return DATABASE_DOWN
    return UNEXPECTED
