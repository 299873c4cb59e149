"""Time shared by every area: service hours and holidays, reporting months, intervals in UTC.

>>> from fitsm.time import BusinessCalendar
>>> BusinessCalendar.always().zone
'UTC'
"""

from fitsm.time.calendar import BusinessCalendar, Window
from fitsm.time.intervals import Intervals
from fitsm.time.periods import Period, month, months

__all__ = ["BusinessCalendar", "Intervals", "Period", "Window", "month", "months"]
