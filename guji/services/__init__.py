"""Services: the one door into the data for the GUI, the CLI and the tests.

Every public method is a user action (``register_book``, ``submit_for_review``,
``add_user``). A service method checks the actor's permissions, does its work in
one short transaction, appends audit rows for what it changed, and returns plain
data or a :class:`~guji.services.context.Changes` value — never a live ORM
object bound to a session.
"""

from guji.services.context import Actor, Changes, ServiceContext

__all__ = ["Actor", "Changes", "ServiceContext"]
