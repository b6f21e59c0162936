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
by another), which makes textbook intervals too narrow. The errors are
therefore treated as AR(1), and the band uses the exact finite-sample
moments for the design at hand rather than large-sample shortcuts, because
the series are short and the designs wide (a trend, a hinge and eleven
season offsets on 30 months). The old shortcut, inflating the trend
uncertainty by (1 + r) / (1 - r) with r the raw residual autocorrelation,
left the 80% band holding the actual value 68% of the time in the back-test
(docs/forecast-backtest.md) for three reasons, each now handled:

  - the fit soaks up the slow swings of the noise, so the residuals are
    smaller and less autocorrelated than the errors. phi is the value whose
    expected residual autocorrelation, for this design, matches the observed
    one, and the noise variance is RSS / tr(M R), not RSS / (n - k);
  - the noise reaches the forecast twice, through the fitted line and in
    the new value, and the two are correlated (the line was drawn through
    the last few points). The forecast variance is s2 (1 + x'A R A'x -
    2 x'A r), A = (X'X)^-1 X' and R, r the AR(1) correlations: exact for
    AR(1) errors, with Satterthwaite degrees of freedom for the t;
  - phi is itself estimated from a few dozen residuals, and the variance
    grows faster than linearly in it, so it is averaged over phi's spread.

At phi = 0 the moments are the textbook ones (RSS / (n - k), (X'X)^-1,
n - k degrees of freedom); averaging over phi's spread still allows for some
autocorrelation nobody can rule out from 30 points, so a series of
independent noise gets a band a little wider than the textbook one (about
83% rather than 80%): the price of not being too narrow on the rest.

What the band cannot see is a trajectory that bends after the baseline (an
S-curve, a staged plan, a ceiling): the straight path since the baseline
then misses in one direction, and its residuals gave no warning.

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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

from . import text
from .text import _, gettext_noop

LINEAR, SEASONAL = "linear", "seasonal"
# The methods' names as pages say them ("{method} forecast"), translated where shown.
METHOD_NAMES = {LINEAR: gettext_noop("linear"), SEASONAL: gettext_noop("seasonal")}
DEFAULT_LEVEL = 0.8  # an 80% band: wide enough to be honest, narrow enough to be useful
SEASON_P_VALUE = 0.05
MIN_POINTS = 4
PHI_MAX = 0.9  # beyond this an AR(1) is close to a random walk, which a trend model should not pretend to be
STEP_DAYS = {"D": 1.0, "W": 7.0, "M": 365.25 / 12, "Q": 365.25 / 4, "Y": 365.25, "FY": 365.25}


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
        raise ForecastError(_("degrees of freedom must be positive"))
    tail = 0.5 * betainc(df / 2, 0.5, df / (df + t * t))
    return 1.0 - tail if t > 0 else tail


def t_quantile(p: float, df: float) -> float:
    """Inverse of t_cdf by bisection: slow in theory, a few microseconds in practice."""
    if not 0 < p < 1:
        raise ForecastError(_("probability must lie strictly between 0 and 1"))
    lo, hi = -1e3, 1e3
    for _step in range(200):
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
            raise ForecastError(text._("the series cannot support this model (singular design)"))
        a[col], a[pivot] = a[pivot], a[col]
        pv = a[col][col]
        a[col] = [v / pv for v in a[col]]
        for r in range(n):
            if r != col and a[r][col] != 0.0:
                factor = a[r][col]
                a[r] = [rv - factor * cv for rv, cv in zip(a[r], a[col])]
    return [row[n:] for row in a]


@dataclass
class Noise:
    """The AR(1) error model the residuals point to, in the form the prediction needs."""

    phi: float  # lag-one autocorrelation of the errors, corrected for what the fit soaked up
    sigma2: float  # variance of one observation around the true trend, RSS / tr(M R)
    df: float  # effective degrees of freedom of sigma2 (Satterthwaite); n - k for independent errors
    draws: list[tuple[float, float, float, list[list[float]]]]  # (weight, phi, sigma2, A R A') over phi's spread


@dataclass
class Fit:
    beta: list[float]
    xtx_inv: list[list[float]]
    rss: float
    n: int
    k: int
    residuals: list[float] = field(default_factory=list)
    rows: list[list[float]] = field(default_factory=list)
    positions: list[int] = field(default_factory=list)  # period number of each row, for the lags between them
    _a: list[list[float]] | None = field(default=None, init=False, repr=False, compare=False)
    _noise: Noise | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def df(self) -> int:
        return self.n - self.k

    @property
    def sigma2(self) -> float:
        """The textbook RSS / (n - k), right only for independent errors; the forecast uses noise.sigma2."""
        return self.rss / self.df if self.df > 0 else float("nan")

    @property
    def autocorrelation(self) -> float:
        """Lag-one autocorrelation of the residuals as they are, clipped to [0, PHI_MAX]."""
        e = self.residuals
        den = sum(v * v for v in e)
        if len(e) < 3 or den == 0:
            return 0.0
        return min(PHI_MAX, max(0.0, sum(a * b for a, b in zip(e, e[1:])) / den))

    @property
    def a(self) -> list[list[float]]:
        """A = (X'X)^-1 X' (k x n), so that b - beta = A e."""
        if self._a is None:
            g, k = self.xtx_inv, self.k
            self._a = [[sum(g[i][j] * r[j] for j in range(k)) for r in self.rows] for i in range(k)]
        return self._a

    @property
    def noise(self) -> Noise:
        if self._noise is None:
            self._noise = _ar1_noise(self)
        return self._noise

    def predict(self, x: Sequence[float], position: int | None = None) -> tuple[float, float]:
        """Mean and standard error of a new observation at x, `position` periods after the first row.

        The forecast misses by x'(b - beta) - e_new. With AR(1) errors the
        first part has variance x' A R A' x, not the textbook x'(X'X)^-1 x,
        and the two parts are correlated: the line was drawn through the last
        few points, whose errors e_new still shares (the 2 x'A r term).
        Without a position e_new is taken as independent of the data, which
        errs on the wide side.
        """
        mean = sum(b * v for b, v in zip(self.beta, x))
        k, noise = self.k, self.noise
        weights = [sum(x[i] * col[i] for i in range(k)) for col in zip(*self.a)] if position is not None else []
        var = 0.0
        for w, phi, sigma2, cov in noise.draws:
            spread = sum(x[i] * sum(cov[i][j] * x[j] for j in range(k)) for i in range(k))
            shared = 0.0
            if phi > 0 and position is not None:
                shared = sum(v * phi ** abs(position - p) for v, p in zip(weights, self.positions))
            var += w * sigma2 * (1.0 + spread - 2.0 * shared)
        return mean, math.sqrt(max(var, 0.0))


def ols(rows: Sequence[Sequence[float]], y: Sequence[float], positions: Sequence[int] | None = None) -> Fit:
    n, k = len(rows), len(rows[0])
    if n <= k:
        raise ForecastError(text._("%(n)s points cannot fit a model with %(k)s terms") % {"n": n, "k": k})
    xtx = [[sum(r[i] * r[j] for r in rows) for j in range(k)] for i in range(k)]
    xty = [sum(r[i] * v for r, v in zip(rows, y)) for i in range(k)]
    inv = _invert(xtx)
    beta = [sum(inv[i][j] * xty[j] for j in range(k)) for i in range(k)]
    residuals = [v - sum(b * x for b, x in zip(beta, r)) for r, v in zip(rows, y)]
    return Fit(
        beta,
        inv,
        sum(e * e for e in residuals),
        n,
        k,
        residuals,
        [list(r) for r in rows],
        list(positions) if positions is not None else list(range(n)),
    )


# --- AR(1) errors: exact moments for the design at hand -----------------------------------------------------
#
# With e = M eps the residuals (M = I - H, H = X A the hat matrix) and Var eps = s2 R, R[s][t] = phi^|lag|:
#     E[e'e]             = s2 tr(M R)
#     E[sum e_t e_t+1]   = s2 tr(M D M R)        (D: 1/2 beside the diagonal)
#     Var(e'e)           = 2 s2^2 tr(M R M R)
# For independent errors these are the textbook n - k and 2 (n - k).


def _apply_r(v: Sequence[float], positions: Sequence[int], phi: float) -> list[float]:
    """R(phi) v in O(n): phi^|p_s - p_t| factorises along the sorted positions, gaps included."""
    n = len(v)
    fwd, bwd = [0.0] * n, [0.0] * n
    for s in range(n):
        fwd[s] = v[s] + (phi ** (positions[s] - positions[s - 1]) * fwd[s - 1] if s else 0.0)
    for s in range(n - 1, -1, -1):
        bwd[s] = v[s] + (phi ** (positions[s + 1] - positions[s]) * bwd[s + 1] if s < n - 1 else 0.0)
    return [f + b - x for f, b, x in zip(fwd, bwd, v)]


def _lag_polynomials(fit: Fit) -> tuple[dict[int, float], dict[int, float]]:
    """tr(M R) and tr(M D M R) as polynomials in phi: {lag: sum of the matrix's entries at that lag}."""
    n, k, rows, a, pos = fit.n, fit.k, fit.rows, fit.a, fit.positions
    nonzero = [[(i, v) for i, v in enumerate(r) if v != 0.0] for r in rows]  # seasonal rows are mostly zeros
    hat = [[sum(v * a[i][t] for i, v in nz) for t in range(n)] for nz in nonzero]
    # M D M = D - H D - D H + X (A D X) A
    dx = [
        [0.5 * ((rows[t - 1][j] if t > 0 else 0.0) + (rows[t + 1][j] if t + 1 < n else 0.0)) for j in range(k)]
        for t in range(n)
    ]
    adx = [[sum(a[i][t] * dx[t][j] for t in range(n)) for j in range(k)] for i in range(k)]
    adxa = [[sum(adx[i][j] * a[j][t] for j in range(k)) for t in range(n)] for i in range(k)]
    m_poly: dict[int, float] = {0: float(n)}
    mdm_poly: dict[int, float] = {}
    for s in range(n):
        hs, nz = hat[s], nonzero[s]
        for t in range(n):
            lag = abs(pos[s] - pos[t])
            m_poly[lag] = m_poly.get(lag, 0.0) - hs[t]
            hd_st = 0.5 * ((hs[t - 1] if t > 0 else 0.0) + (hs[t + 1] if t + 1 < n else 0.0))
            hd_ts = 0.5 * ((hat[t][s - 1] if s > 0 else 0.0) + (hat[t][s + 1] if s + 1 < n else 0.0))
            value = (0.5 if abs(s - t) == 1 else 0.0) - hd_st - hd_ts + sum(v * adxa[i][t] for i, v in nz)
            mdm_poly[lag] = mdm_poly.get(lag, 0.0) + value
    return m_poly, mdm_poly


def _poly(coefs: dict[int, float], phi: float) -> float:
    return sum(c * phi**lag for lag, c in coefs.items())


def _moments(fit: Fit, phi: float) -> tuple[float, float, list[list[float]]]:
    """sigma2, its Satterthwaite degrees of freedom and A R A' if the errors were AR(1) with this phi."""
    if phi == 0.0:
        return fit.rss / fit.df, float(fit.df), [row[:] for row in fit.xtx_inv]
    n, k, rows, a, pos = fit.n, fit.k, fit.rows, fit.a, fit.positions
    ar = [_apply_r(row, pos, phi) for row in a]  # A R (k x n)
    rx = list(zip(*[_apply_r(col, pos, phi) for col in zip(*rows)]))  # R X (n x k)
    cov = [[sum(u * v for u, v in zip(ar[i], a[j])) for j in range(k)] for i in range(k)]
    arx = [[sum(ar[i][t] * rows[t][j] for t in range(n)) for j in range(k)] for i in range(k)]
    trace_mr = n - sum(arx[i][i] for i in range(k))
    trace_rr = sum(_apply_r([1.0] * n, pos, phi * phi))
    trace_hrr = sum(ar[i][t] * rx[t][i] for i in range(k) for t in range(n))
    trace_hrhr = sum(arx[i][j] * arx[j][i] for i in range(k) for j in range(k))
    trace_mrmr = trace_rr - 2 * trace_hrr + trace_hrhr
    return fit.rss / trace_mr, trace_mr * trace_mr / trace_mrmr, cov


def _ar1_noise(fit: Fit) -> Noise:
    """Estimate the AR(1) error model from the residuals, allowing for what the fit did to them.

    A trend, a hinge and a dozen season offsets soak up the slow swings of
    autocorrelated noise, so the residuals are both smaller and less
    autocorrelated than the errors: a 30-month seasonal fit of AR(0.6) noise
    shows r of about 0.3. phi is therefore the value whose *expected* residual
    autocorrelation, for this very design, matches the observed one, and
    sigma2 = RSS / tr(M R) rather than RSS / (n - k).

    phi itself comes from a few dozen residuals (standard error about
    sqrt((1 - phi^2) / (n - k))), and the forecast variance grows faster than
    linearly in phi, so plugging in the estimate would still be too narrow on
    average: the variance is averaged over phi +- sqrt(3) standard errors
    (three-point Gauss-Hermite rule, weights 1/6, 2/3, 1/6).
    """
    if fit.rss <= 0 or fit.n < 3:
        sigma2 = max(fit.rss, 0.0) / fit.df
        return Noise(0.0, sigma2, float(fit.df), [(1.0, 0.0, sigma2, [row[:] for row in fit.xtx_inv])])
    m_poly, mdm_poly = _lag_polynomials(fit)

    def expected_r(phi: float) -> float:
        return _poly(mdm_poly, phi) / _poly(m_poly, phi)

    e = fit.residuals
    observed = sum(u * v for u, v in zip(e, e[1:])) / fit.rss
    if observed <= expected_r(0.0):
        phi = 0.0
    elif observed >= expected_r(PHI_MAX):
        phi = PHI_MAX
    else:
        lo, hi = 0.0, PHI_MAX
        for _ in range(30):
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if expected_r(mid) < observed else (lo, mid)
        phi = (lo + hi) / 2
    spread = math.sqrt((1 - phi * phi) / fit.df)
    cache: dict[float, tuple[float, float, list[list[float]]]] = {}
    draws = []
    for weight, z in ((1 / 6, -math.sqrt(3)), (2 / 3, 0.0), (1 / 6, math.sqrt(3))):
        p = min(PHI_MAX, max(0.0, phi + z * spread))
        if p not in cache:
            cache[p] = _moments(fit, p)
        draws.append((weight, p, cache[p][0], cache[p][2]))
    sigma2, df, _ = cache[phi]
    return Noise(phi, sigma2, df, draws)


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
    df: float
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


def _step_days(dates: Sequence[date], frequency: str | None) -> float:
    """Length of one period: the frequency's, or else the median gap between the dates."""
    step = STEP_DAYS.get(frequency or "")
    if step is None:
        gaps = sorted((b - a).days for a, b in zip(dates, dates[1:]) if b > a)
        step = gaps[len(gaps) // 2] if gaps else 1.0
    return step


def _positions(dates: Sequence[date], origin: date, step: float) -> list[int]:
    """Period number of each date from origin, so that a missing period counts as a gap in the lags."""
    return [round((d - origin).days / step) for d in dates]


def fit_linear(
    points: Sequence[tuple[date, float]], origin: date, hinge: float | None = None, frequency: str | None = None
) -> Fit:
    dates = [d for d, _ in points]
    return ols(
        [_design(_years(origin, d), None, None, hinge) for d in dates],
        [v for _, v in points],
        _positions(dates, origin, _step_days(dates, frequency)),
    )


def fit_seasonal(
    points,
    origin: date,
    season_of: Callable[[date], int],
    n_seasons: int,
    hinge: float | None = None,
    frequency: str | None = None,
) -> Fit:
    dates = [d for d, _ in points]
    return ols(
        [_design(_years(origin, d), season_of(d), n_seasons, hinge) for d in dates],
        [v for _, v in points],
        _positions(dates, origin, _step_days(dates, frequency)),
    )


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


def forecast(
    points: Sequence[tuple[date, float]],
    horizon: Sequence[date],
    *,
    frequency: str | None = None,
    level: float = DEFAULT_LEVEL,
    method: str | None = None,
    break_at: date | None = None,
) -> Forecast:
    """Project `points` [(period end, value)] to every date in `horizon`.

    method None chooses: seasonal when the frequency has seasons and the
    F test finds a clear one, linear otherwise. break_at (the baseline
    date) lets the trend change there.
    """
    points = sorted((d, float(v)) for d, v in points if v is not None)
    horizon = list(horizon)
    if len(points) < MIN_POINTS:
        raise ForecastError(
            text._("a forecast needs at least %(minimum)s values; there are %(n)s")
            % {"minimum": MIN_POINTS, "n": len(points)}
        )
    if not 0 < level < 1:
        raise ForecastError(_("the interval level must lie strictly between 0 and 1"))
    season = SEASONS.get(frequency or "")  # (the season of a date, seasons in a year), if the frequency has them
    p_value = season_test(points, *season, break_at) if season else None
    if method is None:
        method = SEASONAL if (p_value is not None and p_value < SEASON_P_VALUE) else LINEAR
    if method == SEASONAL and season is None:
        raise ForecastError(text._("no seasonal method for frequency %(frequency)r") % {"frequency": frequency})
    origin = points[0][0]
    hinge = _hinge(points, origin, break_at)
    fitted_season: tuple[Callable[[date], int], int] | None = None  # the seasons the fit models; none if linear
    if method == SEASONAL and season is not None:  # a seasonal method without seasons was refused above
        fitted_season = season
        fit = fit_seasonal(points, origin, *season, hinge, frequency)
    elif method == LINEAR:
        fit = fit_linear(points, origin, hinge, frequency)
    else:
        raise ForecastError(
            text._("unknown forecast method %(method)r; use %(linear)s or %(seasonal)s")
            % {"method": method, "linear": LINEAR, "seasonal": SEASONAL}
        )
    df = fit.noise.df
    q = t_quantile(0.5 + level / 2, df)
    out = []
    ahead = _positions(horizon, origin, _step_days([d for d, _ in points], frequency))
    for d, position in zip(horizon, ahead):
        x = _design(
            _years(origin, d),
            fitted_season[0](d) if fitted_season else None,
            fitted_season[1] if fitted_season else None,
            hinge,
        )
        mean, se = fit.predict(x, position)
        out.append(ForecastPoint(d, mean, mean - q * se, mean + q * se, se))
    slope = fit.beta[1] + (fit.beta[2] if hinge is not None else 0.0)
    return Forecast(method, level, df, out, slope, p_value)


def recent(points: Sequence[tuple[date, float]], since: date | None, minimum: int = 8) -> list[tuple[date, float]]:
    """The actuals the forecast should learn from: those after the baseline, or the last `minimum` if fewer.

    Before the baseline the delivery programme had not started, so its trend
    says little about where the programme is heading.
    """
    pts = sorted((d, v) for d, v in points if v is not None)
    after = [p for p in pts if since is None or p[0] > since]
    return after if len(after) >= minimum else pts[-minimum:]
