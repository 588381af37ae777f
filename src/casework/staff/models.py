"""Staff users and their roles (A1). Qualifications and credentials come with the staff issue."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower

from casework.core.roles import Role


class User(AbstractUser):
    role = models.CharField(max_length=30, choices=Role.choices)
    program = models.ForeignKey(
        "core.Program", on_delete=models.PROTECT, null=True, blank=True, related_name="staff"
    )
    team = models.ForeignKey(
        "core.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="members"
    )
    languages = models.CharField(
        max_length=100, blank=True, help_text="Languages spoken, comma-separated BCP 47 codes."
    )

    class Meta:
        constraints = [
            # S1: usernames unique regardless of case.
            models.UniqueConstraint(Lower("username"), name="user_username_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username
