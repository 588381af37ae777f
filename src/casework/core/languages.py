"""The languages a consumer may prefer and an assessment may be conducted in."""

from django.utils.translation import gettext_lazy as _

# Languages offered for a consumer's preferred language (BCP 47). Notices are printed
# in the ones the program has catalogs for (English and Spanish); others get English
# and the interpreter flag.
LANGUAGE_CHOICES = [
    ("en", _("English")),
    ("es", _("Spanish")),
    ("zh", _("Chinese")),
    ("vi", _("Vietnamese")),
    ("tl", _("Tagalog")),
    ("ar", _("Arabic")),
    ("ru", _("Russian")),
    ("fr", _("French")),
    ("ht", _("Haitian Creole")),
    ("ko", _("Korean")),
    ("pt", _("Portuguese")),
    ("asl", _("American Sign Language")),
]


def language_name(code: str) -> str:
    """The label of a language code in the active language ("es" -> "Spanish"); an
    unknown code is shown as it is."""
    return str(dict(LANGUAGE_CHOICES).get(code, code))
