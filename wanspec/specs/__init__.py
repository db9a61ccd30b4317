"""Published specs and the bundled schemas: ``wanspec schemas check``.

``sources`` reads what providers publish (runware-sdk's generated task map, read as source;
JSON Schema and OpenAPI documents) into one neutral form; ``fetch`` downloads a document
on request, into a cache; ``check`` compares the bundled schemas with them and reports each
difference as a ``Diagnostic`` (WS92x/WS93x in ``rules.json``).
"""
