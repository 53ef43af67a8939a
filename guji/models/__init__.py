"""ORM models. Importing this package registers every table on ``Base.metadata``."""

from guji.models.audit import AuditChainLink, AuditEntry
from guji.models.institution import Institution
from guji.models.user import Role, User, UserRole, UserSession

# Capability modules keep their tables beside their code; importing them here
# puts every table on the one metadata that Alembic and the backup use.
from guji.census.models import (  # noqa: E402
    CensusRecord,
    RecordAnnotation,
    RecordAuthor,
    RecordSeal,
    ReviewRound,
    SerialCounter,
    VaultMovement,
)

__all__ = [
    "AuditChainLink", "AuditEntry", "CensusRecord", "Institution", "RecordAnnotation", "RecordAuthor", "RecordSeal", "ReviewRound",
    "Role", "SerialCounter", "User", "UserRole", "UserSession", "VaultMovement",
]
from guji.images.models import ImageAnalysis, ImageDerivative, JobImage, RecordImage, StoredImage  # noqa: E402,F401
import restoration.models  # noqa: E402,F401  (restoration archive tables)
from guji.models.system import SystemSetting  # noqa: E402,F401  (installation settings: image store)
from guji.exchange.models import ExchangeMark, ExchangePackage, InstitutionKey  # noqa: E402,F401  (exchange)
