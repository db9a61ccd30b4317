"""The project layer: what a repository's configuration adds to a lint run.

``config`` and ``config_lookup`` find and read ``wanspec.toml`` / ``[tool.wanspec]``,
``policy`` and ``globs`` turn it into per-file choices, ``baseline`` holds findings accepted on
purpose, ``fix`` repairs what can be repaired, and ``run`` performs one whole run the way
``wanspec lint`` does.
"""
