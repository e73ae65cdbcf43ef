"""Who may do what in inspections. Checked on the server by the services; views only hide buttons."""
from __future__ import annotations

from fazhi.core.choices import Role

# Publish the inspection item list and make plans and draws: section heads, leaders and administrators.
PLANNER_ROLES = (Role.SECTION_HEAD, Role.LEADER, Role.CHIEF, Role.ADMIN)
# Register and carry out visits, write on-site records and supervision opinions.
INSPECTOR_ROLES = (Role.OFFICER, Role.SECTION_HEAD)
# Approve a visit over the annual cap: leaders.
CAP_APPROVER_ROLES = (Role.LEADER, Role.CHIEF)
# Read the entities' anonymous ratings of visits: supervisors, never the officers as such.
RATING_READER_ROLES = (Role.SECTION_HEAD, Role.LEGAL_REVIEWER, Role.LEADER, Role.CHIEF)
# Import other departments' tasks and merge joint visits.
JOINT_ROLES = (Role.SECTION_HEAD, Role.LEADER, Role.CHIEF, Role.ADMIN)
