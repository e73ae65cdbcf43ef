# Placeholder until the entity API is written; replaced entirely.
from ninja import Router

router = Router(tags=["entities"])
