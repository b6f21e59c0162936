import pytest

from stocktake.delivery import assessment as A


def ev(status, trend="steady", chance=None, name="i"):
    return A.IndicatorEvidence(name=name, status=status, trend=trend, forecast_chance=chance)


def test_all_on_track_and_not_worsening_is_green():
    p = A.propose_evidence([ev("on_track"), ev("on_track", "improving")])
    assert p.rating == A.GREEN
    assert "status and trend only" in p.text


def test_on_track_but_worsening_is_not_green():
    assert A.propose_evidence([ev("on_track", "worsening")]).rating == A.AMBER_GREEN


def test_off_track_and_worsening_is_red_and_reasons_name_the_indicator():
    p = A.propose_evidence([ev("off_track", "worsening", name="Homicides")])
    assert p.rating == A.RED
    assert "Homicides: off track, worsening." in p.reasons


def test_mixed_evidence_is_amber_red():
    assert A.propose_evidence([ev("off_track"), ev("slightly_off")]).rating == A.AMBER_RED


def test_no_data_gives_no_proposal_and_says_why():
    p = A.propose_evidence([ev("no_data")])
    assert p.rating is None and "cannot suggest" in p.text


def test_missing_indicators_are_reported():
    p = A.propose_evidence([ev("on_track"), ev("no_data")])
    assert "1 indicator(s) have no data" in p.text


def test_forecast_changes_the_proposal_when_available():
    base = [ev("slightly_off", chance=0.1)]
    assert A.propose_evidence(base, forecast_available=False).rating == A.AMBER_RED
    with_forecast = A.propose_evidence(base, forecast_available=True)
    assert with_forecast.rating == A.RED
    assert "10% chance" in with_forecast.text


@pytest.mark.parametrize(
    "judgement,value", [("planning", 5), ("planning", 0), ("stage", "2"), ("challenge", "X"), ("evidence", True)]
)
def test_ratings_outside_their_scale_are_refused(judgement, value):
    with pytest.raises(A.RatingError):
        A.check(judgement, value)


def test_movement_arrows():
    assert A.movement("likelihood", 1, 3) == "up"
    assert A.movement("evidence", 4, 2) == "down"
    assert A.movement("stage", 2, 2) == "same"
    assert A.movement("challenge", "H", "M") == "up"  # less challenge is better
    assert A.movement("planning", None, 2) == ""


def test_weakest_outcome_sets_the_priority():
    assert A.overall([3, 1, None]) == 1
    assert A.overall([None]) is None


def test_table_letters():
    assert [A.short("evidence", v) for v in (1, 2, 3, 4)] == ["R", "AR", "AG", "G"]
    assert A.short("challenge", "H") == "H" and A.short("stage", 3) == "3"


def test_late_milestones_lower_the_proposal():
    on = [ev("on_track")]
    assert A.propose_evidence(on, milestones=(0, 4)).rating == A.GREEN
    late = A.propose_evidence(on, milestones=(2, 4))
    assert late.rating == A.AMBER_GREEN and "2 of 4 due so far are late" in late.text


@pytest.mark.parametrize(
    "chance, rating", [(0.0, A.AMBER_GREEN), (0.49, A.AMBER_GREEN), (0.5, A.GREEN), (0.9, A.GREEN)]
)
def test_never_green_when_the_forecast_gives_less_than_an_even_chance(chance, rating):
    p = A.propose_evidence([ev("on_track", "improving", chance, name="A&E")], forecast_available=True)
    assert p.rating == rating
    assert ("Not green" in p.text) == (chance < 0.5)
    if chance < 0.5:
        assert f"A&E ({chance:.0%})" in p.text
