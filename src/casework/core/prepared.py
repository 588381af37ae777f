"""Queries compiled once and run many times: for the few statements every request runs.

Compiling a queryset to SQL costs Django far more CPU than SQLite or PostgreSQL spend
running a primary-key lookup (about 2 ms against 0.2 ms for a token lookup with a join,
on the 2-core benchmark machine). `PreparedQuery` builds the queryset once per database
with sample parameters, keeps the SQL, and on each call runs it with the real parameters
and Django's own converters; `PreparedInsert` does the same for one model's INSERT, and
`PreparedUpdate` for the UPDATE of one row by primary key. The
SQL is Django's, so quoting, placeholders and RETURNING follow the backend, and
`connection.queries` and `CaptureQueriesContext` still see every execution.
`PreparedLoad` does it for a query that returns model instances (with `select_related`),
in variants: the permission-checked loads of `casework.web.access`, whose filter has one
shape per scope.

Each is compiled twice, with the samples and with other values, and refused unless the
two compilations differ exactly at the samples' places: a query whose SQL or other
parameters depend on its arguments cannot be prepared by mistake.

An integer no column can hold (an id of 10**30 typed into a URL) finds nothing, as the
ORM's own lookups do (Django leaves such a lookup out of the SQL): SQLite cannot bind it
at all (OverflowError), so a prepared query never sends it.

    TOKEN = PreparedQuery(
        lambda key: ApiToken.objects.filter(key_hash=key).values_list("id", "user_id"),
        key="0" * 64,  # a sample of the parameter's type, unlike any other parameter
    )
    rows = TOKEN.rows(key=digest)
"""

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, models, transaction
from django.db.models import QuerySet, signals
from django.db.models.query import get_related_populators
from django.db.models.sql import InsertQuery


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple[Any, ...]
    slots: dict[str, list[int]]  # parameter name -> its indexes in params
    compiler: Any
    converters: dict[int, Any]

    def bind(self, values: dict[str, Any]) -> list[Any]:
        params = list(self.params)
        for name, value in values.items():
            for at in self.slots[name]:
                params[at] = value
        return params


def _other(sample: Any) -> Any:
    """A value of the sample's type that differs from it (for the second compilation)."""
    if isinstance(sample, bool):
        raise TypeError("a boolean cannot be a prepared parameter")
    if isinstance(sample, int):
        return sample + 7919
    if isinstance(sample, str):
        return sample + "~other"
    raise TypeError(f"prepared parameters are ints or strings, not {type(sample).__name__}")


def _compile(build: Callable[..., QuerySet[Any]], samples: dict[str, Any], using: str) -> _Compiled:
    """Compile `build(**samples)`, locate each sample among the parameters, and check
    against a second compilation with other values that nothing else moves."""
    queryset = build(**samples)
    compiler = queryset.query.get_compiler(using=using)
    sql, params = compiler.as_sql()
    slots = {}
    for name, sample in samples.items():
        # (a sample may be absent: one variant of a query need not use every argument)
        slots[name] = [i for i, p in enumerate(params) if type(p) is type(sample) and p == sample]
    others = {name: _other(sample) for name, sample in samples.items()}
    sql2, params2 = build(**others).query.get_compiler(using=using).as_sql()
    expected = _Compiled(sql, tuple(params), slots, None, {}).bind(others)
    if sql2 != sql or list(params2) != expected:
        raise ValueError("the query's shape depends on more than its samples: not preparable")
    expressions = [column for column, _, _ in compiler.select]
    converters = compiler.get_converters(expressions)
    return _Compiled(sql, tuple(params), slots, compiler, converters)


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
        compiled = self._compiled[using] = _compile(self._build, self._samples, using)
        return compiled

    def rows(self, using: str = DEFAULT_DB_ALIAS, **values: Any) -> list[Sequence[Any]]:
        """Run the query with these parameter values; the rows, converted as Django does
        (none for an integer no column can hold)."""
        if _unbindable(values, using):
            return []
        compiled = self._compiled.get(using) or self._compile(using)
        return _run(compiled, compiled.bind(values), using)


def _unbindable(values: dict[str, Any], using: str) -> bool:
    """Whether an integer value lies outside the widest integer column of the database."""
    low, high = connections[using].ops.integer_field_range("BigIntegerField")
    return any(
        type(value) is int and not low <= value <= high  # type(): a bool is no id
        for value in values.values()
    )


def _run(compiled: _Compiled, params: list[Any], using: str) -> list[Sequence[Any]]:
    with connections[using].cursor() as cursor:
        cursor.execute(compiled.sql, params)
        rows = cursor.fetchall()
    if compiled.converters:
        return list(compiled.compiler.apply_converters(rows, compiled.converters))
    return rows


class PreparedLoad[M: models.Model]:
    """Model instances (their `select_related` objects filled in) from a query compiled
    once per database and variant: `build(variant, **samples)` returns the queryset, and
    a variant names one shape of it (a scope's filter, say). Instances are made as
    Django's own `ModelIterable` makes them, each annotation set as an attribute; the
    query may not defer."""

    def __init__(self, build: Callable[..., QuerySet[M]], **samples: Any) -> None:
        self._build = build
        self._samples = samples
        self._compiled: dict[tuple[str, Hashable], tuple[_Compiled, Any]] = {}

    def _compile(self, using: str, variant: Hashable) -> tuple[_Compiled, Any]:
        compiled = _compile(lambda **s: self._build(variant, **s), self._samples, using)
        compiler = compiled.compiler
        if compiler.query.deferred_loading[0]:
            raise ValueError("a prepared load does not defer")
        fetch_mode = self._build(variant, **self._samples)._fetch_mode  # type: ignore[attr-defined]
        self._compiled[using, variant] = (compiled, fetch_mode)
        return compiled, fetch_mode

    def objects(self, variant: Hashable, using: str = DEFAULT_DB_ALIAS, **values: Any) -> list[M]:
        if _unbindable(values, using):
            return []  # an integer no column can hold: no row has it
        compiled, fetch_mode = self._compiled.get((using, variant)) or self._compile(using, variant)
        rows = _run(compiled, compiled.bind(values), using)
        compiler = compiled.compiler
        select, klass_info = compiler.select, compiler.klass_info
        model = cast(type[M], klass_info["model"])
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        names = [f[0].target.attname for f in select[start:end]]
        populators = get_related_populators(klass_info, select, using, fetch_mode)
        annotations = compiler.annotation_col_map.items()
        found = []
        for row in rows:
            obj = model.from_db(using, names, row[start:end], fetch_mode=fetch_mode)
            for populator in populators:
                populator.populate(row, obj)
            for attribute, at in annotations:
                setattr(obj, attribute, row[at])
            found.append(obj)
        return found


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


class PreparedUpdate[M: models.Model]:
    """One model's UPDATE of `fields` (every concrete field but the primary key, unless
    named) of one row by primary key, compiled once per database: `save()` of a loaded
    instance without its per-call compilation. Each value is prepared by its field's
    `pre_save` and `get_db_prep_save`, as `save()` does. While the model has
    `pre_save`/`post_save` receivers it falls back to `save(update_fields=...)`, so they
    still run. Raises `DatabaseError` when no row was updated, as `save()` with
    `update_fields` does."""

    def __init__(self, model: type[M], fields: Sequence[str] = ()) -> None:
        self._model = model
        named = [model._meta.get_field(name) for name in fields]
        concrete = [f for f in model._meta.concrete_fields if not f.primary_key]
        self._fields: list[models.Field[Any, Any]] = []
        for field in named or concrete:
            if not isinstance(field, models.Field) or not field.concrete or field.primary_key:
                raise ValueError(f"{field.name} is not a column this update can write")
            if hasattr(field, "get_placeholder"):
                raise ValueError("a field with its own placeholder cannot be prepared")
            self._fields.append(field)
        pk = model._meta.pk
        if pk is None:  # pragma: no cover (every concrete model has one)
            raise ValueError("a model without a primary key")
        self._pk = pk
        self._sql: dict[str, str] = {}

    def _compile(self, using: str) -> str:
        quote = connections[using].ops.quote_name
        meta = self._model._meta
        columns = ", ".join(f"{quote(cast(str, f.column))} = %s" for f in self._fields)
        pk = quote(cast(str, self._pk.column))
        # Identifiers only, each quoted by the backend; values are parameters.
        sql = f"UPDATE {quote(meta.db_table)} SET {columns} WHERE {pk} = %s"  # noqa: S608
        self._sql[using] = sql
        return sql

    def update(self, instance: M, using: str = DEFAULT_DB_ALIAS) -> M:
        """Write the instance's fields to its row."""
        if instance._state.adding or instance.pk is None:
            raise ValueError("PreparedUpdate updates saved instances only")
        if signals.pre_save.has_listeners(self._model) or signals.post_save.has_listeners(
            self._model
        ):
            instance.save(using=using, update_fields=[f.name for f in self._fields])
            return instance
        sql = self._sql.get(using) or self._compile(using)
        connection = connections[using]
        params = [f.get_db_prep_save(f.pre_save(instance, False), connection) for f in self._fields]
        params.append(self._pk.get_db_prep_value(instance.pk, connection))
        with transaction.mark_for_rollback_on_error(using), connection.cursor() as cursor:
            cursor.execute(sql, params)
            updated = cursor.rowcount
        if updated != 1:
            raise DatabaseError("the row to update was not found")
        return instance
