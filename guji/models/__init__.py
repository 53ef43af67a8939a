"""ORM models. Importing this package registers every table on ``Base.metadata``."""

from guji.models.audit import AuditEntry
from guji.models.institution import Institution
from guji.models.user import Role, User, UserRole

__all__ = ["AuditEntry", "Institution", "Role", "User", "UserRole"]
