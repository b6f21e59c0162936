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


# --- calibration of the band on series with a known noise process -------------------------------------------
#
# Each test draws many series from a known model (a trend that changes at the baseline, AR(1) noise as in
# monthly administrative data), forecasts the next periods and counts how often the 80% band holds the value
# that then comes. The old band (trend uncertainty inflated by (1 + r) / (1 - r) of the raw residuals) held
# 0.64-0.73 of them in the first three set-ups, below every tolerance here.


def quarters(first_year, n):
    out, p = [], P.parse(f"{first_year}Q1")
    for _ in range(n):
        out.append(p.end)
        p = p.next()
    return out


def ar1(rng, n, phi, sd):
    e = rng.gauss(0, sd) / math.sqrt(1 - phi * phi)
    out = [e]
    for _ in range(n - 1):
        e = phi * e + rng.gauss(0, sd)
        out.append(e)
    return out


def replicate(seed, dates, n, phi, season, method, frequency, reps):
    """Share of the next len(dates) - n values inside the 80% band, and the forecast's P(value <= actual) for each."""
    rng = random.Random(seed)
    base = dates[n // 2]
    inside, pit = 0, []
    for _ in range(reps):
        noise = ar1(rng, len(dates), phi, 2.0)
        ys = [
            40
            + 1.5 * (d - dates[0]).days / 365.25
            + 4 * max(0.0, (d - base).days / 365.25)
            + season * math.cos(2 * math.pi * (d.month - 1) / 12)
            + e
            for d, e in zip(dates, noise)
        ]
        fc = F.forecast(list(zip(dates[:n], ys[:n])), dates[n:], frequency=frequency, method=method, break_at=base)
        for p, y in zip(fc.points, ys[n:]):
            inside += p.low <= y <= p.high
            pit.append(fc.probability(y, "down", p.on))
    return inside / len(pit), pit


def test_band_holds_80_percent_of_a_trend_with_autocorrelated_noise():
    coverage, pit = replicate(1, months(2020, 36), 30, 0.6, 0.0, F.LINEAR, "M", reps=300)
    assert 0.75 <= coverage <= 0.85
    # the chance of meeting a target is calibrated too: each tail of the forecast distribution holds ~10%
    assert 0.06 <= sum(u < 0.1 for u in pit) / len(pit) <= 0.14
    assert 0.06 <= sum(u > 0.9 for u in pit) / len(pit) <= 0.14
    assert sum(pit) / len(pit) == pytest.approx(0.5, abs=0.03)


def test_band_holds_80_percent_for_a_season_fitted_on_two_years():
    # 26 months, 14 terms (trend, hinge, 11 month offsets, level): the case where textbook residuals look smallest
    coverage, pit = replicate(2, months(2020, 32), 26, 0.6, 5.0, F.SEASONAL, "M", reps=300)
    assert 0.75 <= coverage <= 0.85
    assert 0.06 <= sum(u < 0.1 for u in pit) / len(pit) <= 0.14
    assert 0.06 <= sum(u > 0.9 for u in pit) / len(pit) <= 0.14


def test_band_on_a_short_quarterly_series():
    # 12 quarters, 6 after the baseline: phi comes from 12 residuals, and the band is still a little narrow
    # (about 77% in longer runs), but no longer the 63% of the old band
    coverage, _ = replicate(3, quarters(2020, 16), 12, 0.6, 0.0, F.LINEAR, "Q", reps=400)
    assert 0.72 <= coverage <= 0.85


def test_independent_noise_keeps_about_the_textbook_band():
    # phi = 0 is only estimated, so the band allows for some autocorrelation: slightly wide, never narrow
    coverage, _ = replicate(4, months(2020, 36), 30, 0.0, 0.0, F.LINEAR, "M", reps=200)
    assert 0.77 <= coverage <= 0.87


def test_ar_coefficient_is_corrected_for_what_the_fit_soaks_up():
    rng = random.Random(6)
    ds = months(2020, 30)
    raw, corrected = [], []
    for _ in range(200):
        pts = [(d, 10 + 0.1 * i + e) for i, (d, e) in enumerate(zip(ds, ar1(rng, 30, 0.6, 1.0)))]
        fit = F.fit_seasonal(pts, ds[0], F.month_of, 12, F._years(ds[0], ds[15]), frequency="M")
        raw.append(fit.autocorrelation)
        corrected.append(fit.noise.phi)
    assert sum(raw) / len(raw) < 0.4  # a trend, a hinge and 11 offsets on 30 points hide half the autocorrelation
    assert sum(corrected) / len(corrected) == pytest.approx(0.6, abs=0.1)


def test_ar1_moments_match_the_matrix_formulas_with_a_gap():
    rng = random.Random(8)
    ds = months(2021, 24)
    ds = ds[:9] + ds[11:]  # two months missing: the lags across the gap are 3, not 1
    pts = [(d, 5 + 0.3 * i + rng.gauss(0, 1)) for i, d in enumerate(ds)]
    fit = F.fit_linear(pts, ds[0], F._years(ds[0], ds[10]), frequency="M")
    assert fit.positions[8:11] == [8, 11, 12]
    n, k, X = fit.n, fit.k, fit.rows
    phi = 0.55
    R = [[phi ** abs(p - q) for q in fit.positions] for p in fit.positions]
    A = [[sum(fit.xtx_inv[i][j] * X[t][j] for j in range(k)) for t in range(n)] for i in range(k)]
    H = [[sum(X[s][i] * A[i][t] for i in range(k)) for t in range(n)] for s in range(n)]
    M = [[(s == t) - H[s][t] for t in range(n)] for s in range(n)]
    MR = [[sum(M[s][u] * R[u][t] for u in range(n)) for t in range(n)] for s in range(n)]
    tr_mr = sum(MR[s][s] for s in range(n))
    tr_mrmr = sum(MR[s][t] * MR[t][s] for s in range(n) for t in range(n))
    ARA = [[sum(A[i][s] * R[s][t] * A[j][t] for s in range(n) for t in range(n)) for j in range(k)] for i in range(k)]
    sigma2, df, cov = F._moments(fit, phi)
    assert sigma2 == pytest.approx(fit.rss / tr_mr)
    assert df == pytest.approx(tr_mr**2 / tr_mrmr)
    for i in range(k):
        for j in range(k):
            assert cov[i][j] == pytest.approx(ARA[i][j])
    # independent errors: the textbook RSS / (n - k), n - k degrees of freedom and (X'X)^-1
    sigma2, df, cov = F._moments(fit, 0.0)
    assert (sigma2, df) == (pytest.approx(fit.rss / (n - k)), n - k)
    assert cov == fit.xtx_inv
