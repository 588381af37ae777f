"""Model validation in services, turned into field errors."""

from django.core.exceptions import ValidationError
from django.db import models

from casework.core.errors import ValidationFailed


def validated[M: models.Model](instance: M, *, exclude: list[str] | None = None) -> M:
    """full_clean the instance; raise ValidationFailed with field → reasons."""
    try:
        instance.full_clean(exclude=exclude, validate_unique=True, validate_constraints=True)
    except ValidationError as exc:
        errors = {field: [str(m) for m in messages] for field, messages in exc.message_dict.items()}
        raise ValidationFailed(errors) from exc
    return instance
