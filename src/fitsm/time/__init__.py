"""Time shared by every area: service hours and holidays, and interval arithmetic in UTC.

>>> from fitsm.time import BusinessCalendar
>>> BusinessCalendar.always().zone
'UTC'
"""

from fitsm.time.calendar import BusinessCalendar, Window
from fitsm.time.intervals import Intervals

__all__ = ["BusinessCalendar", "Intervals", "Window"]
