"""Delivery-chain analysis on small chains whose answers are known."""

import pytest

from stocktake.delivery import chains as C

A = C.Actor


def diamond():
    # minister -> dept -> {trust-a, trust-b} -> ward ; dept is on every path
    actors = [
        A("min", "Minister", 0, leader=True),
        A("dept", "Department", 1),
        A("ta", "Trust A", 2, count=100),
        A("tb", "Trust B", 2, count=50),
        A("ward", "Wards", 3, count=400, frontline=True),
    ]
    links = [
        C.Link("min", "dept", strength=4),
        C.Link("dept", "ta", strength=3),
        C.Link("dept", "tb", strength=2),
        C.Link("ta", "ward", strength=1),
        C.Link("tb", "ward", strength=4),
        C.Link("ward", "ta", C.FEEDBACK, 3),
        C.Link("min", "tb", C.FUNDING, 3),
        C.Link("ta", "min", C.FUNDING, 2),
    ]
    return actors, links


def test_paths_weakest_links_and_choke_points():
    a = C.analyse(*diamond())
    assert a.paths == [["min", "dept", "ta", "ward"], ["min", "dept", "tb", "ward"]]
    assert [(w["link"], w["strength"]) for w in a.weakest] == [(("ta", "ward"), 1), (("dept", "tb"), 2)]
    assert a.choke_points == ["dept"]
    assert a.central[0][0] == "dept"
    assert (a.actors, a.levels, a.people_and_bodies, a.complexity) == (5, 4, 552, "simple")


def test_funding_against_influence_and_paths_without_feedback():
    a = C.analyse(*diamond())
    # min funds tb through dept's influence: aligned; ta "funds" the minister against the flow of influence
    assert a.misaligned_funding == [("ta", "min")]
    # ward reports to trust A only: the path through trust B has no loop
    assert a.paths_without_feedback == [["min", "dept", "tb", "ward"]]


def test_no_single_choke_point_when_paths_are_disjoint():
    actors = [A("c", "Centre", 0, leader=True), A("x", "X", 1), A("y", "Y", 1), A("f", "Front", 2, frontline=True)]
    links = [C.Link("c", "x"), C.Link("c", "y"), C.Link("x", "f"), C.Link("y", "f")]
    a = C.analyse(actors, links)
    assert a.choke_points == []
    assert len(a.paths_without_feedback) == 2


def test_unreached_frontline_is_reported():
    actors = [
        A("c", "Centre", 0, leader=True),
        A("f", "Front", 1, frontline=True),
        A("g", "Other front", 1, frontline=True),
    ]
    a = C.analyse(actors, [C.Link("c", "f")])
    assert a.unreached_frontline == ["g"]


def test_bad_chains_are_refused_with_the_reason():
    actors = [A("a", "A", 0), A("b", "B", 1), A("c", "C", 2)]
    with pytest.raises(C.ChainError, match="loops: a -> b -> c -> a"):
        C.validate(actors, [C.Link("a", "b"), C.Link("b", "c"), C.Link("c", "a")])
    # feedback going back up is not a cycle in the hierarchy
    C.validate(actors, [C.Link("a", "b"), C.Link("b", "a", C.FEEDBACK)])
    with pytest.raises(C.ChainError, match="link 1: actor 'zz' is not in this chain"):
        C.validate(actors, [C.Link("a", "zz")])
    with pytest.raises(C.ChainError, match="strength 7"):
        C.validate(actors, [C.Link("a", "b", strength=7)])
