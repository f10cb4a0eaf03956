"""subnet-apigen: typed bittensor client layers from a subnet's synapse description.

The pipeline, one module per stage:
load (``load_yaml``) -> validate (``schema``) -> build the spec (``parser``) ->
render (``render``) -> format (``fmt``, with ``layout`` and ``blackform``) -> write
(``writer``); ``pipeline`` wires them, ``cache`` and ``stamp`` spare re-runs the work.
``launch`` is the entry point: it hands a run to ``server`` (``subnet-apigen serve``) if one
is up, else runs ``cli`` in its own process.
"""

__version__ = "0.1.0"
