"""A faster deep copy of sqlglot expression trees, for SQLFrame plan building.

SQLFrame copies the whole sqlglot tree of a DataFrame on every operation. Most of that
time went into ``copy.deepcopy`` of each node's ``meta`` dict: the parser records the
token position (``line``, ``col``, ``start``, ``end``) on every identifier, and SQLFrame a
``display_name``, so a 1,000-member run deep-copied ~120,000 small dicts of ints and
strings through the generic ``copy`` machinery (a third of plan building).

:func:`install` replaces ``sqlglot.expressions.core.Expression.__deepcopy__`` with the
same walk, except that a ``meta`` dict or ``comments`` list holding only immutable
scalars is copied with ``dict()`` / ``list()``: for such values a deep copy *is* a
shallow copy, so every tree copied is equal, node for node, to the one the original
method makes (``tests/population/test_plan_copy.py`` checks this). Anything else (an
expression kept in ``meta``, a data type) is still deep-copied as before.

The patch is process-global, like SQLFrame's own session; it is installed by
:func:`casework.population.engine.duckdb_engine` and only for the sqlglot release line
it was written against (:data:`SQLGLOT_MAJOR`); any other release keeps its own method.
"""

from __future__ import annotations

from copy import deepcopy
from typing import Any

SQLGLOT_MAJOR = "30"
"""The sqlglot major version whose ``Expression.__deepcopy__`` this replaces."""

ORIGINAL: dict[str, Any] = {}
"""sqlglot's own ``Expression.__deepcopy__`` once :func:`install` replaced it (tests)."""

_SCALARS = frozenset({int, str, bool, float, type(None)})


def _plain_copy(value: Any) -> Any:
    """``value`` copied: shallow when it is a dict or list of immutable scalars (equal
    to a deep copy), else ``copy.deepcopy``."""
    if type(value) is dict:
        for item in value.values():
            if type(item) not in _SCALARS:
                return deepcopy(value)
        return dict(value)
    if type(value) is list:
        for item in value:
            if type(item) not in _SCALARS:
                return deepcopy(value)
        return list(value)
    return deepcopy(value)


def expression_deepcopy(self: Any, memo: Any) -> Any:
    """sqlglot's ``Expression.__deepcopy__`` (30.x), with :func:`_plain_copy` for
    ``comments`` and ``meta``."""
    from sqlglot.expressions.core import Expr

    root = self.__class__()
    stack: list[tuple[Any, Any]] = [(self, root)]
    while stack:
        node, copy = stack.pop()
        if node.comments is not None:
            copy.comments = _plain_copy(node.comments)
        if node._type is not None:
            copy._type = deepcopy(node._type)
        if node._meta is not None:
            copy._meta = _plain_copy(node._meta)
        if node._hash is not None:
            copy._hash = node._hash
        for key, values in node.args.items():
            if isinstance(values, Expr):
                stack.append((values, values.__class__()))
                copy.set(key, stack[-1][-1])
            elif type(values) is list:
                copy.args[key] = []
                for value in values:
                    if isinstance(value, Expr):
                        stack.append((value, value.__class__()))
                        copy.append(key, stack[-1][-1])
                    else:
                        copy.append(key, value)
            else:
                copy.args[key] = values
    return root


def install() -> bool:
    """Use :func:`expression_deepcopy` for sqlglot trees; True when it is in use."""
    import sqlglot
    from sqlglot.expressions.core import Expression

    if Expression.__deepcopy__ is expression_deepcopy:
        return True
    if str(sqlglot.__version__).split(".")[0] != SQLGLOT_MAJOR:
        return False
    ORIGINAL["__deepcopy__"] = Expression.__deepcopy__
    Expression.__deepcopy__ = expression_deepcopy  # type: ignore[assignment,method-assign]
    return True


_DIALECT_NAMES: dict[type, str] = {}


def dialect_to_string(dialect: Any) -> str:
    """SQLFrame's ``dialect_to_string`` (the registry name of ``dialect``'s class),
    remembered per class.

    SQLFrame looks the name up on every function call it builds (``get_func_from_session``,
    a thousand times in a small run) by inverting ``Dialect.classes``, and sqlglot's
    ``Dialect.classes`` re-imports all 33 dialect modules whenever its registry size differs
    from theirs, which it always does once SQLFrame registered its own (``_duckdbv2``): the
    first call imported the 29 dialects a run never uses, every call went through 33
    ``import_module`` look-ups. The name is found among the dialects already registered
    (the class is registered when it is defined, under one name), else by SQLFrame's own
    function; either way it is the name SQLFrame's function gives.
    """
    from sqlglot.dialects.dialect import Dialect

    kind = type(dialect)
    name = _DIALECT_NAMES.get(kind)
    if name is None:
        found = [key for key, value in Dialect._classes.items() if value is kind]
        name = found[-1] if found else ORIGINAL["dialect_to_string"](dialect)
        _DIALECT_NAMES[kind] = name
    return name


def dialect_names_install() -> None:
    """Use :func:`dialect_to_string` in SQLFrame (process-global, like the session)."""
    from sqlframe.base import util

    if util.dialect_to_string is dialect_to_string:
        return
    ORIGINAL["dialect_to_string"] = util.dialect_to_string
    util.dialect_to_string = dialect_to_string
