"""The browser chat: a page served by the bot and the JSON API behind it."""
