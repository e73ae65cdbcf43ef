"""What the public portal discloses, and how much per page.

行政执法公示: 国务院办公厅关于全面推行行政执法公示制度执法全过程记录制度重大执法决定法制审核制度的指导意见
(国办发〔2018〕118号) asks that the enforcement bodies publish their officers' names, certificate numbers and
domains. A certificate under suspension (暂扣) is still published, marked as such, so that someone shown that
certificate knows its holder may not enforce now; revoked, cancelled, expired or not yet valid certificates are
not published, since their holders are not enforcement officers.
"""
from dataclasses import dataclass, field

from fazhi.core.choices import CertificateStatus, RegionLevel


@dataclass(frozen=True)
class PortalRules:
    # The bureaus that enforce: city and county level (the province's own officers are listed by its portal).
    bureau_levels: tuple[int, ...] = (RegionLevel.CITY, RegionLevel.COUNTY)
    disclosed_certificate_statuses: tuple[str, ...] = (CertificateStatus.VALID, CertificateStatus.SUSPENDED)
    status_badges: dict[str, str] = field(
        default_factory=lambda: {CertificateStatus.VALID: "badge-ok", CertificateStatus.SUSPENDED: "badge-warn"}
    )
    bureaus_per_page: int = 30
    officers_per_page: int = 20
    search_max_length: int = 50


PORTAL_RULES = PortalRules()
