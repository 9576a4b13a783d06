"""The browser chat channel."""
