"""API schemas of the resource directory."""

from uuid import UUID

from ninja import Field, Schema

from casework.resources.models import Service


class ServiceFilters(Schema):
    need: str = Field("", max_length=200, description="taxonomy term code or name")
    place: str = Field("", max_length=200, description="postal code, city or state/province")
    language: str = Field("", max_length=100, description="ISO 639 code or language name")
    age: int | None = Field(None, ge=0, le=150, description="the consumer's age in years")
    eligibility: str = Field("", max_length=200, description="words in the eligibility description")
    include_inactive: bool = Field(False, description="also inactive, defunct and closed services")


class LanguageOut(Schema):
    code: str
    name: str


class TermOut(Schema):
    code: str
    name: str


class PlaceOut(Schema):
    postal_code: str
    city: str
    state_province: str


class ServiceOut(Schema):
    id: UUID
    name: str
    status: str
    organization: str
    description: str
    eligibility_description: str
    minimum_age: int | None
    maximum_age: int | None
    url: str
    email: str

    @staticmethod
    def resolve_organization(obj: Service) -> str:
        return obj.organization.name if obj.organization else ""


class ServiceDetailOut(ServiceOut):
    application_process: str
    fees_description: str
    interpretation_services: str
    languages: list[LanguageOut]
    needs: list[TermOut]
    areas: list[str]

    @staticmethod
    def resolve_languages(obj: Service) -> list[dict[str, str]]:
        return [{"code": x.code, "name": x.name} for x in obj.languages.all()]

    @staticmethod
    def resolve_needs(obj: Service) -> list[dict[str, str]]:
        return [{"code": x.term.code, "name": x.term.name} for x in obj.terms.all()]

    @staticmethod
    def resolve_areas(obj: Service) -> list[str]:
        return [x.description or x.name for x in obj.areas.all()]


class ServicePage(Schema):
    count: int
    items: list[ServiceOut]
