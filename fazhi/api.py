"""The JSON API under /api/v1/: its OpenAPI schema is the contract with other departments' systems.

Errors answer in one shape, {"detail": "<中文说明>"}, with per-field messages for rejected input.
"""
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as ModelValidationError
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as InputValidationError

from fazhi.cases.api import router as cases_router
from fazhi.core.api import auth_methods, router as core_router
from fazhi.core.permissions import NOT_VISIBLE
from fazhi.entities.api import router as entities_router
from fazhi.inspections.api import router as inspections_router
from fazhi.laws.api import router as laws_router
from fazhi.reviews.api import router as reviews_router

# Model field names that the API spells differently in its input.
API_FIELD_NAMES = {"organisation": "organisation_id"}
INVALID_INPUT = "提交的数据有误，请按各字段的提示修改后重新提交。"
# Pydantic's error types, said in Chinese; anything else gets the generic message.
INPUT_ERROR_MESSAGES = {
    "missing": "此项必填。",
    "enum": "取值不在允许范围内，请按接口文档填写。",
    "literal_error": "取值不在允许范围内，请按接口文档填写。",
    "int_parsing": "请填写整数。",
    "int_type": "请填写整数。",
    "bool_parsing": "请填写 true 或 false。",
    "date_parsing": "请按 YYYY-MM-DD 格式填写日期。",
    "date_from_datetime_parsing": "请按 YYYY-MM-DD 格式填写日期。",
    "greater_than_equal": "数值小于允许的最小值。",
    "less_than_equal": "数值大于允许的最大值。",
    "string_too_short": "内容不能为空。",
    "string_too_long": "内容过长，请缩短。",
    "string_pattern_mismatch": "含有不允许的字符（如控制字符），请删除后重试。",
    "json_invalid": "请求体不是合法的 JSON。",
}

api = NinjaAPI(
    title="法治平台接口",
    version="1.0.0",
    description="卫生健康行政执法数据交换接口。系统间调用使用令牌（Authorization: Bearer <令牌>），人员使用登录会话。",
    auth=auth_methods,
    urls_namespace="api",
)
api.add_router("/core/", core_router)
api.add_router("/cases/", cases_router)
api.add_router("/entities/", entities_router)
api.add_router("/inspections/", inspections_router)
api.add_router("/laws/", laws_router)
api.add_router("/reviews/", reviews_router)


def field_errors(error: ModelValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {API_FIELD_NAMES.get(name, name): messages for name, messages in error.message_dict.items()}
    return {"__all__": error.messages}


def input_errors(exc: InputValidationError) -> dict[str, list[str]]:
    """Pydantic's errors by field name (the last part of each error's location), in Chinese."""
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", ()) if not isinstance(part, int)]
        field = location[-1] if len(location) > 1 else "__all__"
        message = INPUT_ERROR_MESSAGES.get(error.get("type"), "取值不符合要求，请按接口文档填写。")
        errors.setdefault(field, []).append(message)
    return errors


@api.exception_handler(ModelValidationError)
def on_invalid_data(request, exc: ModelValidationError):
    return api.create_response(request, {"detail": INVALID_INPUT, "errors": field_errors(exc)}, status=422)


@api.exception_handler(InputValidationError)
def on_invalid_input(request, exc: InputValidationError):
    return api.create_response(request, {"detail": INVALID_INPUT, "errors": input_errors(exc)}, status=422)


@api.exception_handler(PermissionDenied)
def on_permission_denied(request, exc: PermissionDenied):
    return api.create_response(request, {"detail": str(exc) or "您没有权限执行此操作。"}, status=403)


@api.exception_handler(Http404)
def on_not_found(request, exc: Http404):
    return api.create_response(request, {"detail": NOT_VISIBLE}, status=404)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc: AuthenticationError):
    body = {"detail": "请提供有效的接口令牌（Authorization: Bearer <令牌>），或登录并修改初始密码后再访问。"}
    return api.create_response(request, body, status=401)
