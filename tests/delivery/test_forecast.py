import math
import random
from datetime import date

import pytest

from stocktake.delivery import forecast as F
from stocktake.delivery import periods as P


def months(first_year, n):
    out, p = [], P.month(first_year, 1)
    for _ in range(n):
        out.append(p.end)
        p = p.next()
    return out


def test_t_distribution_matches_tables():
    assert F.t_cdf(0, 5) == pytest.approx(0.5)
    assert F.t_quantile(0.975, 10) == pytest.approx(2.228, abs=1e-3)
    assert F.t_quantile(0.9, 30) == pytest.approx(1.310, abs=1e-3)
    assert F.t_quantile(0.975, 1000) == pytest.approx(1.962, abs=1e-3)
    assert F.f_sf(2.35, 10, 20) == pytest.approx(0.05, abs=2e-3)  # table: F(0.05; 10, 20) = 2.35
    assert F.f_sf(3.37, 10, 20) == pytest.approx(0.01, abs=1e-3)


def test_a_straight_line_is_forecast_exactly_with_no_spread():
    ds = months(2024, 12)
    origin = ds[0]
    pts = [(d, 10 + 6 * (d - origin).days / 365.25) for d in ds]
    horizon = months(2025, 12)
    fc = F.forecast(pts, horizon, frequency="M")
    assert fc.method == F.LINEAR
    assert fc.slope_per_year == pytest.approx(6.0)
    last = fc.points[-1]
    assert last.mean == pytest.approx(10 + 6 * (horizon[-1] - origin).days / 365.25)
    assert last.high - last.low == pytest.approx(0, abs=1e-6)
    assert fc.probability(last.mean - 1, "up") == 1.0
    assert fc.probability(last.mean - 1, "down") == pytest.approx(0.0, abs=1e-12)


def test_noisy_line_interval_covers_about_its_level_and_probability_is_calibrated():
    rng = random.Random(7)
    ds = months(2020, 36)
    horizon = months(2023, 12)
    hits = trials = 0
    probs = []
    for _ in range(200):
        pts = [(d, 50 + 0.5 * i + rng.gauss(0, 2)) for i, d in enumerate(ds)]
        fc = F.forecast(pts, horizon, method=F.LINEAR)
        truth = 50 + 0.5 * (36 + 11) + rng.gauss(0, 2)
        p = fc.points[-1]
        hits += p.low <= truth <= p.high
        trials += 1
        probs.append(fc.probability(50 + 0.5 * 47, "up"))
    assert 0.72 <= hits / trials <= 0.88  # an 80% band
    assert sum(probs) / len(probs) == pytest.approx(0.5, abs=0.06)  # target on the true mean: even odds


def test_clear_season_is_found_and_used():
    ds = months(2022, 36)
    rng = random.Random(3)
    pts = [(d, 100 + 10 * math.cos(2 * math.pi * (d.month - 1) / 12) + rng.gauss(0, 1)) for d in ds]
    fc = F.forecast(pts, months(2025, 12), frequency="M")
    assert fc.method == F.SEASONAL and fc.season_p_value < 0.001
    jan, jul = fc.points[0], fc.points[6]
    assert jan.mean == pytest.approx(110, abs=2) and jul.mean == pytest.approx(90, abs=2)


def test_no_season_in_noise_and_too_little_data():
    rng = random.Random(11)
    ds = months(2022, 36)
    pts = [(d, 100 + rng.gauss(0, 1)) for d in ds]
    assert F.forecast(pts, months(2025, 3), frequency="M").method == F.LINEAR
    assert F.forecast(pts[:20], months(2025, 3), frequency="M").season_p_value is None
    with pytest.raises(F.ForecastError, match="at least 4"):
        F.forecast(pts[:3], months(2025, 3))


def test_recent_uses_points_after_the_baseline():
    pts = [(date(2024, m, 28), m) for m in range(1, 13)]
    assert len(F.recent(pts, date(2024, 2, 28), minimum=4)) == 10
    assert len(F.recent(pts, date(2024, 11, 28), minimum=4)) == 4


def test_break_at_the_baseline_follows_the_new_trend():
    ds = months(2021, 48)
    base = ds[23]  # flat for two years, then +12 a year
    pts = [(d, 50.0 if d <= base else 50 + 12 * (d - base).days / 365.25) for d in ds]
    horizon = months(2025, 12)
    fc = F.forecast(pts, horizon, method=F.LINEAR, break_at=base)
    assert fc.slope_per_year == pytest.approx(12, abs=1e-6)
    assert fc.points[-1].mean == pytest.approx(50 + 12 * (horizon[-1] - base).days / 365.25, abs=1e-6)
    plain = F.forecast(pts, horizon, method=F.LINEAR)
    assert plain.slope_per_year < 10  # a single line through both eras understates the new trend


def test_autocorrelated_residuals_widen_the_band():
    rng = random.Random(5)
    ds = months(2020, 36)
    e, pts = 0.0, []
    for i, d in enumerate(ds):
        e = 0.8 * e + rng.gauss(0, 1)
        pts.append((d, 10 + 0.1 * i + e))
    fit = F.fit_linear(pts, ds[0], frequency="M")
    assert fit.autocorrelation > 0.2  # residuals of an AR(0.8) series, shortened by the fit
    assert fit.noise.phi > fit.autocorrelation  # corrected for the swings the line soaked up
    x = [1.0, 4.0]
    _, se = fit.predict(x, position=48)
    textbook = math.sqrt(fit.sigma2 * (1 + sum(x[i] * fit.xtx_inv[i][j] * x[j] for i in range(2) for j in range(2))))
    assert se > 1.1 * textbook
