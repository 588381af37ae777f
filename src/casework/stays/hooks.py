"""Listeners of stay changes, registered at start-up by the contexts above stays (ADR
0005: a lower context never imports a higher one; the higher one registers itself).

Every change of a stay (admit, register, transfer, discharge, class change, update, each
cancel, merge) ends in `stay_clocks_sync` (`stay_clocks_start` for a new stay), which
calls each listener with the stay, in the change's transaction: a listener's writes
commit or roll back with the change.
"""

from collections.abc import Callable

from casework.stays.models import Stay

type StayListener = Callable[[Stay], None]

STAY_LISTENERS: list[StayListener] = []


def stay_change_listen(listener: StayListener) -> None:
    """Call `listener(stay)` after every change of a stay (once per listener)."""
    if listener not in STAY_LISTENERS:
        STAY_LISTENERS.append(listener)


def stay_changed_notify(stay: Stay) -> None:
    for listener in STAY_LISTENERS:
        listener(stay)
