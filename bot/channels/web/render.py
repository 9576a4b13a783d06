"""Replies as the browser page draws them: JSON, with text kept as structure.

The page builds its DOM from this tree with ``textContent`` only, so no answer, name or
guide text is ever parsed as markup (the usual Markdown-to-HTML path would need a
sanitiser). Commands are mentioned the way the page accepts them: ``/start <guide>``.
"""

from __future__ import annotations

from typing import Any

from bot.replies import ExportReply, Reply, dump_replies

COMMAND_PREFIX = "/"


def _commands_as_typed(node: Any) -> Any:
    if isinstance(node, dict):
        if node.get("kind") == "command":
            return {"kind": "command", "text": f"{COMMAND_PREFIX}{node['command']}"}
        return {key: _commands_as_typed(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_commands_as_typed(item) for item in node]
    return node


def render(replies: list[Reply], export_links: dict[int, dict[str, str]]) -> list[dict[str, Any]]:
    """``export_links`` maps a project id to its download links by format; an export
    without links (one the coach posted on its own) shows its title alone."""
    rendered = _commands_as_typed(dump_replies(replies))
    for reply, data in zip(replies, rendered, strict=True):
        if isinstance(reply, ExportReply) and reply.project_id in export_links:
            data["links"] = export_links[reply.project_id]
    return rendered
