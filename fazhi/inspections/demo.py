"""Demo inspections for the two model counties: each part of the work registers its own demo steps."""
from . import demo_joint, demo_plans, demo_records, demo_rectification, demo_visits  # noqa: F401  (each registers its steps)
