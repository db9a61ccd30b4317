"""The lint engine: read payload files into tasks, check each task against its schema, locate findings.

``source`` reads bytes into tasks (and every way a file can be broken into a problem),
``positions`` maps JSON Pointers back to lines and columns, ``engine`` runs a schema with the
custom ``keywords`` (``media`` looks inside inline files, ``messages`` words each finding),
``run`` is the front door (tasks, files, trees) and ``parallel`` spreads large inputs over cores.
Nothing here reads a project's configuration: that is ``wanspec.project``.
"""
