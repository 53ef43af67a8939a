"""The application object: a database, the signed-in actor and every service.

Like Anki's ``Collection``, this is the single door through which the GUI, the
CLI and the tests reach the data::

    db = Database.open(url)
    app = Guji.sign_in(db, "wang", password)
    app.institutions.add_institution("遼寧省圖書館", "210000", "0101")

A service is made (and its module imported) the first time it is used, so a command that
needs only the census search never loads the imaging or restoration code.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from guji.services.context import Actor, ServiceContext

if TYPE_CHECKING:
    from guji.census.review import ReviewService
    from guji.census.search import SearchService
    from guji.census.service import CensusService
    from guji.census.vault import VaultService
    from guji.db.engine import Database
    from guji.exchange.service import ExchangeService
    from guji.images.service import ImageService
    from guji.services.audit import AuditService
    from guji.services.exports import ExportService
    from guji.services.institutions import InstitutionService
    from guji.services.users import UserService
    from restoration.service import RestorationService

#: The services of the application, by attribute name (each a cached property below).
SERVICES = ("institutions", "users", "audit", "census", "review", "search", "vault", "images", "restoration",
            "exchange", "exports")


class Guji:
    def __init__(self, db: Database, actor: Actor):
        self.db = db
        self.actor = actor
        self.ctx = ServiceContext(db, actor)

    @cached_property
    def institutions(self) -> InstitutionService:
        from guji.services.institutions import InstitutionService

        return InstitutionService(self.ctx)

    @cached_property
    def users(self) -> UserService:
        from guji.services.users import UserService

        return UserService(self.ctx)

    @cached_property
    def audit(self) -> AuditService:
        from guji.services.audit import AuditService

        return AuditService(self.ctx)

    @cached_property
    def census(self) -> CensusService:
        from guji.census.service import CensusService

        return CensusService(self.ctx)

    @cached_property
    def review(self) -> ReviewService:
        from guji.census.review import ReviewService

        return ReviewService(self.ctx)

    @cached_property
    def search(self) -> SearchService:
        from guji.census.search import SearchService

        return SearchService(self.ctx)

    @cached_property
    def vault(self) -> VaultService:
        from guji.census.vault import VaultService

        return VaultService(self.ctx)

    @cached_property
    def images(self) -> ImageService:
        from guji.images.service import ImageService

        return ImageService(self.ctx, self.census)

    @cached_property
    def restoration(self) -> RestorationService:
        from restoration.service import RestorationService

        # Job photographs go into the same image store as census page images.
        return RestorationService(self.ctx, images=self.images)

    @cached_property
    def exchange(self) -> ExchangeService:
        from guji.exchange.service import ExchangeService

        # Signed exchange packages between offline units and the centre.
        return ExchangeService(self)

    @cached_property
    def exports(self) -> ExportService:
        from guji.services.exports import ExportService

        # Every file export, census XML import and backup: permissions, visibility and audit.
        return ExportService(self)

    @classmethod
    def resume(cls, db: Database, login: str, token: str) -> Guji:
        """The application for a further command-line call of the session ``guji login`` opened
        (``token`` from the person's session file); :class:`AuthenticationError` when that session
        has ended. Not on a shared PostgreSQL database, whose server checks the password at
        every connection."""
        from guji.db.migrate import check_schema
        from guji.errors import AuthenticationError
        from guji.messages import msg
        from guji.services import auth

        if db.anonymous:
            raise AuthenticationError(msg("login.needs_password_on_server"))
        check_schema(db)
        return cls(db, auth.resume_cli_session(db, login, token))

    @classmethod
    def sign_in(cls, db: Database, login: str, password: str, *, client: str = "desktop") -> Guji:
        """Check the schema, authenticate, and return the application for that user.

        ``client`` is ``desktop`` (each sign-in is a session) or ``cli`` (calls close together
        are one session): the audit log gets one ``login`` entry per session.

        On a shared PostgreSQL database reached without a user in its URL (every desk), the
        person signs in as their own database role and the application runs as that role
        (guji.db.pg_security); with the owner's URL (the administrator's maintenance
        connection) guji checks the password itself, as on SQLite."""
        from guji.db.migrate import check_schema
        from guji.services import auth

        if db.anonymous:
            mine, actor = auth.sign_in_as_role(db, login, password, client=client)
            check_schema(mine)
            return cls(mine, actor)
        check_schema(db)
        return cls(db, auth.authenticate(db, login, password, client=client))
