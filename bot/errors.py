"""Errors a person can fix: the message is shown to them as is."""


class UserError(Exception):
    """Bad input or a refused action; ``str(error)`` is a short, specific message for the user."""


class FieldErrors(UserError):
    """Modal validation failures, keyed by block_id, answered with ``response_action: errors``."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors
