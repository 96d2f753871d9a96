"""The one exception for problems with the user's data, and helpers for its messages."""

from __future__ import annotations

MSG_HEADER_ONLY = (
    "The file has a header but no data rows. Upload a file with at least one row of labels "
    "and scores."
)


class DataError(ValueError):
    """A problem with the user's data, explained for the user.

    The message is shown verbatim in the app. It always says what is wrong and what to do
    about it, in plain words, and never consists of internal exception text (a short
    technical detail may be appended in parentheses).
    """


def detail(exc: BaseException) -> str:
    """Return a short parenthesised detail from an internal exception, for the curious."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if len(text) > 160:
        text = text[:157] + "..."
    return f" (Details: {text})"


def quote(value: object, limit: int = 40) -> str:
    """Quote a user value for a message, shortened so one odd cell cannot flood the UI."""
    text = str(value)
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return f"'{text}'"
