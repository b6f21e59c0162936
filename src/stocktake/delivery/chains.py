"""Delivery-chain analysis: the seed's questions answered from the graph.

A delivery chain (seed 001, rule 5) is a set of actors at system levels,
from the leader at the centre to the frontline where citizens feel the
change, joined by links of influence, funding and feedback, each rated for
strength. It is "a series of assumptions about how implementation will
work"; this module finds where those assumptions are thinnest: the weakest
link on each path, the actors everything depends on, how complex the chain
is, money that does not follow influence, and paths nobody hears back from.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import networkx as nx

from .text import _, gettext_noop

INFLUENCE, FUNDING, FEEDBACK = "influence", "funding", "feedback"
LINK_KINDS = (INFLUENCE, FUNDING, FEEDBACK)
STRENGTHS = {1: "weak", 2: "fragile", 3: "sound", 4: "strong"}
MAX_PATHS = 500  # a chain with more leader-to-frontline paths than this is its own finding


class ChainError(ValueError):
    """A chain that cannot be analysed, with the reason in the message."""


@dataclass(frozen=True)
class Actor:
    key: str
    name: str
    level: int  # 0 = the centre; higher = closer to citizens
    count: int = 1
    role: str = ""
    leader: bool = False
    frontline: bool = False


@dataclass(frozen=True)
class Link:
    source: str
    target: str
    kind: str = INFLUENCE
    strength: int = 3


@dataclass
class Analysis:
    actors: int
    levels: int
    people_and_bodies: int  # actors weighted by their counts: "200 A&E departments"
    paths: list[list[str]]
    weakest: list[dict]  # one per path: {"path", "link": (u, v), "strength"}
    choke_points: list[str]  # on every leader-to-frontline path, leader and frontline excluded
    central: list[tuple[str, float]]  # highest betweenness first
    misaligned_funding: list[tuple[str, str]]
    paths_without_feedback: list[list[str]]
    unreached_frontline: list[str]
    too_many_paths: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def complexity(self) -> str:
        n = self.actors
        return "simple" if n <= 5 else "moderate" if n <= 10 else "complex"


def validate(actors: Sequence[Actor], links: Sequence[Link]) -> None:
    """Refuse a chain that is not a chain: unknown actors, bad kinds, strengths, or an influence cycle."""
    keys = {a.key for a in actors}
    if len(keys) != len(actors):
        raise ChainError(_("two actors share the same key"))
    for i, link in enumerate(links, start=1):
        for end in (link.source, link.target):
            if end not in keys:
                raise ChainError(_("link %(i)s: actor '%(actor)s' is not in this chain") % {"i": i, "actor": end})
        if link.source == link.target:
            raise ChainError(
                _("link %(i)s: an actor cannot link to itself ('%(actor)s')") % {"i": i, "actor": link.source}
            )
        if link.kind not in LINK_KINDS:
            raise ChainError(
                _("link %(i)s: unknown kind '%(kind)s'; use one of %(kinds)s")
                % {"i": i, "kind": link.kind, "kinds": ", ".join(LINK_KINDS)}
            )
        if link.strength not in STRENGTHS:
            raise ChainError(
                _("link %(i)s: strength %(strength)s must be 1 (weak) to 4 (strong)")
                % {"i": i, "strength": link.strength}
            )
    cycle = influence_cycle(links)
    if cycle:
        raise ChainError(
            _("influence must run one way from the centre to the frontline, but it loops: %(loop)s")
            % {"loop": " -> ".join(cycle + [cycle[0]])}
        )


def influence_cycle(links: Sequence[Link]) -> list[str]:
    g = nx.DiGraph((lk.source, lk.target) for lk in links if lk.kind == INFLUENCE)
    try:
        return [u for u, _target in nx.find_cycle(g)]
    except nx.NetworkXNoCycle:
        return []


def _influence_graph(actors, links) -> nx.DiGraph:
    g = nx.DiGraph()
    g.add_nodes_from(a.key for a in actors)
    for lk in links:
        if lk.kind == INFLUENCE:
            # two influence links between the same pair: the chain is as strong as the stronger one
            if g.has_edge(lk.source, lk.target):
                g[lk.source][lk.target]["strength"] = max(g[lk.source][lk.target]["strength"], lk.strength)
            else:
                g.add_edge(lk.source, lk.target, strength=lk.strength)
    return g


def analyse(actors: Sequence[Actor], links: Sequence[Link]) -> Analysis:
    validate(actors, links)
    by_key = {a.key: a for a in actors}
    g = _influence_graph(actors, links)
    leaders = [a.key for a in actors if a.leader] or [
        a.key for a in actors if a.level == min((x.level for x in actors), default=0)
    ]
    frontline = [a.key for a in actors if a.frontline] or [
        a.key for a in actors if a.level == max((x.level for x in actors), default=0)
    ]
    notes = []
    if not [a for a in actors if a.leader]:
        notes.append(_("No actor is marked as the leader; the centre-most level is taken as the start of the chain."))

    paths: list[list[str]] = []
    too_many = False
    for s in leaders:
        for t in frontline:
            if s == t:
                continue
            for path in nx.all_simple_paths(g, s, t):
                paths.append(path)
                if len(paths) >= MAX_PATHS:
                    too_many = True
                    break
    paths.sort(key=lambda p: (len(p), p))
    unreached = [t for t in frontline if not any(p[-1] == t for p in paths) and t not in leaders]

    weakest = []
    for path in paths:
        edges = list(zip(path, path[1:]))
        u, v = min(edges, key=lambda e: (g[e[0]][e[1]]["strength"], edges.index(e)))
        weakest.append({"path": path, "link": (u, v), "strength": g[u][v]["strength"]})

    choke: list[str] = []
    if paths:
        common = set(paths[0][1:-1])
        for p in paths[1:]:
            common &= set(p[1:-1])
        choke = sorted(common, key=lambda k: (by_key[k].level, k))

    central: list[tuple[str, float]] = []
    if g.number_of_edges():
        bc = nx.betweenness_centrality(g, normalized=True)
        central = sorted(((k, round(v, 4)) for k, v in bc.items() if v > 0), key=lambda kv: (-kv[1], kv[0]))

    misaligned = []
    for lk in links:
        if lk.kind == FUNDING and not nx.has_path(g, lk.source, lk.target):
            misaligned.append((lk.source, lk.target))

    feedback = [(lk.source, lk.target) for lk in links if lk.kind == FEEDBACK]
    without = []
    for path in paths:
        pos = {k: i for i, k in enumerate(path)}
        # a loop closes when someone further down this path reports back to someone further up it
        if not any(u in pos and v in pos and pos[u] > pos[v] for u, v in feedback):
            without.append(path)

    return Analysis(
        actors=len(actors),
        levels=len({a.level for a in actors}),
        people_and_bodies=sum(a.count for a in actors),
        paths=paths,
        weakest=weakest,
        choke_points=choke,
        central=central,
        misaligned_funding=misaligned,
        paths_without_feedback=without,
        unreached_frontline=unreached,
        too_many_paths=too_many,
        notes=notes,
    )


QUESTIONS = [
    (
        gettext_noop("Individual links"),
        gettext_noop("What is the quality of each critical relationship? Which links are strongest, which weakest?"),
    ),
    (
        gettext_noop("Capacity"),
        gettext_noop("How confident are we that each key actor has the skill and will to play its role?"),
    ),
    (gettext_noop("Complexity"), gettext_noop("How many actors are involved? Is the chain unnecessarily complex?")),
    (gettext_noop("Funding flows"), gettext_noop("Who controls the money, and does it flow the way influence does?")),
    (
        gettext_noop("Choke points"),
        gettext_noop("Which actors do we depend on disproportionately? Could they be overburdened?"),
    ),
    (
        gettext_noop("Feedback loops"),
        gettext_noop("Which feedback loops tell us implementation is happening as intended?"),
    ),
]


def questions() -> list[tuple[str, str]]:
    """The delivery-chain questions (seed 004), in the reader's language."""
    return [(_(title), _(question)) for title, question in QUESTIONS]
