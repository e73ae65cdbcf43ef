from ninja import Router

router = Router(tags=["联合检查"])
