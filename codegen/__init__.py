"""subnet-apigen: typed bittensor client layers from a subnet's synapse description.

One pipeline, one package per stage, run by ``pipeline`` for the command line (``cli``):

    load (YAML or Python) -> parser (the spec model) -> render (Jinja, per ``targets``)
    -> format (Black) -> output (the only stage that writes)

``targets`` holds one object per bittensor major version; ``cli`` also carries the side
commands (``breaking``, ``import``, ``json-schema``). Each stage's ``__init__`` says what
it takes and what it gives.
"""

__version__ = "0.1.0"
