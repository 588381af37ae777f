"""The way in for pages and the API alike (docs/adr/0005-layers.md): the guard, the
relationship filter, the form page, API plumbing and error mapping, and the pages composed
from several contexts (the case page). Nothing below this package imports it."""
