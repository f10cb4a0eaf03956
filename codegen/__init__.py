"""subnet-apigen: typed bittensor client layers from a subnet's synapse description.

The pipeline, one module per stage:
load (``load_yaml``) -> validate (``schema``) -> build the spec (``parser``) ->
render (``render``) -> format (``fmt``) -> write (``writer``); ``pipeline`` wires them.
"""

__version__ = "0.1.0"
