"""Type-only bridges over tidalapi's annotations, which say less (or other) than what tidalapi does.

* ids are annotated ``str | None`` but formatted into the path as given: our ``int`` ids go through as
  they are (:func:`media_id`);
* ``Session.user`` is annotated as any kind of user or None: once logged in (every job runs logged in)
  it is the :class:`~tidalapi.user.LoggedInUser` (:func:`me`);
* ``Requests.request`` takes the method as a ``Literal`` (:data:`Method`).

Each helper only ``cast``\\s: no behaviour of its own.
"""

from __future__ import annotations

from typing import Literal, cast

import tidalapi
from tidalapi.user import LoggedInUser

Method = Literal["GET", "POST", "PUT", "DELETE"]


def media_id(value: int | str) -> str:
    """An id for ``session.track(...)`` and friends, unchanged."""
    return cast(str, value)


def parsed_id(value: int | None) -> int:
    """The id of an object tidalapi parsed (annotated ``int | None`` because objects start empty)."""
    return cast(int, value)


def me(session: tidalapi.Session) -> LoggedInUser:
    """The logged-in user of a logged-in session."""
    return cast(LoggedInUser, session.user)
