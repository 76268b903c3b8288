"""Warning, once per process, that a deprecated operation or argument was used.

The generated method also carries ``@deprecated(note, category=None)`` (PEP 702), so type
checkers flag the call; the runtime warning comes from here instead of from the decorator, so
that it is emitted once per note rather than on every call, and also for deprecated arguments,
which a decorator cannot see.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping

from ._operation import Operation
from ._types import NotGiven

__all__ = ["warn_deprecated"]

_warned: set[str] = set()
# The caller's line: this function, request(), the generated method, then the caller.
_STACKLEVEL = 4


def _warn_once(note: str) -> None:
    if note not in _warned:
        _warned.add(note)
        warnings.warn(note, DeprecationWarning, stacklevel=_STACKLEVEL + 1)


def warn_deprecated(operation: Operation, **given: Mapping[str, object] | object) -> None:
    """Warn for ``operation`` itself and each deprecated argument given a value."""
    if operation.deprecated is not None:
        _warn_once(operation.deprecated)
    for location, name, note in operation.deprecated_params:
        values = given.get(location)
        if isinstance(values, Mapping):
            value = values.get(name)
            if value is not None and not isinstance(value, NotGiven):
                _warn_once(note)
