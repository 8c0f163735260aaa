import re

import pytest
import yaml

from scorecard.frameworks import (
    CONTEXT_VARIABLES,
    FrameworkError,
    NearestNeighbours,
    load_frameworks,
    nearest_neighbour_table,
    parse_framework,
    threshold_table,
)
from scorecard.paths import PROJECT_ROOT

SEED = PROJECT_ROOT / "tests" / "fixtures" / "compact-scorecard-thriving-sector.txt"


def test_compact_scorecard_has_the_seeds_17_indicators_in_order(frameworks):
    (compact,) = [f for f in frameworks if f.id == "compact_thriving_sector"]
    assert compact.indicator_ids == [f"TS{i:02d}" for i in range(1, 18)]
    assert compact.points_per_indicator * len(compact.indicators) == 51
    seed = SEED.read_text(encoding="utf-8")
    for indicator in compact.indicators:
        assert indicator["text"] in seed
    texts = [i["text"] for i in compact.indicators]
    assert sorted(texts, key=seed.index) == texts
    assert compact.indicators[9]["evidence"]["measure"] == "ni7_pct_positive"


def test_thresholds_table(frameworks):
    table = threshold_table(frameworks)
    ts10 = table[table.indicator_id == "TS10"]
    assert ts10[["from_value", "score"]].values.tolist() == [[0, 0], [15, 1], [25, 2], [35, 3]]


@pytest.mark.parametrize(
    "document, message",
    [
        ({"id": "x", "name": "X", "points_per_indicator": 3}, "missing 'indicators'"),
        (
            {"id": "x", "name": "X", "points_per_indicator": 3, "indicators": [{"id": "A", "text": "a"}, {"id": "A", "text": "b"}]},
            "appears twice",
        ),
        (
            {
                "id": "x",
                "name": "X",
                "points_per_indicator": 3,
                "indicators": [{"id": "A", "text": "a", "evidence": {"measure": "nope", "thresholds": []}}],
            },
            "evidence measure",
        ),
        (
            {
                "id": "x",
                "name": "X",
                "points_per_indicator": 3,
                "indicators": [
                    {
                        "id": "A",
                        "text": "a",
                        "evidence": {"measure": "ni7_pct_positive", "thresholds": [{"from": 20, "score": 1}, {"from": 10, "score": 2}]},
                    }
                ],
            },
            "ascending",
        ),
        (
            {
                "id": "x",
                "name": "X",
                "points_per_indicator": 3,
                "indicators": [
                    {"id": "A", "text": "a", "evidence": {"measure": "ni7_pct_positive", "thresholds": [{"from": 0, "score": 4}]}}
                ],
            },
            "0 to 3",
        ),
    ],
)
def test_malformed_frameworks_are_reported(tmp_path, document, message):
    with pytest.raises(FrameworkError, match=re.escape(message)):
        parse_framework(document, tmp_path / "x.yaml")


def test_invalid_yaml_is_reported_with_its_line(tmp_path):
    (tmp_path / "bad.yaml").write_text("id: bad\nname: [unclosed\npoints_per_indicator: 3\n")
    frameworks, problems = load_frameworks(tmp_path)
    assert frameworks == [] and "bad.yaml: line" in problems[0] and "not valid YAML" in problems[0]


def test_a_user_can_add_a_framework_file(tmp_path):
    (tmp_path / "mine.yaml").write_text(
        yaml.safe_dump({"id": "mine", "name": "Mine", "points_per_indicator": 2, "indicators": [{"id": "M1", "text": "One"}]})
    )
    assert [f.id for f in load_frameworks(tmp_path)[0]] == ["mine"]


@pytest.mark.parametrize("bad_id", ["../../../../tmp/x/TRAV", "/abs", "a/b", "", "a..b", ".hidden", "x" * 65, "tab\there", True])
def test_a_framework_id_outside_the_safe_characters_refuses_the_file(tmp_path, bad_id):
    document = {"id": bad_id, "name": "X", "points_per_indicator": 3, "indicators": [{"id": "A1", "text": "a"}]}
    (tmp_path / "evil.yaml").write_text(yaml.safe_dump(document))
    frameworks, problems = load_frameworks(tmp_path)
    assert frameworks == []
    assert problems[0].startswith(f"{tmp_path / 'evil.yaml'}: line 1: framework id ")
    assert "must be a letter or digit, then up to 63 letters, digits, '_', '.' or '-', without '..'" in problems[0]


@pytest.mark.parametrize("bad_id", ["../TS01", "TS/01", "a..b", "-A"])
def test_an_indicator_id_outside_the_safe_characters_refuses_the_file_with_its_line(tmp_path, bad_id):
    document = {
        "id": "fine",
        "name": "X",
        "points_per_indicator": 3,
        "indicators": [{"id": "A1", "text": "a"}, {"id": bad_id, "text": "b"}],
    }
    (tmp_path / "evil.yaml").write_text(yaml.safe_dump(document, sort_keys=False))
    frameworks, problems = load_frameworks(tmp_path)
    assert frameworks == [] and problems == [
        f"{tmp_path / 'evil.yaml'}: line 7: indicator #2: id {bad_id!r} must be a letter or digit, then up to 63 letters, digits, "
        "'_', '.' or '-', without '..'"
    ]


def test_safe_ids_of_every_allowed_shape_load(tmp_path):
    document = {
        "id": "v2.0_Compact-x",
        "name": "X",
        "points_per_indicator": 3,
        "indicators": [{"id": 7, "text": "a"}, {"id": "TS.1-b_c", "text": "b"}],
    }
    (tmp_path / "fine.yaml").write_text(yaml.safe_dump(document))
    assert [f.indicator_ids for f in load_frameworks(tmp_path)[0]] == [[7, "TS.1-b_c"]]


def provider_framework(framework_id: str = "peers", **options) -> dict:
    return {
        "id": framework_id,
        "name": "P",
        "entity": "provider",
        "points_per_indicator": 3,
        "indicators": [{"id": "P1", "text": "p"}],
        **options,
    }


def test_nearest_neighbours_default_off_and_the_shipped_setting(frameworks, tmp_path):
    assert parse_framework(provider_framework(), tmp_path / "p.yaml").nearest_neighbours is None
    (community,) = [f for f in frameworks if f.id == "community_scorecard"]
    assert community.nearest_neighbours == NearestNeighbours(
        k=3, variables=("rural_population_pct_2011", "imd_pct_lsoas_most_deprived_10", "employment_rate", "median_weekly_pay")
    )
    table = nearest_neighbour_table(frameworks)
    assert table[["framework", "k", "variable", "position"]].values.tolist() == [
        ["community_scorecard", 3, variable, position] for position, variable in enumerate(community.nearest_neighbours.variables, 1)
    ]
    assert set(table.variable_label) <= set(CONTEXT_VARIABLES.values())


@pytest.mark.parametrize(
    "option, message",
    [
        ({"k": 3}, "a mapping with k (how many neighbours) and variables"),
        ({"k": 3, "variables": ["employment_rate"], "by": "type"}, "nothing else"),
        ({"k": 0, "variables": ["employment_rate"]}, "k must be a whole number from 1 to 50, not 0"),
        ({"k": True, "variables": ["employment_rate"]}, "k must be a whole number"),
        ({"k": 2.5, "variables": ["employment_rate"]}, "k must be a whole number"),
        ({"k": 3, "variables": []}, "variables must be a non-empty list"),
        ({"k": 3, "variables": ["imd_rank_of_average_score"]}, "variable 'imd_rank_of_average_score' must be one of"),
        ({"k": 3, "variables": ["employment_rate", "employment_rate"]}, "'employment_rate' appears twice"),
    ],
)
def test_a_malformed_nearest_neighbours_option_is_reported_with_its_line(tmp_path, option, message):
    (tmp_path / "p.yaml").write_text(yaml.safe_dump(provider_framework(nearest_neighbours=option), sort_keys=False))
    frameworks, problems = load_frameworks(tmp_path)
    assert frameworks == [] and len(problems) == 1
    assert message in problems[0] and re.match(rf"{re.escape(str(tmp_path / 'p.yaml'))}: line \d+: ", problems[0])


def test_nearest_neighbours_compare_providers_only(tmp_path):
    document = {**provider_framework(nearest_neighbours={"k": 3, "variables": ["employment_rate"]}), "entity": "area"}
    with pytest.raises(FrameworkError, match="needs entity: provider, not 'area'"):
        parse_framework(document, tmp_path / "a.yaml")


def test_frameworks_asking_for_different_nearest_neighbours_keep_the_first(tmp_path):
    same = {"k": 3, "variables": ["employment_rate", "claimant_rate"]}
    (tmp_path / "a.yaml").write_text(yaml.safe_dump(provider_framework("a", nearest_neighbours=same)))
    (tmp_path / "b.yaml").write_text(yaml.safe_dump(provider_framework("b", nearest_neighbours=same)))
    (tmp_path / "c.yaml").write_text(yaml.safe_dump(provider_framework("c", nearest_neighbours={**same, "k": 5})))
    (tmp_path / "d.yaml").write_text(yaml.safe_dump(provider_framework("d")))
    frameworks, problems = load_frameworks(tmp_path)
    assert [f.id for f in frameworks] == ["a", "b", "d"]
    assert len(problems) == 1 and "c.yaml: line" in problems[0] and "nearest_neighbours differs from framework 'a'" in problems[0]
