"""The running application: config, CLI, the aiohttp server, the channel adapters."""
