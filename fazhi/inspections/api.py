"""The inspections API (/api/v1/inspections/): plans and draws, visits and their results for other systems,
and other departments' tasks in."""
from ninja import Router

from .api_joint import router as joint_router
from .api_plans import router as plans_router
from .api_records import router as records_router
from .api_visits import router as visits_router

router = Router(tags=["监督检查"])
router.add_router("/tasks/", joint_router)
router.add_router("/plans/", plans_router)
router.add_router("/records/", records_router)
router.add_router("/", visits_router)
