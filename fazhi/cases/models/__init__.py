from .cases import Case, CaseExtension, CaseOfficer
from .discretion import DiscretionBand, Violation
from .documents import CaseDocument
from .execution import Appeal, EnforcementApplication, Instalment, Payment, PaymentArrangement, Reminder, Service
from .hearing import Hearing, PriorNotice, Statement
from .investigation import Evidence, Interview, Measure
from .publication import Publication
from .review import Deliberation, InvestigationReport, LegalReview
from .rules_table import CaseRule

__all__ = [
    "Appeal", "Case", "CaseDocument", "CaseExtension", "CaseOfficer", "CaseRule", "Deliberation", "DiscretionBand",
    "EnforcementApplication", "Evidence", "Hearing", "Instalment", "Interview", "InvestigationReport",
    "LegalReview", "Measure", "Payment", "PaymentArrangement", "Publication", "PriorNotice", "Reminder",
    "Service", "Statement", "Violation",
]
