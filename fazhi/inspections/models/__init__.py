"""Inspections: the published item list, plans and draws, visits with their codes, on-site records,
rectification, joint visits with other departments, and special campaigns."""
from .items import InspectionItem
from .joint import ExternalTask, JointVisit
from .plans import Campaign, Draw, InspectionPlan, Recusal
from .records import ItemCheck, OnSiteRecord, RecordFile
from .rectification import RectificationEvidence, RectificationItem, SupervisionOpinion
from .visits import Inspection, InspectionOfficer, VisitRating

__all__ = [
    "Campaign", "Draw", "ExternalTask", "Inspection", "InspectionItem", "InspectionOfficer", "InspectionPlan",
    "ItemCheck", "JointVisit", "OnSiteRecord", "RecordFile", "RectificationEvidence", "RectificationItem", "Recusal",
    "SupervisionOpinion", "VisitRating",
]
