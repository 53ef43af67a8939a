"""ORM models. Importing this package registers every table on ``Base.metadata``.

Capability modules keep their tables beside their code (census, images, exchange, restoration,
installation settings); importing them here puts every table on the one metadata that Alembic
and the backup use.
"""

import restoration.models  # noqa: F401  (restoration archive tables)
from guji.census.models import (
    CensusRecord,
    RecordAnnotation,
    RecordAuthor,
    RecordSeal,
    ReviewRound,
    SerialCounter,
    VaultMovement,
)
from guji.exchange.models import ExchangeMark, ExchangePackage, InstitutionKey  # noqa: F401  (exchange)
from guji.images.models import ImageAnalysis, ImageDerivative, JobImage, RecordImage, StoredImage  # noqa: F401
from guji.models.audit import AuditChainLink, AuditEntry
from guji.models.institution import Institution
from guji.models.system import SystemSetting  # noqa: F401  (installation settings: image store)
from guji.models.user import Role, User, UserRole, UserSession

__all__ = [
    "AuditChainLink", "AuditEntry", "CensusRecord", "Institution", "RecordAnnotation", "RecordAuthor", "RecordSeal",
    "ReviewRound", "Role", "SerialCounter", "User", "UserRole", "UserSession", "VaultMovement",
]
