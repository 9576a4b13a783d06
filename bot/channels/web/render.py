"""Replies as the browser page draws them: JSON, with text kept as structure.

The page builds its DOM from this tree with ``textContent`` only, so no answer, name or
guide text is ever parsed as markup (the usual Markdown-to-HTML path would need a
sanitiser). Commands are mentioned the way the page accepts them: ``/start <guide>``.
A tip carries its own label: the guide's text often opens with one ("Tip!", "Husk!",
"Eksempel:"), and the page shows that word as the tip's label instead of its own "Tip"
above the same word.
"""

from __future__ import annotations

import re
from typing import Any

from bot.replies import ExportReply, Reply, TipReply, dump_replies

COMMAND_PREFIX = "/"
# One word and "!" or ":" opening a tip: "Tip! ", "Husk! ", "Remember! ", "Eksempel: ".
_TIP_LABEL = re.compile(r"^(\w{1,20})[!:]\s+(?=\S)")


def _commands_as_typed(node: Any) -> Any:
    if isinstance(node, dict):
        if node.get("kind") == "command":
            return {"kind": "command", "text": f"{COMMAND_PREFIX}{node['command']}"}
        return {key: _commands_as_typed(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_commands_as_typed(item) for item in node]
    return node


def _label_tip(data: dict[str, Any]) -> None:
    """Move a tip's opening "Tip!"/"Husk!" out of its text into ``label`` (None: the page's own)."""
    data["label"] = None
    blocks = data["text"]["blocks"]
    if not blocks or blocks[0]["kind"] != "paragraph" or not blocks[0]["lines"] or not blocks[0]["lines"][0]:
        return
    first = blocks[0]["lines"][0][0]
    found = _TIP_LABEL.match(first.get("text", "")) if first.get("kind") == "span" else None
    if found:
        data["label"] = found.group(1)
        first["text"] = first["text"][found.end() :]


def render(replies: list[Reply], export_links: dict[int, dict[str, str]]) -> list[dict[str, Any]]:
    """``export_links`` maps a project id to its download links by format; an export
    without links (one the coach posted on its own) shows its title alone."""
    rendered = _commands_as_typed(dump_replies(replies))
    for reply, data in zip(replies, rendered, strict=True):
        if isinstance(reply, ExportReply) and reply.project_id in export_links:
            data["links"] = export_links[reply.project_id]
        if isinstance(reply, TipReply):
            _label_tip(data)
    return rendered
