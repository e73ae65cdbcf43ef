"""The JSON API under /api/v1/: its OpenAPI schema is the contract with other departments' systems."""
from ninja import NinjaAPI

from fazhi.core.api import auth_methods, router as core_router

api = NinjaAPI(
    title="法治平台接口",
    version="1.0.0",
    description="卫生健康行政执法数据交换接口。系统间调用使用令牌（Authorization: Bearer <令牌>），人员使用登录会话。",
    auth=auth_methods,
    urls_namespace="api",
)
api.add_router("/core/", core_router)
