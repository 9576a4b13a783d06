"""Guide files: complete in Danish and English, and every kind of mistake is named."""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import BaseModel

from flows.loader import GuideError, default_guide_dir, load_guides, parse_guide
from flows.model import Guide, Text
from tests.conftest import free_port

SHIPPED = ["klubfaellesskaber", "kommer-forbi", "partnerskaber", "samskabelse", "vejviseren"]


def texts(node: Any) -> list[Text]:
    """Every user-facing string in a loaded guide."""
    if isinstance(node, Text):
        return [node]
    if isinstance(node, list):
        return [t for item in node for t in texts(item)]
    if isinstance(node, BaseModel):
        return [t for name in type(node).model_fields for t in texts(getattr(node, name))]
    return []


def test_the_five_guides_are_shipped(guides: dict[str, Guide]) -> None:
    assert sorted(guides) == SHIPPED


@pytest.mark.parametrize("guide_id", SHIPPED)
def test_every_string_is_in_danish_and_english(guides: dict[str, Guide], guide_id: str) -> None:
    strings = texts(guides[guide_id])
    assert len(strings) > 20
    for text in strings:
        assert text.da.strip() and text.en.strip()
    untranslated = [t.da for t in strings if t.da == t.en and len(t.da) > 25]
    assert not untranslated, f"copied, not translated: {untranslated[:3]}"


def test_kommer_forbi_starts_with_the_prerequisites_and_points_to_afdaekning(guides: dict[str, Guide]) -> None:
    guide = guides["kommer-forbi"]
    first = guide.sections[0]
    assert [s.kind for s in first.steps[:1]] == ["confirm"]
    assert any("Afdækning" in s.text.da for s in first.steps)
    relation = guide.step("relation")
    assert {o.id for o in relation.options} == {"close", "acquaintance", "none"}
    follow_up = [n for s in guide.steps for n in s.nudges if n.kind == "follow_up"]
    assert follow_up and follow_up[0].after is not None and follow_up[0].after.days == 7


def test_vejviseren_branches_into_three_routes_that_join_at_trin_4(guides: dict[str, Guide]) -> None:
    guide = guides["vejviseren"]
    route = guide.step("route")
    targets = {guide.section_of(t.to).id for t in route.next}
    assert len(targets) == 3


def base_guide() -> dict[str, Any]:
    return yaml.safe_load((default_guide_dir() / "kommer-forbi.yaml").read_text(encoding="utf-8"))


def problems(raw: dict[str, Any]) -> list[str]:
    with pytest.raises(GuideError) as error:
        parse_guide(raw, "kommer-forbi.yaml")
    return [str(p) for p in error.value.problems]


def first_steps(raw: dict[str, Any]) -> list[dict[str, Any]]:
    return raw["sections"][0]["steps"]


def test_an_unknown_step_reference_is_named() -> None:
    raw = base_guide()
    first_steps(raw)[0]["next"] = [{"to": "nowhere"}]
    assert any("step 'target_group_chosen'" in p and "unknown step 'nowhere'" in p for p in problems(raw))


def test_an_unreachable_step_is_named() -> None:
    raw = base_guide()
    step = first_steps(raw)[0]
    step["next"] = [{"to": "actors_chosen"}]
    assert any("step 'target_group': unreachable" in p for p in problems(raw))


def test_a_step_with_no_way_on_is_named() -> None:
    raw = base_guide()
    last = raw["sections"][-1]["steps"][-1]
    last.pop("end", None)
    assert any(f"step '{last['id']}': no way on" in p for p in problems(raw))


def test_duplicate_ids_are_named() -> None:
    raw = base_guide()
    steps = first_steps(raw)
    steps.append(copy.deepcopy(steps[1]))
    assert any(f"step '{steps[1]['id']}': duplicate step id" in p for p in problems(raw))


def test_a_missing_translation_is_named() -> None:
    raw = base_guide()
    del first_steps(raw)[1]["text"]["en"]
    assert any("step 'target_group': text.en: missing translation 'en'" in p for p in problems(raw))


def test_a_malformed_timing_is_named() -> None:
    raw = base_guide()
    for step in (s for section in raw["sections"] for s in section["steps"]):
        for nudge in step.get("nudges", []):
            if "after" in nudge:
                nudge["after"] = "a week"
                broken = step["id"]
    assert any(f"step '{broken}'" in p and "malformed timing 'a week'" in p for p in problems(raw))


def test_a_loop_back_is_refused() -> None:
    raw = base_guide()
    first_steps(raw)[2]["next"] = [{"to": "target_group_chosen"}]
    assert any("must not loop back" in p for p in problems(raw))


def step_of(raw: dict[str, Any], step_id: str) -> dict[str, Any]:
    return next(s for section in raw["sections"] for s in section["steps"] if s["id"] == step_id)


WAIT = {"message": {"da": "Har I ringet?", "en": "Have you called?"}}


def test_only_a_yes_no_question_can_wait() -> None:
    raw = base_guide()
    step_of(raw, "target_group")["wait"] = WAIT
    assert any("step 'target_group'" in p and "only a confirm step can wait" in p for p in problems(raw))


def test_a_test_for_no_on_a_waiting_step_is_refused_as_it_can_never_hold() -> None:
    raw = base_guide()
    step_of(raw, "target_group_chosen")["wait"] = WAIT
    assert any("step 'target_group_chosen'" in p and "waits on 'no' instead of storing it" in p for p in problems(raw))


def test_a_wait_timed_on_a_step_that_is_not_a_date_is_named() -> None:
    raw = base_guide()
    step_of(raw, "call_close")["wait"] = {**WAIT, "at": "relation"}
    assert any("step 'call_close': wait: step 'relation' is not a date step" in p for p in problems(raw))


def test_a_pause_step_leads_nowhere_and_does_not_also_end_the_guide() -> None:
    raw = base_guide()
    step_of(raw, "stop_here")["next"] = [{"to": "contact_person"}]
    assert any("step 'stop_here'" in p and "a pause step has no 'next'" in p for p in problems(raw))
    raw = base_guide()
    step_of(raw, "stop_here")["end"] = True
    assert any("step 'stop_here'" in p and "ends the guide or pauses it, not both" in p for p in problems(raw))


def test_the_server_refuses_to_start_on_a_broken_guide(tmp_path: Path) -> None:
    guides = tmp_path / "guides"
    guides.mkdir()
    raw = base_guide()
    first_steps(raw)[0]["next"] = [{"to": "nowhere"}]
    (guides / "kommer-forbi.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    config = tmp_path / "config.toml"
    config.write_text(f'guides_dir = "{guides}"\ndata_dir = "{tmp_path / "data"}"\n', encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "--config", str(config), "serve", "--port", str(free_port())],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "kommer-forbi.yaml: step 'target_group_chosen': next: unknown step 'nowhere'" in result.stderr
    assert "Traceback" not in result.stderr


def test_guides_cli_lists_shows_validates_and_draws() -> None:
    def run(*args: str) -> str:
        result = subprocess.run([sys.executable, "-m", "bot.cli", "guides", *args], capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        return result.stdout

    assert all(g in run("list") for g in SHIPPED)
    assert "Svar: vælg én" in run("show", "kommer-forbi")  # the relation question, a single choice
    assert "5 guides are valid" in run("validate")
    diagram = run("diagram", "vejviseren")
    assert diagram.startswith("flowchart TD") and "-->|" in diagram


def test_load_guides_reports_every_file(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("id: [unclosed", encoding="utf-8")
    with pytest.raises(GuideError, match="a.yaml: cannot be read"):
        load_guides(tmp_path)
