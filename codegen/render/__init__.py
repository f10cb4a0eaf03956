"""Stage 3, render: the spec model through the Jinja templates, pure text in and text out.

Takes a ``SubnetSpec`` and a ``Target``; gives ``RenderedFile``s (``files``), reusing the
last run's rendering of unchanged synapses (``memo``). Templates only lay out what the
spec model and the filters here decided.
"""
