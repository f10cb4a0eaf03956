"""Stage 4, format: rendered Python made Black's, unit by unit.

Takes ``RenderedFile``s; gives the same files in Black's form (``files``). Most units are
laid out (``layout``) and recognised as already Black-stable (``blackform``) without
running Black; the rest, and everything with a Black release the recogniser was not
verified against, go through Black itself.
"""
