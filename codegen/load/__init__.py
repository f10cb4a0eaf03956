"""Stage 1, load: read what a run starts from, without deciding anything about it.

Takes a schema argument (a YAML file, a ``.py`` file or a dotted module) and gives a
positioned document: ``yaml_source`` parses YAML keeping every node's line and column,
``python_source`` imports a protocol module and locates its classes and fields,
``schema`` models the YAML input format (what the JSON Schema is made from), ``config``
reads ``[tool.subnet-apigen]``, and ``cache`` is where earlier runs' work is kept.
"""
