"""The faster sqlglot tree copy (plan_copy) copies exactly what sqlglot's own does."""

from __future__ import annotations

from typing import Any

import sqlglot
from sqlglot.expressions.core import Expression

from casework.population import plan_copy
from casework.population.engine import Engine


def nodes(tree: Any) -> list[tuple[str, Any, Any, Any, str | None]]:
    return [
        (type(node).__name__, node._meta, node.comments, node._type, node.sql())
        for node in tree.walk()
    ]


def sample_tree(duck: Engine) -> Any:
    functions = duck.functions
    left = duck.session.createDataFrame(
        [("m1", 3)], schema="member_id string, charlson int"
    ).withColumn("band", functions.when(functions.col("charlson") > 2, functions.lit("high")))
    right = duck.session.createDataFrame([("m1", "F")], schema="member_id string, sex string")
    tree = left.join(right, on="member_id").groupBy("band").agg(functions.count("*")).expression
    commented = sqlglot.parse_one("SELECT /* why */ a::INT AS b FROM t")
    commented.expressions[0].meta["window_func"] = sqlglot.parse_one("SUM(x)")
    return tree, commented


def test_installed_by_the_duckdb_engine(duck: Engine) -> None:
    duck.functions.lit(1)  # the engine loads SQLFrame when it first builds a plan
    assert Expression.__deepcopy__ is plan_copy.expression_deepcopy
    assert plan_copy.install() is True


def test_copies_equal_sqlglots_own_node_for_node(duck: Engine) -> None:
    original = plan_copy.ORIGINAL["__deepcopy__"]
    for tree in sample_tree(duck):
        ours = plan_copy.expression_deepcopy(tree, {})
        theirs = original(tree, {})
        assert nodes(ours) == nodes(theirs) == nodes(tree)
        assert ours.sql(dialect="duckdb") == theirs.sql(dialect="duckdb")


def test_copies_share_no_mutable_state(duck: Engine) -> None:
    tree, commented = sample_tree(duck)
    for source in (tree, commented):
        copied = plan_copy.expression_deepcopy(source, {})
        for old, new in zip(source.walk(), copied.walk(), strict=True):
            assert old is not new
            assert old._meta is None or old._meta is not new._meta
            assert old.comments is None or old.comments is not new.comments
    window = commented.expressions[0].meta["window_func"]
    assert plan_copy.expression_deepcopy(commented, {}).expressions[0].meta["window_func"] == window
    assert (
        plan_copy.expression_deepcopy(commented, {}).expressions[0].meta["window_func"]
        is not window
    )


def test_dialect_names_are_sqlframes_and_load_no_other_dialect(duck: Engine) -> None:
    from sqlframe.base import util
    from sqlglot.dialects.dialect import Dialect

    assert util.dialect_to_string is plan_copy.dialect_to_string
    original = plan_copy.ORIGINAL["dialect_to_string"]
    registered = dict(Dialect._classes)
    session = duck.session
    assert plan_copy.dialect_to_string(session.execution_dialect) == "duckdb"
    assert plan_copy.dialect_to_string(session.input_dialect) == "spark"
    # the names SQLFrame's own function gives (which registers every dialect first)
    dialects = (session.execution_dialect, session.input_dialect)
    plan_copy._DIALECT_NAMES.clear()
    ours = [plan_copy.dialect_to_string(dialect) for dialect in dialects]
    assert Dialect._classes == registered
    assert ours == [original(dialect) for dialect in dialects] == ["duckdb", "spark"]


def test_reference_table_keeps_rows_in_order(duck: Engine) -> None:
    rows = [("b", 2, 1.5), ("a", None, None), ("c", 3, -0.25)]
    frame = duck.reference_table("order_check", rows, "name string, n int, x double")
    assert [tuple(row) for row in frame.collect()] == rows
    assert duck.reference_table("order_check", [], "name string, n int, x double").count() == 3
