"""Resource directory search (F5): by need, place, language, age and eligibility.

Each filter is one indexed sub-query on its own table (term → services, postal code or
city → services, language → services), combined with AND as HSDS's own `/services`
filters are. Only active services are found unless `include_inactive`.
"""

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from casework.resources.models import (
    Service,
    ServiceLanguage,
    ServicePlace,
    ServiceStatus,
    ServiceTerm,
    TaxonomyTerm,
)

# Up to this many services matched by the indexed filters are resolved to ids before
# the eligibility words are searched in their text.
ELIGIBILITY_ID_LIMIT = 5_000


def _key(value: str) -> str:
    return " ".join(value.lower().split())


@dataclass(frozen=True)
class Search:
    need: str = ""  # a taxonomy term's code or name (exact, case-insensitive)
    place: str = ""  # a postal code, a city or a state/province
    language: str = ""  # an ISO 639 code or a language name
    age: int | None = None  # the consumer's age: within the service's age range
    eligibility: str = ""  # words found in the eligibility description
    include_inactive: bool = False


def service_search(search: Search) -> QuerySet[Service]:
    services = Service.objects.select_related("organization")
    if not search.include_inactive:
        services = services.filter(status=ServiceStatus.ACTIVE)
    if search.need.strip():
        key = _key(search.need)
        terms = TaxonomyTerm.objects.filter(Q(code_key=key) | Q(name_key=key)).values("id")
        services = services.filter(
            id__in=ServiceTerm.objects.filter(term_id__in=terms).values("service_id")
        )
    if search.place.strip():
        keys = {_key(search.place), search.place.replace(" ", "").lower()}
        places = ServicePlace.objects.filter(key__in=sorted(keys))
        services = services.filter(id__in=places.values("service_id"))
    if search.language.strip():
        key = _key(search.language)
        # ISO 639 codes are two or three letters; longer input can only be a name.
        spoken = ServiceLanguage.objects.filter(
            Q(code_key=key) | Q(name_key=key) if len(key) <= 3 else Q(name_key=key)
        )
        services = services.filter(id__in=spoken.values("service_id"))
    if search.age is not None:
        services = services.filter(
            Q(minimum_age__isnull=True) | Q(minimum_age__lte=search.age),
            Q(maximum_age__isnull=True) | Q(maximum_age__gte=search.age),
        )
    words = search.eligibility.split()
    if words and (search.need.strip() or search.place.strip() or search.language.strip()):
        # Resolve the indexed filters first: PostgreSQL guesses a LIKE '%word%' keeps few
        # rows and would otherwise scan every service's text before the index look-ups.
        ids = list(services.values_list("id", flat=True)[: ELIGIBILITY_ID_LIMIT + 1])
        if len(ids) <= ELIGIBILITY_ID_LIMIT:
            services = Service.objects.select_related("organization").filter(id__in=ids)
    for word in words:
        services = services.filter(eligibility_description__icontains=word)
    return services.order_by("name", "id")


def service_by_id(service_id: str) -> Service | None:
    return (
        Service.objects.select_related("organization")
        .prefetch_related("languages", "terms__term", "places", "areas")
        .filter(id=service_id)
        .first()
    )


def need_choices() -> list[tuple[str, str]]:
    """Taxonomy terms that tag at least one service, as (code or name, label)."""
    terms = TaxonomyTerm.objects.filter(services__isnull=False).distinct().order_by("name")
    return [(t.code or t.name, f"{t.name} ({t.code})" if t.code else t.name) for t in terms]
