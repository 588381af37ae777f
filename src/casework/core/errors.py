"""Domain errors raised by services; the API and the views map them to responses."""


class DomainError(Exception):
    """Base class: the operation was refused and nothing was written."""


class ValidationFailed(DomainError):
    """Bad input: field → reasons (422 in the API, form errors in the UI)."""

    def __init__(self, errors: dict[str, list[str]], *, location: str = "body") -> None:
        self.errors = errors
        self.location = location  # where the fields are: "body" or "query" (API errors)
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))

    @classmethod
    def single(cls, field: str, reason: str, *, location: str = "body") -> "ValidationFailed":
        return cls({field: [reason]}, location=location)


class RuleViolation(DomainError):
    """The case's state or consent forbids the operation (409)."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


class StaleVersion(DomainError):
    """Optimistic concurrency: the record changed since the caller read it (409, S43)."""

    def __init__(self, current_version: int) -> None:
        self.current_version = current_version
        super().__init__(f"the record has changed (now at version {current_version}); reload it")


class AttestationRequired(DomainError):
    """The person has not signed the current confidentiality statement (MA 7.3(e), S41):
    no consumer record opens until they do (403 in the API, a redirect in the UI)."""

    def __init__(self) -> None:
        super().__init__("sign the current confidentiality statement before opening records")


class PurposeRefused(DomainError):
    """A stated purpose of use the role may not claim, an unknown one, or an emergency
    purpose (set only by a declared break-glass emergency, N2): 403 in the API and on
    pages, audited."""

    def __init__(self, purpose: str, reason: str) -> None:
        self.purpose = purpose
        self.reason = reason
        super().__init__(reason)
