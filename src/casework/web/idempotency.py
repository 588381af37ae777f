"""Safe retries of API creates: the `Idempotency-Key` header.

A client that lost the response to a POST (a timeout, a dropped connection, a server
killed between commit and reply) sends the same request again with the same key:

- same user, same key, same method, path and body within 24 hours → the first response
  again (status and body), marked `Idempotent-Replayed: true`, and nothing written;
- same user and key with another request → 409;
- a key is 1-255 printable ASCII characters (422 otherwise);
- a 5xx is not kept: the retry runs the request again.

The key row is inserted, the request handled and its response stored in ONE transaction,
so a crash leaves either nothing (the retry runs afresh) or the write together with its
response. Two concurrent requests with one key meet the unique constraint on (user, key):
the second waits for the first (PostgreSQL: the index entry; SQLite: the write lock) and
then replays it.
"""

import hashlib
import re
from collections.abc import Callable
from datetime import timedelta

from django.core.exceptions import RequestDataTooBig
from django.db import DatabaseError, IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse

from casework.core import clock
from casework.core.tokens import token_verify
from casework.staff.models import User
from casework.web.models import IdempotencyKey

HEADER = "HTTP_IDEMPOTENCY_KEY"
KEY_PATTERN = re.compile(r"[!-~]{1,255}")
KEPT_FOR = timedelta(hours=24)
REPLAYED = "Idempotent-Replayed"


def _error(msg: str, status: int = 422) -> JsonResponse:
    detail = [{"loc": ["header", "Idempotency-Key"], "msg": msg, "type": "value_error"}]
    return JsonResponse({"detail": detail}, status=status)


def _requester(request: HttpRequest) -> User | None:
    """Who the API will take the request to be (the same order as casework.web.api)."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if header.lower().startswith("bearer "):
        return token_verify(header[7:].strip())
    user = getattr(request, "user", None)
    if isinstance(user, User) and user.is_authenticated and user.is_active:
        return user
    return None


def _replay(row: IdempotencyKey) -> HttpResponse:
    response = HttpResponse(bytes(row.body), status=row.status_code, content_type=row.content_type)
    response[REPLAYED] = "true"
    return response


class IdempotencyMiddleware:
    """Applies to POST under /api/ with an Idempotency-Key header (module docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.META.get(HEADER)
        if key is None or request.method != "POST" or not request.path.startswith("/api/"):
            return self.get_response(request)
        if not KEY_PATTERN.fullmatch(key):
            return _error("must be 1 to 255 printable ASCII characters")
        user = _requester(request)
        if user is None:
            return self.get_response(request)  # the API answers 401
        try:
            body = request.body
        except RequestDataTooBig:
            return JsonResponse({"detail": "request body too large"}, status=413)
        digest = hashlib.sha256(b"\0".join([b"POST", request.path.encode(), body])).hexdigest()
        return self._keyed(request, user, key, digest)

    def _keyed(self, request: HttpRequest, user: User, key: str, digest: str) -> HttpResponse:
        now = clock.now()
        with transaction.atomic():
            IdempotencyKey.objects.filter(user=user, expires_at__lte=now).delete()
            row = IdempotencyKey(
                user=user,
                key=key,
                request_hash=digest,
                status_code=0,
                content_type="",
                body=b"",
                created_at=now,
                expires_at=now + KEPT_FOR,
            )
            try:
                with transaction.atomic():
                    row.save()
            except IntegrityError:
                earlier = IdempotencyKey.objects.get(user=user, key=key)
                if earlier.request_hash != digest:
                    detail = "this Idempotency-Key was used for another request"
                    return JsonResponse({"detail": detail}, status=409)
                return _replay(earlier)
            response = self.get_response(request)
            try:
                if response.status_code >= 500 or response.streaming:
                    row.delete()
                else:
                    row.status_code = response.status_code
                    row.content_type = str(response.get("Content-Type", ""))
                    row.body = response.content
                    row.save(update_fields=["status_code", "content_type", "body"])
            except DatabaseError:
                transaction.set_rollback(True)
        return response
