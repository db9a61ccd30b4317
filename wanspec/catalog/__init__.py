"""The bundled catalogue: the per-model schemas and the rules, read through ``importlib.resources``.

``store`` indexes what the data files under ``schemas/`` say (nothing here knows a model),
``views`` is the public view of it, ``lower`` turns a wanspec schema into plain draft 2020-12,
and ``export`` writes those standard schemas for editors and other validators.
"""
