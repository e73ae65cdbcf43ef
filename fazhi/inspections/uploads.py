"""Files received from officers and from entities: measured and hashed as they arrive."""
from __future__ import annotations

import hashlib

from django.core.exceptions import ValidationError

from .rules import INSPECTION_RULES


def too_large_message() -> str:
    return f"文件不能超过{INSPECTION_RULES.max_upload_bytes // (1024 * 1024)}MB，请压缩或分开提交。"


def received_digest(upload) -> tuple[str, int]:
    """SHA-256 and size of what the server actually received, refusing more than the rules allow."""
    digest, size = hashlib.sha256(), 0
    for chunk in upload.chunks():
        size += len(chunk)
        if size > INSPECTION_RULES.max_upload_bytes:
            raise ValidationError({"file": too_large_message()})
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest(), size
