"""Engine selection: SQLFrame over DuckDB (default) or PySpark local mode.

Library code never calls ``sqlframe.activate()`` (it is process-global; see
shared/PITFALLS.md, "Population engine"). Each pipeline function receives an
:class:`Engine` and takes its ``functions`` module and ``Window`` from it, so the same
code builds the same plan on both engines.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any, cast

DataFrame = Any
"""A PySpark-API DataFrame (``sqlframe`` or ``pyspark``); the two share no base class."""

Column = Any
"""A PySpark-API Column expression."""

PERFECT_HASH_BITS = 24
"""DuckDB's ``perfect_ht_threshold``: key ranges up to 2**24 use its array aggregate."""

_STAGE_NUMBERS = itertools.count(1)
"""Process-wide stage numbers: SQLFrame sessions are process singletons, so two engines
in one process share one DuckDB connection and need distinct stage table names."""


@dataclass(frozen=True)
class Engine:
    """A session plus the matching functions module."""

    name: str
    session: Any
    functions: ModuleType
    window: Any
    """The engine's ``Window`` class."""
    types: ModuleType
    """The engine's types module (``StructType`` and the data types)."""
    connection: Any = None
    """The DuckDB connection (``duckdb`` engine only)."""
    _reference: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    stages: list[tuple[str, str]] = field(default_factory=list, compare=False, repr=False)
    """``(stage name, SQL or plan text)`` of every stage materialised, in order."""
    stage_seconds: list[float] = field(default_factory=list, compare=False, repr=False)
    """Wall time the engine spent executing each stage (excludes building the plan)."""
    stage_tables: list[str] = field(default_factory=list, compare=False, repr=False)
    """DuckDB only: the table each entry of ``stages`` was materialised as, in order."""
    reference_specs: dict[str, tuple[list[tuple[Any, ...]], str]] = field(
        default_factory=dict, compare=False, repr=False
    )
    """DuckDB only: ``table -> (rows, ddl)`` of every reference table created, so a
    cached plan (``plans.py``) can create the tables its SQL reads."""
    listeners: list[Callable[[str, int | None], None]] = field(
        default_factory=list, compare=False, repr=False
    )
    """Called with each stage's name and row count once it is materialised (progress
    reporting). The count is known on DuckDB (a table's row count, from its metadata);
    on Spark it is ``None`` (counting would run another job)."""

    def stage(self, df: DataFrame, name: str) -> DataFrame:
        """Materialise ``df`` as a named stage and record the SQL that produced it.

        On DuckDB the stage becomes a table, which keeps every later SQLFrame
        plan small (SQLFrame copies the whole expression tree on each operation). On Spark
        the stage is a local checkpoint; the analysed plan is recorded instead of SQL.
        """
        import time

        text = self.sql_text(df)
        self.stages.append((name, text))
        started = time.perf_counter()
        if self.name != "duckdb":
            # truncate the lineage so later plans stay small, as on DuckDB
            checkpointed = df.localCheckpoint(eager=True)
            self.stage_seconds.append(time.perf_counter() - started)
            self._stage_done(name, None)
            return checkpointed
        table = self._materialise(text, name, started)
        return self.session.table(table)

    def _materialise(self, text: str, name: str, started: float) -> str:
        import time

        table = f"casework_stage_{next(_STAGE_NUMBERS)}_{name}"
        self.connection.execute(f"CREATE OR REPLACE TABLE {table} AS {text}")
        self.stage_tables.append(table)
        self.stage_seconds.append(time.perf_counter() - started)
        if self.listeners:
            rows = self.connection.execute(f"SELECT count(*) FROM {table}").fetchone()  # noqa: S608
            self._stage_done(name, int(rows[0]) if rows else None)
        return table

    def union_stage(self, frames: list[DataFrame], name: str) -> DataFrame:
        """The union by column name of ``frames`` (same columns), materialised as a stage.

        On DuckDB each frame is staged as ``<name>_partN`` and the union is one SQL
        statement over those tables: SQLFrame's ``unionByName`` copies the whole plan of
        both sides on every call, so a chain of them was a quarter of a small run's plan
        building. On Spark the frames are unioned by name and staged.
        """
        import time

        if self.name != "duckdb":
            result = frames[0]
            for frame in frames[1:]:
                result = result.unionByName(frame)
            return self.stage(result, name)
        columns = ", ".join('"' + column.replace('"', '""') + '"' for column in frames[0].columns)
        tables = []
        for number, frame in enumerate(frames, start=1):
            text = self.sql_text(frame)
            part = f"{name}_part{number}"
            self.stages.append((part, text))
            tables.append(self._materialise(text, part, time.perf_counter()))
        selects = (f"SELECT {columns} FROM {table}" for table in tables)  # noqa: S608
        text = "\nUNION ALL\n".join(selects)
        self.stages.append((name, text))
        return self.session.table(self._materialise(text, name, time.perf_counter()))

    def _stage_done(self, name: str, rows: int | None) -> None:
        for listener in self.listeners:
            listener(name, rows)

    def reference_table(self, name: str, rows: list[tuple[Any, ...]], ddl: str) -> DataFrame:
        """A small constant table as a DataFrame, materialised once per engine.

        ``ddl`` is a Spark DDL schema (``"category string, weight int"``). On DuckDB the rows
        become a real table, which keeps SQLFrame plans (and ``df.sql()``) short.
        """
        if name not in self._reference:
            if self.name == "duckdb":
                self._reference[name] = self.reference_create(name, rows, ddl)
            else:
                frame = self.session.createDataFrame(rows, schema=ddl)
                self._reference[name] = frame.cache()
        if self.name == "duckdb":
            return self.session.table(self._reference[name])
        return self._reference[name]

    def reference_create(self, name: str, rows: list[tuple[Any, ...]], ddl: str) -> str:
        """DuckDB: create the reference table ``name`` with ``rows`` (``ddl`` as for
        :meth:`reference_table`) and return its table name."""
        columns = [part.strip().split() for part in ddl.split(",")]
        types = {"string": "VARCHAR", "int": "INTEGER", "bigint": "BIGINT", "double": "DOUBLE"}
        table = f"casework_ref_{name}"
        definition = ", ".join(f"{c} {types[t]}" for c, t in columns)
        self.connection.execute(f"CREATE OR REPLACE TABLE {table} ({definition})")
        if rows:
            # one statement, a list parameter per column zipped by unnest:
            # executemany ran one INSERT per row (thousands for a code map)
            lists = ", ".join(f"unnest(?::{types[t]}[])" for _, t in columns)
            insert = f"INSERT INTO {table} SELECT {lists}"
            self.connection.execute(insert, [list(values) for values in zip(*rows, strict=True)])
        self.reference_specs[table] = (rows, ddl)
        self._reference[name] = table
        return table

    def replay_stage(self, name: str, text: str) -> str:
        """DuckDB: materialise the SQL ``text`` (rendered earlier, see ``plans.py``) as
        the stage ``name``; record it as :meth:`stage` does and return the table name."""
        import time

        self.stages.append((name, text))
        return self._materialise(text, name, time.perf_counter())

    def rows(self, frame: DataFrame | str) -> tuple[list[str], list[dict[str, Any]]]:
        """``(columns, rows as dicts)`` of a DataFrame, or on DuckDB of a stage table
        given by name (read directly, without SQLFrame's catalog look-up)."""
        if isinstance(frame, str):
            cursor = self.connection.execute(f"SELECT * FROM {frame}")  # noqa: S608
            columns = [column[0] for column in cursor.description]
            return columns, [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
        return list(frame.columns), [row.asDict() for row in frame.collect()]

    def parquet(self, path: str, schema: Any) -> DataFrame:
        """The columns of ``schema`` (a ``StructType``) of the Parquet file at ``path``.

        On Spark this is ``read.load`` with the schema. On DuckDB SQLFrame's reader would
        wrap every column in ``TRY_CAST`` to the declared type, which keeps DuckDB from
        pushing join filters into the Parquet scan (about 50 ms on the benchmark's 20 M
        diagnosis lines); the staging files are written with exactly the declared types,
        so the columns are selected as they are stored.
        """
        if self.name != "duckdb":
            return self.session.read.load(path, format="parquet", schema=schema)
        columns = ", ".join(field.name for field in schema.fields)
        literal = path.replace("'", "''")
        return self.session.sql(f"SELECT {columns} FROM read_parquet('{literal}')")  # noqa: S608

    def sql_text(self, df: DataFrame) -> str:
        """Return the SQL (SQLFrame) or the analysed plan (Spark) that produces ``df``."""
        if self.name == "duckdb":
            text = df.sql(dialect="duckdb", pretty=True, optimize=False)
            return text if isinstance(text, str) else ";\n".join(text)
        plan = df._jdf.queryExecution().analyzed().toString()
        return f"-- Spark analysed logical plan (Spark has no df.sql())\n{plan}"


class _Deferred:
    """An object loaded on first attribute access (SQLFrame's session and modules).

    A run whose stage SQL comes from the plan cache (``plans.py``) builds no plan, so
    it never imports SQLFrame or sqlglot (about 0.2 s of CPU of a small run)."""

    def __init__(self, load: Callable[[], Any]) -> None:
        self._load = load
        self._target: Any = None

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        if self._target is None:
            self._target = self._load()
        return getattr(self._target, name)


_DUCKDB_CONNECTIONS: list[Any] = []
"""The process's DuckDB connection once a DuckDB engine started (SQLFrame keeps one
session per process, so every DuckDB engine shares one connection)."""


def _sqlframe_connection() -> Any:
    """The connection of an existing SQLFrame DuckDB session, or ``None``."""
    import sys

    if "sqlframe.base.session" not in sys.modules:
        return None
    from sqlframe.base.session import _BaseSession

    return getattr(_BaseSession._instance, "_conn", None)


def _sqlframe_load() -> None:
    from casework.population import plan_copy

    plan_copy.install()
    plan_copy.dialect_names_install()


def _sqlframe_session(connection: Any) -> Any:
    _sqlframe_load()
    from sqlframe.duckdb import DuckDBSession

    session = DuckDBSession(conn=connection)
    if session._conn is not connection:
        raise RuntimeError("SQLFrame's session holds another DuckDB connection")
    return session


def _sqlframe_module(name: str, attribute: str | None = None) -> Callable[[], Any]:
    def load() -> Any:
        import importlib

        _sqlframe_load()
        module = importlib.import_module(name)
        return getattr(module, attribute) if attribute else module

    return load


def duckdb_engine(database: str = ":memory:", threads: int | None = None) -> Engine:
    """Start a SQLFrame session on an in-process DuckDB connection.

    SQLFrame (and sqlglot) are imported, and the session made, when the engine first
    builds a plan: a run whose plans come from the plan cache never needs them."""
    import duckdb

    # SQLFrame keeps one session per process; use whichever connection it holds.
    connection = _sqlframe_connection()
    if connection is None:
        if not _DUCKDB_CONNECTIONS:
            _DUCKDB_CONNECTIONS.append(duckdb.connect(database))
        connection = _DUCKDB_CONNECTIONS[0]
    # Group-bys on an integer key whose range fits 2**24 (member_key for up to 16.7 M
    # members) aggregate into an array instead of a hash table; the default is 2**12.
    connection.execute(f"SET perfect_ht_threshold = {PERFECT_HASH_BITS}")
    if threads is not None:
        connection.execute(f"SET threads = {int(threads)}")
    return Engine(
        name="duckdb",
        session=_Deferred(lambda: _sqlframe_session(connection)),
        functions=cast(ModuleType, _Deferred(_sqlframe_module("sqlframe.duckdb.functions"))),
        window=_Deferred(_sqlframe_module("sqlframe.duckdb", "Window")),
        types=cast(ModuleType, _Deferred(_sqlframe_module("sqlframe.duckdb.types"))),
        connection=connection,
    )


def spark_engine(master: str = "local[2]", session: Any = None) -> Engine:
    """Start (or reuse) a PySpark session; needs the ``spark`` extra and Java 17."""
    import os
    import sys

    from pyspark.sql import SparkSession, Window

    # workers must run the driver's Python (PySpark refuses mixed minor versions)
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    from pyspark.sql import functions as spark_functions
    from pyspark.sql import types as spark_types

    if session is None:
        session = (
            SparkSession.builder.master(master)
            .appName("casework-population")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.shuffle.partitions", "2")
            .config("spark.default.parallelism", "2")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .getOrCreate()
        )
        session.sparkContext.setLogLevel("ERROR")
    return Engine(
        name="spark", session=session, functions=spark_functions, window=Window, types=spark_types
    )


def engine_create(name: str, spark_master: str | None = None) -> Engine:
    """Return the engine called ``name`` (``duckdb`` or ``spark``); ``spark_master`` is
    the Spark master URL (``local[2]`` by default; ``spark://host:7077``, ``yarn``,
    ``k8s://https://host:443``)."""
    if name == "duckdb":
        if spark_master is not None:
            raise ValueError("--spark-master needs --engine spark")
        return duckdb_engine()
    if name == "spark":
        return spark_engine(master=spark_master or "local[2]")
    raise ValueError(f"unknown engine {name!r}; expected 'duckdb' or 'spark'")
