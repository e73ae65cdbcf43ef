from .audit import AuditChainHead, AuditEvent
from .calendar import CalendarDay
from .numbering import DocumentKind, DocumentSequence
from .organisations import Organisation, OrganisationQuerySet, Region, ScopedModel, Section
from .people import (
    ApiToken,
    CertificateSuspension,
    Domain,
    EnforcementCertificate,
    RoleAssignment,
    User,
)

__all__ = [
    "ApiToken",
    "AuditChainHead",
    "AuditEvent",
    "CalendarDay",
    "CertificateSuspension",
    "DocumentKind",
    "DocumentSequence",
    "Domain",
    "EnforcementCertificate",
    "Organisation",
    "OrganisationQuerySet",
    "Region",
    "RoleAssignment",
    "ScopedModel",
    "Section",
    "User",
]
