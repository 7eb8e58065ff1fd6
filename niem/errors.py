"""Errors a user can cause; the CLI and the pages turn them into one plain message."""


class NiemError(Exception):
    """A mistake in what the user asked for, with a message that says how to fix it."""


class NotInitialised(NiemError):
    """The database has no tables or no framework yet."""


class UnknownChoice(NiemError):
    """A round, country, level or code that the store does not know."""


class PermissionDenied(NiemError):
    """The user's role or countries do not allow this action."""


class BadSetting(NiemError):
    """An environment setting that cannot be used."""
