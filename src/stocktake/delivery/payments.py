"""Payment rules of an outcomes fund: how a verified result becomes an amount of money.

Payment errors destroy trust in a results-based scheme, so money here is
always Decimal, every amount is rounded once, at the end, to the currency's
minor unit with ROUND_HALF_UP (the rule most finance ministries' systems
use), and every amount carries the sentence that explains it.

The explanation is stored with the payment, so it is written in English from the templates below (marked
for translation, never translated here): incentives.notes recognises a stored sentence as one of them and
shows it in the reader's language, with its numbers in the reader's format.

A rule is stored as a small JSON object (``{"type": "threshold", ...}``)
so that a scheme keeps exactly the rule it was launched with; parse_rule
reads it and says which field is wrong when it cannot.

Rule types (seed 004, component 3; issue 8):

- price_per_unit: a price per unit of outcome beyond a baseline;
- threshold: all or nothing at a target;
- scalable: the share of the way from floor to target, as World Bank
  disbursement-linked indicators pay, optionally only above a minimum share;
- budget_adjustment: a bonus or a reduction of a budget allocation by a
  percentage, as performance-based transfers to subnational governments do;
- recognition: a commendation with no money;
- combined: the sum of several of the above.

Caps per period and over the scheme are applied to any rule by capped().
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from .text import _, gettext_noop

UP, DOWN = "up", "down"
ROUNDING = ROUND_HALF_UP
ZERO = Decimal("0")


class RuleError(ValueError):
    """A rule that cannot be used, with the field and the reason."""

    def __init__(self, field_name: str, message: str):
        self.field = field_name
        super().__init__(f"{field_name}: {message}")


MAX_DIGITS = 15  # no amount or count a fund handles has more digits than this; quantize overflows far beyond


def money(amount: Decimal, places: int = 2) -> Decimal:
    """Round once, to the currency's minor unit, half away from zero."""
    return Decimal(amount).quantize(Decimal(1).scaleb(-places), rounding=ROUNDING)


def to_decimal(value, field_name: str = "value") -> Decimal:
    """A Decimal from a string, int, Decimal or float (floats through their shortest repr, so 0.1 is 0.1)."""
    if isinstance(value, bool) or value is None:
        raise RuleError(field_name, _("a number is required"))
    if isinstance(value, float):
        value = repr(value)
    try:
        out = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise RuleError(field_name, _("%(value)s is not a number") % {"value": repr(value)}) from None
    if not out.is_finite():
        raise RuleError(field_name, _("%(value)s is not a finite number") % {"value": repr(value)})
    if out and out.adjusted() > MAX_DIGITS:
        raise RuleError(
            field_name,
            _("%(value)s is too large (at most %(max_digits)s digits before the point)")
            % {"value": str(value)[:40], "max_digits": MAX_DIGITS},
        )
    return out


def _fmt(d: Decimal) -> str:
    return f"{d.normalize():,f}" if d == d.to_integral_value() else f"{d:,f}"


# The explanations a rule writes. Numbers are formatted by _fmt (1,234.5); "%%" is a literal percent sign.
PRICE_ABOVE = gettext_noop("%(units)s above the baseline of %(baseline)s at %(price)s per unit")
PRICE_BELOW = gettext_noop("%(units)s below the baseline of %(baseline)s at %(price)s per unit")
TARGET_PAID = gettext_noop("target %(target)s reached (%(value)s): full payment of %(amount)s")
TARGET_MISSED = gettext_noop("target %(target)s not reached (%(value)s): nothing paid")
NO_PROGRESS = gettext_noop("no progress beyond the floor of %(floor)s (%(value)s): nothing paid")
BELOW_MINIMUM = gettext_noop(
    "%(share)s%% of the way from %(floor)s to %(target)s, below the minimum of %(minimum)s%%: nothing paid"
)
SHARE_PAID = gettext_noop("%(share)s%% of the way from %(floor)s to %(target)s: that share of %(amount)s")
BONUS = gettext_noop("target %(target)s reached (%(value)s): bonus of %(bonus)s%% of %(base)s")
REDUCTION = gettext_noop("below the floor of %(floor)s (%(value)s): reduction of %(reduction)s%% of %(base)s")
UNCHANGED = gettext_noop("between floor %(floor)s and target %(target)s (%(value)s): allocation unchanged")
RECOGNISED = gettext_noop("target %(target)s reached: %(label)s (no money)")
NOT_RECOGNISED = gettext_noop("target %(target)s not reached: no recognition")
CAPPED_PERIOD = gettext_noop("capped at %(cap)s per period")
CAPPED_TOTAL = gettext_noop("capped at the scheme's remaining %(room)s of %(total)s")
EXPLANATIONS = (
    PRICE_ABOVE,
    PRICE_BELOW,
    TARGET_PAID,
    TARGET_MISSED,
    NO_PROGRESS,
    BELOW_MINIMUM,
    SHARE_PAID,
    BONUS,
    REDUCTION,
    UNCHANGED,
    RECOGNISED,
    NOT_RECOGNISED,
    CAPPED_PERIOD,
    CAPPED_TOTAL,
)
# Parameters holding a number written by _fmt (the rest, a recognition's label, is text a person typed).
NUMBER_PARAMS = frozenset(
    ("units", "baseline", "price", "target", "value", "amount", "floor", "share", "minimum", "bonus", "base")
    + ("reduction", "cap", "room", "total")
)
# The separator between the parts of one explanation (a combined rule's parts, then its caps).
PART_SEPARATOR = "; "


@dataclass(frozen=True)
class Result:
    """What a rule gives for one result: unrounded money, a reason, and any recognition."""

    amount: Decimal
    explanation: str
    recognition: str = ""
    achieved: bool | None = None


def gain(value: Decimal, baseline: Decimal, direction: str) -> Decimal:
    """Improvement over the baseline in the direction that counts (fewer deaths is a gain)."""
    return value - baseline if direction == UP else baseline - value


def reached(value: Decimal, target: Decimal, direction: str) -> bool:
    return value >= target if direction == UP else value <= target


@dataclass(frozen=True)
class PricePerUnit:
    price: Decimal
    baseline: Decimal
    direction: str = UP
    type = "price_per_unit"

    def evaluate(self, value: Decimal, allocation: Decimal | None = None) -> Result:
        units = max(ZERO, gain(value, self.baseline, self.direction))
        amount = units * self.price
        template = PRICE_ABOVE if self.direction == UP else PRICE_BELOW
        return Result(
            amount,
            template % {"units": _fmt(units), "baseline": _fmt(self.baseline), "price": _fmt(self.price)},
            achieved=units > 0,
        )

    def ceiling(self) -> Decimal | None:
        return None


@dataclass(frozen=True)
class Threshold:
    target: Decimal
    amount: Decimal
    direction: str = UP
    type = "threshold"

    def evaluate(self, value: Decimal, allocation: Decimal | None = None) -> Result:
        if reached(value, self.target, self.direction):
            return Result(
                self.amount,
                TARGET_PAID % {"target": _fmt(self.target), "value": _fmt(value), "amount": _fmt(self.amount)},
                achieved=True,
            )
        return Result(ZERO, TARGET_MISSED % {"target": _fmt(self.target), "value": _fmt(value)}, achieved=False)

    def ceiling(self) -> Decimal | None:
        return self.amount


@dataclass(frozen=True)
class Scalable:
    """A disbursement-linked indicator: pay the share of the way from floor to target."""

    floor: Decimal
    target: Decimal
    amount: Decimal
    min_fraction: Decimal = ZERO
    direction: str = UP
    type = "scalable"

    def fraction(self, value: Decimal) -> Decimal:
        span = gain(self.target, self.floor, self.direction)
        done = gain(value, self.floor, self.direction)
        return min(Decimal(1), max(ZERO, done / span))

    def evaluate(self, value: Decimal, allocation: Decimal | None = None) -> Result:
        f = self.fraction(value)
        share = _fmt((f * 100).quantize(Decimal("0.1"), rounding=ROUNDING))
        span = {"share": share, "floor": _fmt(self.floor), "target": _fmt(self.target)}
        if f == 0:
            return Result(
                ZERO,
                NO_PROGRESS % {"floor": _fmt(self.floor), "value": _fmt(value)},
                achieved=False,
            )
        if f < self.min_fraction:
            return Result(
                ZERO,
                BELOW_MINIMUM % {**span, "minimum": _fmt(self.min_fraction * 100)},
                achieved=False,
            )
        return Result(
            self.amount * f,
            SHARE_PAID % {**span, "amount": _fmt(self.amount)},
            achieved=f == 1,
        )

    def ceiling(self) -> Decimal | None:
        return self.amount


@dataclass(frozen=True)
class BudgetAdjustment:
    """A performance-based transfer: the allocation grows on success and shrinks on failure."""

    allocation: Decimal
    target: Decimal
    bonus_pct: Decimal
    floor: Decimal
    reduction_pct: Decimal = ZERO
    direction: str = UP
    type = "budget_adjustment"

    def evaluate(self, value: Decimal, allocation: Decimal | None = None) -> Result:
        base = allocation if allocation is not None else self.allocation
        if reached(value, self.target, self.direction):
            return Result(
                base * self.bonus_pct / 100,
                BONUS
                % {
                    "target": _fmt(self.target),
                    "value": _fmt(value),
                    "bonus": _fmt(self.bonus_pct),
                    "base": _fmt(base),
                },
                achieved=True,
            )
        if not reached(value, self.floor, self.direction):
            return Result(
                -(base * self.reduction_pct / 100),
                REDUCTION
                % {
                    "floor": _fmt(self.floor),
                    "value": _fmt(value),
                    "reduction": _fmt(self.reduction_pct),
                    "base": _fmt(base),
                },
                achieved=False,
            )
        return Result(
            ZERO,
            UNCHANGED % {"floor": _fmt(self.floor), "target": _fmt(self.target), "value": _fmt(value)},
            achieved=False,
        )

    def ceiling(self) -> Decimal | None:
        return self.allocation * self.bonus_pct / 100


@dataclass(frozen=True)
class Recognition:
    target: Decimal
    label: str
    direction: str = UP
    type = "recognition"

    def evaluate(self, value: Decimal, allocation: Decimal | None = None) -> Result:
        if reached(value, self.target, self.direction):
            return Result(ZERO, RECOGNISED % {"target": _fmt(self.target), "label": self.label}, self.label, True)
        return Result(ZERO, NOT_RECOGNISED % {"target": _fmt(self.target)}, achieved=False)

    def ceiling(self) -> Decimal | None:
        return ZERO


@dataclass(frozen=True)
class Combined:
    parts: tuple = field(default_factory=tuple)
    type = "combined"

    def evaluate(self, value: Decimal, allocation: Decimal | None = None) -> Result:
        results = [p.evaluate(value, allocation) for p in self.parts]
        return Result(
            sum((r.amount for r in results), ZERO),
            PART_SEPARATOR.join(r.explanation for r in results),
            "; ".join(r.recognition for r in results if r.recognition),
            all(r.achieved for r in results),
        )

    def ceiling(self) -> Decimal | None:
        ceilings = [p.ceiling() for p in self.parts]
        return None if any(c is None for c in ceilings) else sum(ceilings, ZERO)


RULE_TYPES = {
    "price_per_unit": "Price per unit of outcome",
    "threshold": "Threshold (all or nothing)",
    "scalable": "Scalable (disbursement-linked)",
    "budget_adjustment": "Budget bonus or reduction",
    "recognition": "Recognition (no money)",
    "combined": "Combined",
}


def _num(
    d: dict,
    key: str,
    *,
    default=None,
    minimum: Decimal | None = None,
    maximum: Decimal | None = None,
    positive: bool = False,
) -> Decimal:
    if key not in d or d[key] in (None, ""):
        if default is not None:
            return default
        raise RuleError(key, _("is required"))
    out = to_decimal(d[key], key)
    if positive and out <= 0:
        raise RuleError(key, _("must be more than 0, not %(out)s") % {"out": _fmt(out)})
    if minimum is not None and out < minimum:
        raise RuleError(
            key, _("must be at least %(minimum)s, not %(out)s") % {"minimum": _fmt(minimum), "out": _fmt(out)}
        )
    if maximum is not None and out > maximum:
        raise RuleError(
            key, _("must be at most %(maximum)s, not %(out)s") % {"maximum": _fmt(maximum), "out": _fmt(out)}
        )
    return out


def parse_rule(d: dict, direction: str = UP):
    """The rule a stored JSON object describes; RuleError names the field at fault."""
    if not isinstance(d, dict):
        raise RuleError("rule", _("must be an object with a 'type'"))
    kind = d.get("type")
    if direction not in (UP, DOWN):
        raise RuleError("direction", _("must be 'up' or 'down', not %(direction)s") % {"direction": repr(direction)})
    if kind == "price_per_unit":
        return PricePerUnit(_num(d, "price", positive=True), _num(d, "baseline"), direction)
    if kind == "threshold":
        return Threshold(_num(d, "target"), _num(d, "amount", positive=True), direction)
    if kind == "scalable":
        scalable = Scalable(
            _num(d, "floor"),
            _num(d, "target"),
            _num(d, "amount", positive=True),
            _num(d, "min_fraction", default=ZERO, minimum=ZERO, maximum=Decimal(1)),
            direction,
        )
        if gain(scalable.target, scalable.floor, direction) <= 0:
            message = (
                _("must be above the floor (%(floor)s) for an indicator where higher is better")
                if direction == UP
                else _("must be below the floor (%(floor)s) for an indicator where lower is better")
            )
            raise RuleError("target", message % {"floor": _fmt(scalable.floor)})
        return scalable
    if kind == "budget_adjustment":
        adjustment = BudgetAdjustment(
            _num(d, "allocation", positive=True),
            _num(d, "target"),
            _num(d, "bonus_pct", minimum=ZERO, maximum=Decimal(100)),
            _num(d, "floor"),
            _num(d, "reduction_pct", default=ZERO, minimum=ZERO, maximum=Decimal(100)),
            direction,
        )
        if gain(adjustment.target, adjustment.floor, direction) < 0:
            raise RuleError(
                "floor", _("must not be better than the target (%(target)s)") % {"target": _fmt(adjustment.target)}
            )
        return adjustment
    if kind == "recognition":
        label = str(d.get("label") or "").strip()
        if not label:
            raise RuleError("label", _("is required: what recognition is given (e.g. 'Top of the league table')"))
        return Recognition(_num(d, "target"), label, direction)
    if kind == "combined":
        parts = d.get("parts")
        if not isinstance(parts, list) or not parts:
            raise RuleError("parts", _("a combined rule needs a list of at least one rule"))
        out = []
        for i, p in enumerate(parts, start=1):
            try:
                out.append(parse_rule(p, direction))
            except RuleError as exc:
                raise RuleError(f"parts[{i}].{exc.field}", str(exc).split(": ", 1)[1]) from None
        return Combined(tuple(out))
    raise RuleError(
        "type",
        _("%(kind)s is not a rule type; use one of %(rule_types)s")
        % {"kind": repr(kind), "rule_types": ", ".join(RULE_TYPES)},
    )


def check_caps(rule, cap_per_period: Decimal | None, cap_total: Decimal | None) -> None:
    """Refuse caps that would make the rule's promise impossible to keep."""
    for name, cap in (("cap_per_period", cap_per_period), ("cap_total", cap_total)):
        if cap is not None and cap <= 0:
            raise RuleError(name, _("must be more than 0, not %(cap)s") % {"cap": _fmt(cap)})
    if cap_total is not None and cap_per_period is not None and cap_total < cap_per_period:
        raise RuleError(
            "cap_total",
            _("%(cap_total)s is below the cap per period (%(cap_per_period)s)")
            % {"cap_total": _fmt(cap_total), "cap_per_period": _fmt(cap_per_period)},
        )
    parts = rule.parts if isinstance(rule, Combined) else (rule,)
    for part in parts:
        if isinstance(part, Threshold):
            for name, cap in (("cap_per_period", cap_per_period), ("cap_total", cap_total)):
                if cap is not None and cap < part.amount:
                    raise RuleError(
                        name,
                        _(
                            "%(cap)s is below the threshold payment of %(amount)s, which could then never be paid in full"
                        )
                        % {"cap": _fmt(cap), "amount": _fmt(part.amount)},
                    )


@dataclass(frozen=True)
class Payment:
    """One period's amount after caps, rounded, with its full explanation."""

    amount: Decimal
    uncapped: Decimal
    explanation: str
    recognition: str = ""


def capped(
    result: Result,
    *,
    cap_per_period: Decimal | None = None,
    cap_total: Decimal | None = None,
    paid_so_far: Decimal = ZERO,
    places: int = 2,
) -> Payment:
    """Apply the caps to a rule's result and round once.

    Caps limit what is paid, never what is taken back: a reduction is not
    capped. paid_so_far is what the scheme has already paid (net).
    """
    amount = result.amount
    notes = [result.explanation]
    if amount > 0 and cap_per_period is not None and amount > cap_per_period:
        amount = cap_per_period
        notes.append(CAPPED_PERIOD % {"cap": _fmt(cap_per_period)})
    if amount > 0 and cap_total is not None:
        room = max(ZERO, cap_total - paid_so_far)
        if amount > room:
            amount = room
            notes.append(CAPPED_TOTAL % {"room": _fmt(room), "total": _fmt(cap_total)})
    rounded = money(amount, places)
    if cap_total is not None and rounded > 0 and paid_so_far + rounded > cap_total:
        rounded = money(max(ZERO, cap_total - paid_so_far), places)  # never let rounding breach a cap
    return Payment(rounded, money(result.amount, places), PART_SEPARATOR.join(notes), result.recognition)


def compute(
    rule, value, *, cap_per_period=None, cap_total=None, paid_so_far=ZERO, allocation=None, places: int = 2
) -> Payment:
    """The payment a verified value earns under a rule and its caps."""
    return capped(
        rule.evaluate(to_decimal(value), allocation),
        cap_per_period=cap_per_period,
        cap_total=cap_total,
        paid_so_far=paid_so_far,
        places=places,
    )


def sample_passes(checked: int, eligible: int, threshold: Decimal) -> bool:
    """K-WASH style verification: pay only if at least `threshold` (a share, 0.8) of checked results are eligible."""
    if checked <= 0:
        raise RuleError("checked", _("at least one reported result must be checked"))
    if not 0 <= eligible <= checked:
        raise RuleError(
            "eligible",
            _("must be between 0 and the %(checked)s checked, not %(eligible)s")
            % {"checked": checked, "eligible": eligible},
        )
    return Decimal(eligible) >= threshold * checked


def shortfall(budget: Decimal, committed: Decimal, amount: Decimal) -> Decimal:
    """How much more budget a commitment or payment of `amount` would need (0 if it fits)."""
    return max(ZERO, committed + amount - budget)


def net(amounts) -> Decimal:
    return sum((Decimal(a) for a in amounts), ZERO)
