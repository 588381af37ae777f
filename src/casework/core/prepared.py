"""Queries compiled once and run many times: for the few statements every request runs.

Compiling a queryset to SQL costs Django far more CPU than SQLite or PostgreSQL spend
running a primary-key lookup (about 2 ms against 0.2 ms for a token lookup with a join,
on the 2-core benchmark machine). `PreparedQuery` builds the queryset once per database
with sample parameters, keeps the SQL, and on each call runs it with the real parameters
and Django's own converters; `PreparedInsert` does the same for one model's INSERT. The
SQL is Django's, so quoting, placeholders and RETURNING follow the backend, and
`connection.queries` and `CaptureQueriesContext` still see every execution.

    TOKEN = PreparedQuery(
        lambda key: ApiToken.objects.filter(key_hash=key).values_list("id", "user_id"),
        key="0" * 64,  # a sample of the parameter's type, unlike any other parameter
    )
    rows = TOKEN.rows(key=digest)
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.models import QuerySet, signals
from django.db.models.sql import InsertQuery


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple[Any, ...]
    slots: dict[str, int]  # parameter name -> its index in params
    compiler: Any
    converters: dict[int, Any]


class PreparedQuery:
    """A read query (a `values_list`/`values` queryset) compiled once per database.

    `build(**samples)` must return the queryset; each sample must appear exactly once
    among the compiled parameters (so pick values no other literal in the query has),
    and it must be a parameter, not a value Django inlines (LIMIT is inlined: slice in
    `build`, not per call). Values are passed to the driver as they are: use strings and
    integers (a datetime would need the backend's own adaptation)."""

    def __init__(self, build: Callable[..., QuerySet[Any]], **samples: Any) -> None:
        self._build = build
        self._samples = samples
        self._compiled: dict[str, _Compiled] = {}

    def _compile(self, using: str) -> _Compiled:
        queryset = self._build(**self._samples)
        compiler = queryset.query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        slots = {}
        for name, sample in self._samples.items():
            at = [i for i, p in enumerate(params) if type(p) is type(sample) and p == sample]
            if len(at) != 1:
                raise ValueError(
                    f"sample {name}={sample!r} is among the parameters {len(at)} times"
                )
            slots[name] = at[0]
        expressions = [column for column, _, _ in compiler.select]
        converters = compiler.get_converters(expressions)
        compiled = _Compiled(sql, tuple(params), slots, compiler, converters)
        self._compiled[using] = compiled
        return compiled

    def rows(self, using: str = DEFAULT_DB_ALIAS, **values: Any) -> list[Sequence[Any]]:
        """Run the query with these parameter values; the rows, converted as Django does."""
        compiled = self._compiled.get(using) or self._compile(using)
        params = list(compiled.params)
        for name, value in values.items():
            params[compiled.slots[name]] = value
        with connections[using].cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        if compiled.converters:
            return list(compiled.compiler.apply_converters(rows, compiled.converters))
        return rows


class PreparedInsert[M: models.Model]:
    """One model's INSERT ... RETURNING pk, compiled once per database: `save()` of a new
    instance without its per-call compilation. Every concrete field but the primary key is
    written, each prepared by its own `pre_save` and `get_db_prep_save`, as `save()` does.
    While the model has `pre_save`/`post_save` receivers it falls back to `save()`, so
    they still run. With `explicit_pk` the caller sets the primary key (the audit insert
    allocates its id first, because the event's own MAC covers it) and it is written too."""

    def __init__(self, model: type[M], *, explicit_pk: bool = False) -> None:
        self._model = model
        self._explicit_pk = explicit_pk
        self._fields = [f for f in model._meta.concrete_fields if explicit_pk or not f.primary_key]
        self._sql: dict[str, str] = {}

    def _compile(self, using: str) -> str:
        if not connections[using].features.can_return_columns_from_insert:
            raise NotImplementedError("PreparedInsert needs INSERT ... RETURNING")
        query = InsertQuery(self._model)
        query.insert_values(self._fields, [self._model()], raw=False)
        compiler = query.get_compiler(using=using)
        compiler.returning_fields = [self._model._meta.pk]
        ((sql, _),) = compiler.as_sql()
        self._sql[using] = sql
        return sql

    def insert(self, instance: M, using: str = DEFAULT_DB_ALIAS) -> M:
        """Insert the unsaved `instance`; sets its pk and marks it saved."""
        if not instance._state.adding or (instance.pk is not None) != self._explicit_pk:
            raise ValueError(
                "PreparedInsert inserts new instances only"
                + (", with their primary key set" if self._explicit_pk else "")
            )
        if signals.pre_save.has_listeners(self._model) or signals.post_save.has_listeners(
            self._model
        ):
            instance.save(using=using, force_insert=True)
            return instance
        sql = self._sql.get(using) or self._compile(using)
        connection = connections[using]
        params = [f.get_db_prep_save(f.pre_save(instance, True), connection) for f in self._fields]
        with transaction.mark_for_rollback_on_error(using), connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
        if row is None:  # pragma: no cover (every supported backend returns the row)
            raise RuntimeError("INSERT ... RETURNING returned no row")
        if not self._explicit_pk:
            instance.pk = row[0]
        instance._state.adding = False
        instance._state.db = using
        return instance
