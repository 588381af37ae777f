"""Model validation in services, turned into field errors."""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models

from casework.core.errors import ValidationFailed


def _loaded_relations(instance: models.Model) -> list[str]:
    """Foreign keys set to a saved object the service already holds: the row exists, so
    asking the database again (as `clean_fields` does for each key) proves nothing."""
    names = []
    for field in instance._meta.concrete_fields:
        if field.many_to_one and field.is_cached(instance):  # type: ignore[attr-defined]
            related = getattr(instance, field.name)
            if related is not None and not related._state.adding:
                names.append(field.name)
    return names


def validated[M: models.Model](
    instance: M, *, exclude: list[str] | None = None, constraints: bool = True
) -> M:
    """Validate the instance as `full_clean` does (the same steps, in the same order);
    raise ValidationFailed with field → reasons. Foreign keys to objects already loaded
    are not looked up again; `constraints=False` leaves the model's check constraints to
    the database, for a service that has already enforced their condition itself."""
    excluded = set(exclude or [])
    errors: dict[str, list[ValidationError]] = {}
    try:
        instance.clean_fields(exclude=excluded | set(_loaded_relations(instance)))
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)
    try:
        instance.clean()
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)
    excluded |= {name for name in errors if name != NON_FIELD_ERRORS}
    try:
        instance.validate_unique(exclude=excluded)
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)
    if constraints:
        excluded |= {name for name in errors if name != NON_FIELD_ERRORS}
        try:
            instance.validate_constraints(exclude=excluded)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
    if errors:
        message_dict = ValidationError(errors).message_dict
        raise ValidationFailed(
            {field: [str(m) for m in messages] for field, messages in message_dict.items()}
        )
    return instance
