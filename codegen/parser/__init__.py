"""Stage 2, parse: a loaded document in, the one validated spec model out.

``from_yaml`` and ``from_python`` read the two input kinds through the same ``build``er
into ``spec`` (``SubnetSpec``, ``SynapseSpec``, ``FieldSpec``); ``types`` holds one class
per type kind; ``roles`` decides which side fills a field of Python input; ``imports``
answers what a generated module must import; ``memo`` reuses unchanged synapses' specs.
Every problem found is reported at its ``FILE:LINE:COL``.
"""
