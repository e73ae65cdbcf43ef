"""The penalty-case API (/api/v1/cases/): cases, their steps, the records each step adds, and their documents.

Reads are scoped (a county sees its own bureau's cases, a city its counties', a province all; anything else is a
404); writes call the case services, and a move the procedure refuses answers 409 with the refusal in Chinese,
citing its article.
"""
from ninja import Router

from .api_cases import router as cases_router
from .api_documents import router as documents_router
from .api_execution import router as execution_router
from .api_records import router as records_router
from .api_steps import router as steps_router

router = Router(tags=["行政处罚"])
# The cases' own paths first: "/simple" must be matched before "/{id}".
router.add_router("/", cases_router)
router.add_router("/", steps_router)
router.add_router("/", records_router)
router.add_router("/", execution_router)
router.add_router("/", documents_router)
