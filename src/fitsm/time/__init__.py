"""Time shared by every area: service hours and holidays, reporting months, interval
arithmetic in UTC, and durations printed for people.

>>> from fitsm.time import BusinessCalendar
>>> BusinessCalendar.always().zone
'UTC'
"""

from fitsm.time.calendar import BusinessCalendar, Window
from fitsm.time.durations import format_duration, is_wall_clock
from fitsm.time.intervals import Intervals
from fitsm.time.periods import Period, month, months

__all__ = [
    "BusinessCalendar",
    "Intervals",
    "Period",
    "Window",
    "format_duration",
    "is_wall_clock",
    "month",
    "months",
]
