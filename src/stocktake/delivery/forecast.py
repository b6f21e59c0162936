"""Where the current path will land: forecasts from recent actuals, with honest uncertainty.

Two methods, both ordinary least squares so that the prediction interval
comes from textbook formulas anyone can check:

    linear     value = a + b*t                       (t in years)
    seasonal   value = a + b*t + one offset per season (month of year, quarter)

Given the baseline date (`break_at`), both add a hinge c*max(0, t - t0):
the programme may have changed the trend when it started, so the path
ahead follows the slope since the baseline (b + c), while the history
before it still pins down the level, the season and the noise.

Residuals of monthly data are rarely independent (a bad month is followed
by another), which makes textbook intervals too narrow. The uncertainty of
the fitted trend is therefore inflated by (1 + r) / (1 - r), r the lag-one
autocorrelation of the residuals (0 <= r <= 0.9), the usual large-sample
correction for AR(1) errors.

The seasonal method is used only where the data show a clear season: an F
test of the season terms against the linear fit at the 5% level, with at
least two full years of data. Otherwise a season fitted to noise would widen
nothing and mislead everyone.

The probability of meeting the target is read from the forecast's Student-t
distribution at the target date, in the direction that counts.

Only the standard library is used: the series are short (tens of points),
so a few small matrices are cheaper to carry than numpy/scipy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from typing import Callable, Sequence

LINEAR, SEASONAL = "linear", "seasonal"
DEFAULT_LEVEL = 0.8  # an 80% band: wide enough to be honest, narrow enough to be useful
SEASON_P_VALUE = 0.05
MIN_POINTS = 4


class ForecastError(ValueError):
    pass


# --- Student's t and Fisher's F from the regularised incomplete beta function ---------------------------------

def _betacf(a: float, b: float, x: float) -> float:
    """Continued fraction for the incomplete beta function (modified Lentz)."""
    tiny, eps = 1e-300, 3e-15
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 300):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < eps:
            break
    return h


def betainc(a: float, b: float, x: float) -> float:
    """Regularised incomplete beta I_x(a, b)."""
    if x <= 0:
        return 0.0
    if x >= 1:
        return 1.0
    front = math.exp(math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x))
    if x < (a + 1) / (a + b + 2):
        return front * _betacf(a, b, x) / a
    return 1.0 - front * _betacf(b, a, 1.0 - x) / b


def t_cdf(t: float, df: float) -> float:
    if df <= 0:
        raise ForecastError("degrees of freedom must be positive")
    tail = 0.5 * betainc(df / 2, 0.5, df / (df + t * t))
    return 1.0 - tail if t > 0 else tail


def t_quantile(p: float, df: float) -> float:
    """Inverse of t_cdf by bisection: slow in theory, a few microseconds in practice."""
    if not 0 < p < 1:
        raise ForecastError("probability must lie strictly between 0 and 1")
    lo, hi = -1e3, 1e3
    for _ in range(200):
        mid = (lo + hi) / 2
        if t_cdf(mid, df) < p:
            lo = mid
        else:
            hi = mid
        if hi - lo < 1e-10:
            break
    return (lo + hi) / 2


def f_sf(f: float, d1: float, d2: float) -> float:
    """P(F > f) for Fisher's F with d1, d2 degrees of freedom."""
    if f <= 0:
        return 1.0
    return betainc(d2 / 2, d1 / 2, d2 / (d2 + d1 * f))


# --- least squares -------------------------------------------------------------------------------------------

def _invert(m: list[list[float]]) -> list[list[float]]:
    n = len(m)
    a = [row[:] + [1.0 if i == j else 0.0 for j in range(n)] for i, row in enumerate(m)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(a[r][col]))
        if abs(a[pivot][col]) < 1e-12:
            raise ForecastError("the series cannot support this model (singular design)")
        a[col], a[pivot] = a[pivot], a[col]
        pv = a[col][col]
        a[col] = [v / pv for v in a[col]]
        for r in range(n):
            if r != col and a[r][col] != 0.0:
                factor = a[r][col]
                a[r] = [rv - factor * cv for rv, cv in zip(a[r], a[col])]
    return [row[n:] for row in a]


@dataclass
class Fit:
    beta: list[float]
    xtx_inv: list[list[float]]
    rss: float
    n: int
    k: int
    residuals: list[float] = field(default_factory=list)

    @property
    def df(self) -> int:
        return self.n - self.k

    @property
    def sigma2(self) -> float:
        return self.rss / self.df if self.df > 0 else float("nan")

    def predict(self, x: Sequence[float], inflation: float = 1.0) -> tuple[float, float]:
        """Mean and standard error of a new observation at x."""
        mean = sum(b * v for b, v in zip(self.beta, x))
        lever = sum(x[i] * sum(self.xtx_inv[i][j] * x[j] for j in range(self.k)) for i in range(self.k))
        return mean, math.sqrt(max(self.sigma2 * (1.0 + inflation * lever), 0.0))

    @property
    def autocorrelation(self) -> float:
        """Lag-one autocorrelation of the residuals, clipped to [0, 0.9]."""
        e = self.residuals
        den = sum(v * v for v in e)
        if len(e) < 3 or den == 0:
            return 0.0
        return min(0.9, max(0.0, sum(a * b for a, b in zip(e, e[1:])) / den))


def ols(rows: Sequence[Sequence[float]], y: Sequence[float]) -> Fit:
    n, k = len(rows), len(rows[0])
    if n <= k:
        raise ForecastError(f"{n} points cannot fit a model with {k} terms")
    xtx = [[sum(r[i] * r[j] for r in rows) for j in range(k)] for i in range(k)]
    xty = [sum(r[i] * v for r, v in zip(rows, y)) for i in range(k)]
    inv = _invert(xtx)
    beta = [sum(inv[i][j] * xty[j] for j in range(k)) for i in range(k)]
    residuals = [v - sum(b * x for b, x in zip(beta, r)) for r, v in zip(rows, y)]
    return Fit(beta, inv, sum(e * e for e in residuals), n, k, residuals)


# --- the forecast --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ForecastPoint:
    on: date
    mean: float
    low: float
    high: float
    se: float


@dataclass
class Forecast:
    method: str
    level: float
    df: int
    points: list[ForecastPoint] = field(default_factory=list)
    slope_per_year: float = 0.0
    season_p_value: float | None = None

    def at(self, on: date) -> ForecastPoint | None:
        for p in self.points:
            if p.on == on:
                return p
        return self.points[-1] if self.points else None

    def probability(self, target: float, direction: str, on: date | None = None) -> float | None:
        """Chance that the actual value at `on` (default: the last point) meets the target."""
        p = self.at(on) if on else (self.points[-1] if self.points else None)
        if p is None:
            return None
        if p.se == 0:
            met = p.mean >= target if direction == "up" else p.mean <= target
            return 1.0 if met else 0.0
        z = (target - p.mean) / p.se
        below = t_cdf(z, self.df)
        return 1.0 - below if direction == "up" else below


def _years(origin: date, d: date) -> float:
    return (d - origin).days / 365.25


def _design(t: float, season: int | None, n_seasons: int | None, hinge: float | None = None) -> list[float]:
    row = [1.0, t]
    if hinge is not None:
        row.append(max(0.0, t - hinge))
    if n_seasons:
        row += [1.0 if season == s else 0.0 for s in range(1, n_seasons)]  # season 0 is the reference
    return row


def _hinge(points, origin: date, break_at: date | None) -> float | None:
    """The break in years from origin, if there are enough points on both sides to fit it."""
    if break_at is None:
        return None
    before = sum(1 for d, _ in points if d <= break_at)
    after = len(points) - before
    return _years(origin, break_at) if before >= 3 and after >= 3 else None


def fit_linear(points: Sequence[tuple[date, float]], origin: date, hinge: float | None = None) -> Fit:
    return ols([_design(_years(origin, d), None, None, hinge) for d, _ in points], [v for _, v in points])


def fit_seasonal(points, origin: date, season_of: Callable[[date], int], n_seasons: int,
                 hinge: float | None = None) -> Fit:
    return ols([_design(_years(origin, d), season_of(d), n_seasons, hinge) for d, _ in points],
               [v for _, v in points])


def season_test(points, season_of: Callable[[date], int], n_seasons: int, break_at: date | None = None) -> float | None:
    """p-value of the season terms over the linear fit; None when the data are too short to judge."""
    if len(points) < 2 * n_seasons + 3:
        return None
    origin = points[0][0]
    hinge = _hinge(points, origin, break_at)
    try:
        lin = fit_linear(points, origin, hinge)
        sea = fit_seasonal(points, origin, season_of, n_seasons, hinge)
    except ForecastError:
        return None
    if sea.df <= 0 or sea.rss <= 0:
        return 0.0 if sea.rss <= 0 < lin.rss else None
    extra = sea.k - lin.k
    f = ((lin.rss - sea.rss) / extra) / (sea.rss / sea.df)
    return f_sf(f, extra, sea.df)


def month_of(d: date) -> int:
    return d.month - 1


def quarter_of(d: date) -> int:
    return (d.month - 1) // 3


SEASONS = {"M": (month_of, 12), "Q": (quarter_of, 4)}


def forecast(points: Sequence[tuple[date, float]], horizon: Sequence[date], *, frequency: str | None = None,
             level: float = DEFAULT_LEVEL, method: str | None = None, break_at: date | None = None) -> Forecast:
    """Project `points` [(period end, value)] to every date in `horizon`.

    method None chooses: seasonal when the frequency has seasons and the
    F test finds a clear one, linear otherwise. break_at (the baseline
    date) lets the trend change there.
    """
    points = sorted((d, float(v)) for d, v in points if v is not None)
    if len(points) < MIN_POINTS:
        raise ForecastError(f"a forecast needs at least {MIN_POINTS} values; there are {len(points)}")
    if not 0 < level < 1:
        raise ForecastError("the interval level must lie strictly between 0 and 1")
    season_of, n_seasons = SEASONS.get(frequency or "", (None, None))
    p_value = season_test(points, season_of, n_seasons, break_at) if season_of else None
    if method is None:
        method = SEASONAL if (p_value is not None and p_value < SEASON_P_VALUE) else LINEAR
    if method == SEASONAL and not season_of:
        raise ForecastError(f"no seasonal method for frequency {frequency!r}")
    origin = points[0][0]
    hinge = _hinge(points, origin, break_at)
    if method == SEASONAL:
        fit = fit_seasonal(points, origin, season_of, n_seasons, hinge)
    elif method == LINEAR:
        fit = fit_linear(points, origin, hinge)
    else:
        raise ForecastError(f"unknown forecast method {method!r}; use {LINEAR} or {SEASONAL}")
    r = fit.autocorrelation
    inflation = (1 + r) / (1 - r)
    q = t_quantile(0.5 + level / 2, fit.df)
    out = []
    for d in horizon:
        x = _design(_years(origin, d), season_of(d) if method == SEASONAL else None,
                    n_seasons if method == SEASONAL else None, hinge)
        mean, se = fit.predict(x, inflation)
        out.append(ForecastPoint(d, mean, mean - q * se, mean + q * se, se))
    slope = fit.beta[1] + (fit.beta[2] if hinge is not None else 0.0)
    return Forecast(method, level, fit.df, out, slope, p_value)


def recent(points: Sequence[tuple[date, float]], since: date | None, minimum: int = 8) -> list[tuple[date, float]]:
    """The actuals the forecast should learn from: those after the baseline, or the last `minimum` if fewer.

    Before the baseline the delivery programme had not started, so its trend
    says little about where the programme is heading.
    """
    pts = sorted((d, v) for d, v in points if v is not None)
    after = [p for p in pts if since is None or p[0] > since]
    return after if len(after) >= minimum else pts[-minimum:]
