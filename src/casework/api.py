"""The REST API at /api/v1/ (Django Ninja); OpenAPI at /api/v1/openapi.json."""

from ninja import NinjaAPI

api = NinjaAPI(title="casework", version="1", urls_namespace="api")
