"""Pure chain logic: the link tree, coverage and the gap score of each link. No session here.

A link is *scored* only if it is a leaf (a link with children, such as 生物药 or
上游, is a heading whose figures are the sum of its children). The score runs
from 0 (covered) to 100 (nothing there); each point comes with a reason so the
page can say why a link is a gap (短板) or a weak spot (弱项).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

STREAMS = ("up", "mid", "down")
STREAM_LABELS = {"up": "上游", "mid": "中游", "down": "下游"}

# Weights of each reason in the 0-100 gap score.
W_NO_ENTERPRISE = 60
W_TOO_FEW = 15
W_NO_LEADER = 25
W_MISSING_INPUT = 15
W_NO_PIPELINE = 10

GAP_AT = 50  # 短板: at or above
WEAK_AT = 1  # 弱项: anything between


class TaxonomyError(ValueError):
    """The chain taxonomy does not hold together (unknown parent, cycle, duplicate code …)."""


@dataclass(frozen=True)
class LinkSpec:
    """One link of a chain taxonomy, as kept in the data."""

    code: str
    name: str
    stream: str
    parent: str | None = None
    cluster: str | None = None
    needs: tuple[str, ...] = ()
    needs_leader: bool = False
    min_enterprises: int = 1
    modalities: tuple[str, ...] = ()
    name_en: str | None = None


@dataclass(frozen=True)
class Placed:
    """An enterprise placed on a link."""

    enterprise_id: int
    name: str
    is_leader: bool = False


@dataclass(frozen=True)
class Reason:
    """Why a link scores as a gap: a code, Chinese and English text, and its points."""

    code: str
    zh: str
    en: str
    points: int


@dataclass(frozen=True)
class LinkScore:
    """The coverage and gap score of one link (summed over children for headings)."""

    code: str
    enterprises: int
    leaders: int
    drugs: int
    projects: int
    score: int
    reasons: tuple[Reason, ...] = ()
    is_leaf: bool = True

    @property
    def level(self) -> str:
        """'gap' (短板), 'weak' (弱项) or 'covered'."""
        if not self.is_leaf:
            return "heading"
        if self.score >= GAP_AT:
            return "gap"
        if self.score >= WEAK_AT:
            return "weak"
        return "covered"


@dataclass
class Tree:
    """Links in display order with their children."""

    links: dict[str, LinkSpec]
    children: dict[str | None, list[str]] = field(default_factory=dict)

    def leaves(self) -> list[str]:
        """Codes of the links without children, in display order."""
        return [c for c in self.walk() if not self.children.get(c)]

    def walk(self, root: str | None = None) -> list[str]:
        """Depth-first codes under root (None = whole tree), in display order."""
        out: list[str] = []
        for code in self.children.get(root, []):
            out.append(code)
            out.extend(self.walk(code))
        return out


def build_tree(specs: Iterable[LinkSpec]) -> Tree:
    """Check a taxonomy and index it (raises TaxonomyError)."""
    links: dict[str, LinkSpec] = {}
    for spec in specs:
        if spec.code in links:
            raise TaxonomyError(f"duplicate link code {spec.code}")
        if spec.stream not in STREAMS:
            raise TaxonomyError(f"link {spec.code}: unknown stream {spec.stream}")
        if spec.min_enterprises < 0:
            raise TaxonomyError(f"link {spec.code}: negative minimum")
        links[spec.code] = spec
    children: dict[str | None, list[str]] = {}
    for spec in links.values():
        if spec.parent is not None and spec.parent not in links:
            raise TaxonomyError(f"link {spec.code}: unknown parent {spec.parent}")
        for need in spec.needs:
            if need not in links:
                raise TaxonomyError(f"link {spec.code}: unknown needed input {need}")
            if need == spec.code:
                raise TaxonomyError(f"link {spec.code} needs itself")
        children.setdefault(spec.parent, []).append(spec.code)
    for code in links:
        seen = {code}
        parent = links[code].parent
        while parent is not None:
            if parent in seen:
                raise TaxonomyError(f"link {code}: parent cycle")
            seen.add(parent)
            parent = links[parent].parent
    return Tree(links=links, children=children)


def score_link(
    spec: LinkSpec,
    placed: Sequence[Placed],
    *,
    drugs: int = 0,
    projects: int = 0,
    covered_inputs: Mapping[str, bool] | None = None,
    names: Mapping[str, str] | None = None,
) -> LinkScore:
    """Gap score of one leaf link from what is placed on it and on the links it needs."""
    reasons: list[Reason] = []
    count = len({p.enterprise_id for p in placed})
    leaders = len({p.enterprise_id for p in placed if p.is_leader})
    if count == 0:
        reasons.append(
            Reason("no_enterprise", "链上无企业", "no enterprise on this link", W_NO_ENTERPRISE)
        )
    elif count < spec.min_enterprises:
        reasons.append(
            Reason(
                "too_few",
                f"企业数 {count} 少于目标 {spec.min_enterprises}",
                f"{count} enterprises, target {spec.min_enterprises}",
                W_TOO_FEW,
            )
        )
    if spec.needs_leader and leaders == 0:
        reasons.append(Reason("no_leader", "缺少龙头企业", "no leading enterprise", W_NO_LEADER))
    for need in spec.needs:
        if not (covered_inputs or {}).get(need, False):
            label = (names or {}).get(need, need)
            reasons.append(
                Reason(
                    "missing_input",
                    f"所需配套“{label}”在园区内无供应企业",
                    f"no supplier in the park for the needed input '{label}'",
                    W_MISSING_INPUT,
                )
            )
    if spec.modalities and drugs == 0:
        reasons.append(
            Reason("no_pipeline", "无在研或已上市药物", "no drug in the pipeline", W_NO_PIPELINE)
        )
    score = min(100, sum(r.points for r in reasons))
    return LinkScore(
        code=spec.code,
        enterprises=count,
        leaders=leaders,
        drugs=drugs,
        projects=projects,
        score=score,
        reasons=tuple(reasons),
    )


def score_tree(
    tree: Tree,
    placements: Mapping[str, Sequence[Placed]],
    *,
    drugs: Mapping[str, int] | None = None,
    projects: Mapping[str, int] | None = None,
) -> dict[str, LinkScore]:
    """Scores for every link: leaves scored, headings summed (enterprises counted once)."""
    drugs = drugs or {}
    projects = projects or {}
    names = {c: s.name for c, s in tree.links.items()}
    covered = {c: bool(placements.get(c)) for c in tree.links}
    # A heading counts as a supplier when any link below it has an enterprise.
    for code in tree.links:
        if any(covered.get(d) for d in tree.walk(code)):
            covered[code] = True
    result: dict[str, LinkScore] = {}
    for code in tree.leaves():
        result[code] = score_link(
            tree.links[code],
            placements.get(code, ()),
            drugs=drugs.get(code, 0),
            projects=projects.get(code, 0),
            covered_inputs=covered,
            names=names,
        )
    for code in reversed(tree.walk()):
        if code in result:
            continue
        below = [c for c in tree.walk(code) if c in tree.links and not tree.children.get(c)]
        ents = {p.enterprise_id for c in [code, *below] for p in placements.get(c, ())}
        leads = {
            p.enterprise_id for c in [code, *below] for p in placements.get(c, ()) if p.is_leader
        }
        result[code] = LinkScore(
            code=code,
            enterprises=len(ents),
            leaders=len(leads),
            drugs=sum(drugs.get(c, 0) for c in below),
            projects=sum(projects.get(c, 0) for c in [code, *below]),
            score=max((result[c].score for c in below), default=0),
            is_leaf=False,
        )
    return result


def modality_links(tree: Tree) -> dict[str, str]:
    """Which leaf link a drug modality belongs to (first one listing it)."""
    out: dict[str, str] = {}
    for code in tree.leaves():
        for modality in tree.links[code].modalities:
            out.setdefault(modality, code)
    return out


def gaps(scores: Mapping[str, LinkScore], tree: Tree) -> list[LinkScore]:
    """Leaf links with a positive score, worst first, then in display order."""
    order = {c: i for i, c in enumerate(tree.walk())}
    found = [s for s in scores.values() if s.is_leaf and s.score > 0]
    return sorted(found, key=lambda s: (-s.score, order.get(s.code, 0)))


def cluster_of(tree: Tree, code: str) -> str | None:
    """The link's cluster, or the nearest ancestor's."""
    current: str | None = code
    while current is not None:
        spec = tree.links[current]
        if spec.cluster:
            return spec.cluster
        current = spec.parent
    return None


def cluster_codes(tree: Tree, cluster: str) -> set[str]:
    """Links of one cluster and the inputs they need, with ancestors to keep the tree whole."""
    members = [c for c in tree.walk() if cluster_of(tree, c) == cluster]
    wanted = set(members) | {n for c in members for n in tree.links[c].needs}
    keep: set[str] = set()
    for code in wanted:
        current: str | None = code
        while current is not None and current not in keep:
            keep.add(current)
            current = tree.links[current].parent
    return keep


def echarts_tree(
    tree: Tree,
    scores: Mapping[str, LinkScore],
    *,
    root_name: str,
    ids: Mapping[str, int],
    english: bool = False,
    keep: set[str] | None = None,
) -> dict[str, object]:
    """The taxonomy (or the `keep` part of it) as nested ECharts tree data with ids and levels."""

    def shown(codes: list[str]) -> list[str]:
        return [c for c in codes if keep is None or c in keep]

    def node(code: str) -> dict[str, object]:
        spec = tree.links[code]
        sc = scores.get(code)
        kids = [node(c) for c in shown(tree.children.get(code, []))]
        out: dict[str, object] = {
            "name": (spec.name_en or spec.name) if english else spec.name,
            "value": sc.enterprises if sc else 0,
            "code": code,
            "link_id": ids.get(code),
            "level": sc.level if sc else "covered",
            "score": sc.score if sc else 0,
        }
        if kids:
            out["children"] = kids
        return out

    return {"name": root_name, "children": [node(c) for c in shown(tree.children.get(None, []))]}
