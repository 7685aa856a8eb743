"""Pure gap scoring on small hand-made taxonomies."""

from __future__ import annotations

import pytest

from biopark.chain import graph
from biopark.chain.graph import LinkSpec, Placed

SPECS = [
    LinkSpec("up", "上游", "up"),
    LinkSpec("cro", "CRO", "up", parent="up"),
    LinkSpec("mid", "中游", "mid"),
    LinkSpec(
        "ab",
        "抗体",
        "mid",
        parent="mid",
        needs=("cro",),
        needs_leader=True,
        min_enterprises=2,
        modalities=("antibody",),
    ),
    LinkSpec("tcm", "中药", "mid", parent="mid", modalities=("tcm",)),
]


def test_empty_link_scores_no_enterprise_and_is_a_gap() -> None:
    tree = graph.build_tree(SPECS)
    scores = graph.score_tree(tree, {})
    cro = scores["cro"]
    assert cro.score == graph.W_NO_ENTERPRISE
    assert [r.code for r in cro.reasons] == ["no_enterprise"]
    assert cro.level == "gap"


def test_reasons_add_up_and_cap_at_100() -> None:
    tree = graph.build_tree(SPECS)
    ab = graph.score_tree(tree, {})["ab"]
    codes = [r.code for r in ab.reasons]
    assert codes == ["no_enterprise", "no_leader", "missing_input", "no_pipeline"]
    assert ab.score == 100
    assert "CRO" in ab.reasons[2].zh


def test_covered_link_scores_zero() -> None:
    tree = graph.build_tree(SPECS)
    placements = {
        "cro": [Placed(1, "甲CRO")],
        "ab": [Placed(2, "乙生物", is_leader=True), Placed(3, "丙生物")],
    }
    ab = graph.score_tree(tree, placements, drugs={"ab": 4})["ab"]
    assert ab.score == 0 and ab.reasons == () and ab.level == "covered"
    assert (ab.enterprises, ab.leaders, ab.drugs) == (2, 1, 4)


def test_too_few_and_missing_leader_make_a_weak_link() -> None:
    tree = graph.build_tree(SPECS)
    placements = {"cro": [Placed(1, "甲CRO")], "ab": [Placed(2, "乙生物")]}
    ab = graph.score_tree(tree, placements, drugs={"ab": 1})["ab"]
    assert [r.code for r in ab.reasons] == ["too_few", "no_leader"]
    assert ab.score == graph.W_TOO_FEW + graph.W_NO_LEADER
    assert ab.level == "weak"


def test_same_enterprise_twice_counts_once() -> None:
    tree = graph.build_tree(SPECS)
    placements = {"tcm": [Placed(7, "丁药业"), Placed(7, "丁药业")]}
    assert graph.score_tree(tree, placements, drugs={"tcm": 1})["tcm"].enterprises == 1


def test_heading_sums_children_and_takes_worst_score() -> None:
    tree = graph.build_tree(SPECS)
    placements = {"ab": [Placed(2, "乙", True)], "tcm": [Placed(2, "乙"), Placed(5, "戊")]}
    scores = graph.score_tree(tree, placements, drugs={"ab": 2, "tcm": 3})
    mid = scores["mid"]
    assert not mid.is_leaf and mid.level == "heading"
    assert (mid.enterprises, mid.leaders, mid.drugs) == (2, 1, 5)
    assert mid.score == max(scores["ab"].score, scores["tcm"].score)


def test_gaps_are_leaves_worst_first() -> None:
    tree = graph.build_tree(SPECS)
    scores = graph.score_tree(tree, {"tcm": [Placed(1, "甲")]}, drugs={"tcm": 1})
    assert [s.code for s in graph.gaps(scores, tree)] == ["ab", "cro"]


def test_modality_links_and_echarts_tree() -> None:
    tree = graph.build_tree(SPECS)
    assert graph.modality_links(tree) == {"antibody": "ab", "tcm": "tcm"}
    scores = graph.score_tree(tree, {})
    data = graph.echarts_tree(tree, scores, root_name="链", ids={"ab": 11})
    mid = data["children"][1]  # type: ignore[index]
    ab = mid["children"][0]
    assert ab["link_id"] == 11 and ab["level"] == "gap" and "children" not in ab


def test_cluster_codes_keep_members_inputs_and_ancestors() -> None:
    specs = [
        *SPECS,
        LinkSpec("bio", "生物药", "mid", parent="mid", cluster="生物药"),
        LinkSpec("vac", "疫苗", "mid", parent="bio", needs=("cro",)),
    ]
    tree = graph.build_tree(specs)
    assert graph.cluster_of(tree, "vac") == "生物药" and graph.cluster_of(tree, "tcm") is None
    assert graph.cluster_codes(tree, "生物药") == {"mid", "bio", "vac", "cro", "up"}
    data = graph.echarts_tree(
        tree, graph.score_tree(tree, {}), root_name="链", ids={}, keep={"mid", "bio", "vac"}
    )
    assert [c["name"] for c in data["children"]] == ["中游"]  # type: ignore[index]


@pytest.mark.parametrize(
    "specs, message",
    [
        ([LinkSpec("a", "A", "up"), LinkSpec("a", "B", "up")], "duplicate"),
        ([LinkSpec("a", "A", "sideways")], "stream"),
        ([LinkSpec("a", "A", "up", parent="zz")], "parent"),
        ([LinkSpec("a", "A", "up", needs=("zz",))], "needed"),
        ([LinkSpec("a", "A", "up", needs=("a",))], "itself"),
        ([LinkSpec("a", "A", "up", parent="b"), LinkSpec("b", "B", "up", parent="a")], "cycle"),
    ],
)
def test_bad_taxonomies_are_refused(specs: list[LinkSpec], message: str) -> None:
    with pytest.raises(graph.TaxonomyError, match=message):
        graph.build_tree(specs)
