"""Money: an exact amount in one currency, and splitting it into parts that add up.

Service financial management (003: "the service's total cost of ownership (TCO),
charging model and recoverability position") reports money, so every amount is
a :class:`~decimal.Decimal` with an ISO 4217 currency code; floats are refused.
Adding or comparing two currencies is an error that names both.

>>> Money("1200.50", "EUR") + Money("99.50", "EUR")
Money('1300.00', 'EUR')
>>> str(Money("4180", "EUR"))
'EUR 4,180.00'
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import MAX_PREC, ROUND_HALF_EVEN, Context, Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

import attrs

from fitsm._validators import shown
from fitsm.errors import ValidationError

__all__ = [
    "MINOR_UNITS",
    "Money",
    "exact",
    "largest_remainder",
    "minor_digits",
    "to_minor",
    "total",
]

MINOR_UNITS: dict[str, int] = {
    "BHD": 3,
    "CLP": 0,
    "ISK": 0,
    "JOD": 3,
    "JPY": 0,
    "KRW": 0,
    "KWD": 3,
    "OMR": 3,
    "TND": 3,
    "VND": 0,
}
"""Digits after the point of the currencies whose minor unit is not the cent (ISO 4217);
every other currency has two."""


_EXACT = Context(prec=MAX_PREC)
"""Decimal arithmetic without rounding: sums and products of money are exact at any size."""


def minor_digits(currency: str) -> int:
    """How many digits the minor unit of ``currency`` has (2 unless :data:`MINOR_UNITS` says)."""
    return MINOR_UNITS.get(currency, 2)


def exact(value: Any, what: str = "an amount") -> Fraction:
    """``value`` (int, Decimal, Fraction or a decimal string) as an exact fraction.

    Floats are refused: ``0.1`` is not one tenth in binary.
    """
    if isinstance(value, bool | float):
        raise ValidationError(
            f"{what} must be exact (an int, a Decimal, a Fraction or a decimal string such "
            f"as '12.50'), not a float or bool; got {shown(value)}"
        )
    if isinstance(value, int | Fraction):
        return Fraction(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValidationError(f"{what} must be finite, got {shown(value)}")
        return Fraction(value)
    if isinstance(value, str):
        try:
            parsed = Decimal(value.strip().replace("_", ""))
        except InvalidOperation:
            parsed = None
        if parsed is not None and parsed.is_finite():
            return Fraction(parsed)
    raise ValidationError(
        f"{what} must be an int, a Decimal, a Fraction or a decimal string, got {shown(value)}"
    )


def _amount(value: Any) -> Decimal:
    if type(value) is Decimal:  # the common case, checked without a detour through Fraction
        if not value.is_finite():
            raise ValidationError(f"a money amount must be finite, got {shown(value)}")
        return value
    if isinstance(value, Fraction):
        places = _places(value.denominator)
        if places is None:
            raise ValidationError(
                f"a money amount must be a terminating decimal, got {value} (round it first)"
            )
        # exact: numerator * 10**places / denominator is a whole number
        return _EXACT.scaleb(Decimal(value.numerator * 10**places // value.denominator), -places)
    exact(value, "a money amount")
    return value if isinstance(value, Decimal) else Decimal(str(value).strip().replace("_", ""))


def _places(denominator: int) -> int | None:
    """The digits after the point a fraction with ``denominator`` needs, or None if it recurs."""
    twos = fives = 0
    while denominator % 2 == 0:
        denominator //= 2
        twos += 1
    while denominator % 5 == 0:
        denominator //= 5
        fives += 1
    return max(twos, fives) if denominator == 1 else None


def _currency(value: Any) -> str:
    if not isinstance(value, str) or len(value) != 3 or not value.isascii() or not value.isupper():
        raise ValidationError(
            f"a currency is an ISO 4217 code of three capital letters such as 'EUR', "
            f"got {shown(value)}",
            field="currency",
        )
    if not value.isalpha():
        raise ValidationError(
            f"a currency is three letters such as 'EUR', got {shown(value)}", field="currency"
        )
    return value


@attrs.frozen(order=False, repr=False)
class Money:
    """An exact amount of one currency.

    The amount may carry more digits than the currency's minor unit (a unit price
    of EUR 0.0125); :meth:`rounded` gives it to the cent. Arithmetic between two
    amounts needs one currency; multiplying by a number is exact.
    """

    amount: Decimal = attrs.field(converter=_amount)
    currency: str = attrs.field(validator=lambda _i, _a, v: _currency(v))

    @classmethod
    def zero(cls, currency: str) -> Money:
        """Nothing, in ``currency``."""
        return cls(Decimal(0), currency)

    @classmethod
    def of_minor(cls, units: int, currency: str) -> Money:
        """``units`` minor units (cents) of ``currency``: ``Money.of_minor(1999, "EUR")`` is
        EUR 19.99."""
        return cls(_EXACT.scaleb(Decimal(units), -minor_digits(currency)), currency)

    def _same(self, other: Money, doing: str) -> None:
        if not isinstance(other, Money):
            raise ValidationError(f"cannot {doing} {self} and {shown(other)}: expected Money")
        if other.currency != self.currency:
            raise ValidationError(
                f"cannot {doing} {self.currency} and {other.currency} ({self} and {other}); "
                "expected amounts in one currency"
            )

    def __add__(self, other: Money) -> Money:
        self._same(other, "add")
        return Money(_EXACT.add(self.amount, other.amount), self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other, "subtract")
        return Money(_EXACT.subtract(self.amount, other.amount), self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __mul__(self, factor: int | Decimal) -> Money:
        if isinstance(factor, bool) or not isinstance(factor, int | Decimal):
            raise ValidationError(
                f"money is multiplied by an int or a Decimal, got {shown(factor)}"
            )
        return Money(_EXACT.multiply(self.amount, Decimal(factor)), self.currency)

    __rmul__ = __mul__

    def __lt__(self, other: Money) -> bool:
        self._same(other, "compare")
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._same(other, "compare")
        return self.amount <= other.amount

    def __gt__(self, other: Money) -> bool:
        self._same(other, "compare")
        return self.amount > other.amount

    def __ge__(self, other: Money) -> bool:
        self._same(other, "compare")
        return self.amount >= other.amount

    def rounded(self) -> Money:
        """To the currency's minor unit, half to even (banker's rounding)."""
        return Money.of_minor(self.minor, self.currency)

    @property
    def minor(self) -> int:
        """The amount in minor units (cents), rounded half to even."""
        # shifting the exponent in a context of unlimited precision is exact at any size
        scaled = _EXACT.scaleb(self.amount, MINOR_UNITS.get(self.currency, 2))
        whole = int(scaled)
        if scaled == whole:  # the common case: no digits beyond the minor unit
            return whole
        return int(scaled.to_integral_value(rounding=ROUND_HALF_EVEN))

    def __str__(self) -> str:
        digits = minor_digits(self.currency)
        _, figures, exponent = self.amount.as_tuple()
        assert isinstance(exponent, int)  # a Money amount is finite
        zeros = len(figures) - len("".join(map(str, figures)).rstrip("0"))
        # at least the minor unit's digits; more where the amount has them (unit prices)
        places = max(digits, -(exponent + zeros))
        return f"{self.currency} {self.amount:,.{places}f}"

    def __repr__(self) -> str:
        return f"Money({str(self.amount)!r}, {self.currency!r})"


def to_minor(value: Fraction, currency: str) -> int:
    """An exact amount in minor units of ``currency``, rounded half to even.

    >>> to_minor(Fraction(1000, 12), "EUR")  # 83.3333... -> 8333 cents
    8333
    """
    scaled = value * 10 ** minor_digits(currency)
    scaled_minor: int = round(scaled)  # Fraction.__round__ rounds half to even
    return scaled_minor


def total(amounts: Iterable[Money], currency: str) -> Money:
    """The sum of ``amounts`` (all in ``currency``); zero when there are none."""
    result = Money.zero(currency)
    for amount in amounts:
        result = result + amount
    return result


def largest_remainder(whole: int, weights: Sequence[Fraction], keys: Sequence[str]) -> list[int]:
    """Split ``whole`` minor units in proportion to ``weights``, exactly: the parts add up to
    ``whole``.

    The rule (largest remainder, also Hamilton's method): each part is first
    rounded down to a whole minor unit; the units left over go one each to the
    parts with the largest fractional remainders; equal remainders go by ``keys``
    in ascending order. Weights must be >= 0 with a positive sum.

    >>> largest_remainder(1000, [Fraction(1)] * 3, ["a", "b", "c"])
    [334, 333, 333]
    """
    weight_sum = sum(weights, Fraction(0))
    if weight_sum <= 0 or any(w < 0 for w in weights):
        raise ValidationError(
            f"weights must be >= 0 with a positive sum to split {whole} by, got "
            f"{[str(w) for w in weights]}"
        )
    parts: list[int] = []
    remainders: list[Fraction] = []
    for w in weights:
        share = whole * w / weight_sum
        floor = share.numerator // share.denominator
        parts.append(floor)
        remainders.append(share - floor)
    left = whole - sum(parts)
    order = sorted(range(len(parts)), key=lambda i: (-remainders[i], keys[i]))
    for i in order[:left]:
        parts[i] += 1
    return parts
