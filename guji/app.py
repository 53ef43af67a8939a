"""The application object: a database, the signed-in actor and every service.

Like Anki's ``Collection``, this is the single door through which the GUI, the
CLI and the tests reach the data::

    db = Database.open(url)
    app = Guji.sign_in(db, "wang", password)
    app.institutions.add_institution("遼寧省圖書館", "210000", "0101")
"""

from __future__ import annotations

from guji.census.review import ReviewService
from guji.census.search import SearchService
from guji.census.service import CensusService
from guji.census.vault import VaultService
from guji.db.engine import Database
from guji.exchange.service import ExchangeService
from guji.images.service import ImageService
from guji.services import auth
from guji.services.audit import AuditService
from guji.services.context import Actor, ServiceContext
from guji.services.institutions import InstitutionService
from guji.services.users import UserService
from restoration.service import RestorationService


class Guji:
    def __init__(self, db: Database, actor: Actor):
        self.db = db
        self.actor = actor
        self.ctx = ServiceContext(db, actor)
        self.institutions = InstitutionService(self.ctx)
        self.users = UserService(self.ctx)
        self.audit = AuditService(self.ctx)
        self.census = CensusService(self.ctx)
        self.review = ReviewService(self.ctx)
        self.search = SearchService(self.ctx)
        self.vault = VaultService(self.ctx)
        self.images = ImageService(self.ctx, self.census)
        # Job photographs go into the same image store as census page images.
        self.restoration = RestorationService(self.ctx, images=self.images)
        # Signed exchange packages between offline units and the centre.
        self.exchange = ExchangeService(self)

    @classmethod
    def sign_in(cls, db: Database, login: str, password: str, *, client: str = "desktop") -> "Guji":
        """Check the schema, authenticate, and return the application for that user.

        ``client`` is ``desktop`` (each sign-in is a session) or ``cli`` (calls close together
        are one session): the audit log gets one ``login`` entry per session.

        On a shared PostgreSQL database reached without a user in its URL (every desk), the
        person signs in as their own database role and the application runs as that role
        (guji.db.pg_security); with the owner's URL (the administrator's maintenance
        connection) guji checks the password itself, as on SQLite."""
        from guji.db.migrate import check_schema

        if db.anonymous:
            mine, actor = auth.sign_in_as_role(db, login, password, client=client)
            check_schema(mine)
            return cls(mine, actor)
        check_schema(db)
        return cls(db, auth.authenticate(db, login, password, client=client))
