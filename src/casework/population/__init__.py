"""Population screening: scores, criteria and stratification without Django.

The package runs the PySpark DataFrame API on SQLFrame over DuckDB by default and on
Apache Spark when asked (see ``docs/population.md``). It imports nothing from Django or
from other ``casework`` contexts; the Django side consumes a finished run through
:mod:`casework.population.handoff`.
"""

INPUT_SCHEMA_VERSION = "1.0"
"""Version of the documented input schema (docs/population.md, "Input schema")."""
