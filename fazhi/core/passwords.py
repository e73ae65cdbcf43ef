"""Password rule under 等保2.0: at least three of the four character classes."""
import string

from django.core.exceptions import ValidationError

from .rules import ACCOUNT_RULES

CHARACTER_CLASSES = (
    ("大写字母", lambda c: c in string.ascii_uppercase),
    ("小写字母", lambda c: c in string.ascii_lowercase),
    ("数字", lambda c: c in string.digits),
    ("特殊符号", lambda c: not c.isalnum() and not c.isspace()),
)


def character_classes_used(password: str) -> list[str]:
    return [name for name, test in CHARACTER_CLASSES if any(test(c) for c in password)]


class CharacterClassValidator:
    def __init__(self, min_classes: int = ACCOUNT_RULES.password_min_character_classes):
        self.min_classes = min_classes

    def validate(self, password: str, user=None) -> None:
        used = character_classes_used(password)
        if len(used) < self.min_classes:
            raise ValidationError(
                "密码须包含大写字母、小写字母、数字、特殊符号中的至少%(n)d类（当前只有：%(used)s）。",
                code="password_too_few_classes",
                params={"n": self.min_classes, "used": "、".join(used) or "无"},
            )

    def get_help_text(self) -> str:
        return f"密码须包含大写字母、小写字母、数字、特殊符号中的至少{self.min_classes}类。"
