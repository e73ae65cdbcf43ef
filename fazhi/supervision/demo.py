"""The demo's early warnings: after every module's demo records are in, one scan over all of them, as the nightly
run would do, so each role finds its warnings on its home page and list."""
from __future__ import annotations

from fazhi.core.demo import DemoStep, register_demo_step

from .scan import scan


def load_demo_warnings() -> str:
    report = scan()
    return (f"{len(report.runs)}条规则，发现{report.total('found')}条，新增{report.total('raised')}条，"
            f"消除{report.total('resolved')}条")


# After the cases and case-file review, so every record the rules look at exists.
register_demo_step(DemoStep(order=130, label="预警", run=load_demo_warnings))
