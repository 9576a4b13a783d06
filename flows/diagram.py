"""Draw a guide as a Mermaid flowchart: one subgraph per section, one node per step.

End steps are rounded, pause steps are hexagons, and a step that waits for something to be
done in the world starts with an hourglass.
"""

from __future__ import annotations

from flows.loader import exits
from flows.model import Condition, Guide, Step


def _label(text: str, limit: int = 48) -> str:
    text = text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
    return text.replace('"', "'")


def _node(step_id: str) -> str:
    return step_id.replace("-", "_")


def _condition_label(guide: Guide, condition: Condition, lang: str) -> str:
    tested = guide.step(condition.step)
    if condition.equals is not None:
        if isinstance(condition.equals, bool):
            return "✓" if condition.equals else "✗"
        option = tested.option(condition.equals)
        return option.label.get(lang) if option else condition.equals
    if condition.in_ is not None:
        return " / ".join(o.label.get(lang) for o in tested.options if o.id in condition.in_)
    if condition.contains is not None:
        option = tested.option(condition.contains)
        return "+ " + (option.label.get(lang) if option else condition.contains)
    return "✓" if condition.answered else "–"


def _edges(guide: Guide, step: Step, lang: str) -> list[str]:
    if not step.next:
        return [f"    {_node(step.id)} --> {_node(target)}" for target in exits(guide, step)]
    lines = []
    for transition in step.next:
        if transition.when is None:
            lines.append(f"    {_node(step.id)} --> {_node(transition.to)}")
        else:
            label = _label(_condition_label(guide, transition.when, lang), 30)
            lines.append(f'    {_node(step.id)} -->|"{label}"| {_node(transition.to)}')
    return lines


def _shape(step: Step) -> tuple[str, str]:
    if step.end:
        return '(["', '"])'
    if step.pause:
        return '{{"', '"}}'
    return '["', '"]'


def mermaid(guide: Guide, lang: str = "da") -> str:
    lines = ["flowchart TD"]
    for section in guide.sections:
        lines.append(f'  subgraph {_node(section.id)}_section["{_label(section.title.get(lang), 60)}"]')
        for step in section.steps:
            opening, closing = _shape(step)
            label = ("⏳ " if step.wait else "") + _label(step.text.get(lang))
            lines.append(f"    {_node(step.id)}{opening}{label}{closing}")
        lines.append("  end")
    for step in guide.steps:
        lines.extend(_edges(guide, step, lang))
    return "\n".join(lines) + "\n"
