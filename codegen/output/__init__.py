"""Stage 5, output: the only stage that touches the output tree.

Takes formatted files per package; ``writer`` plans what to write, replace and remove
(the manifest says what the generator owns) and applies it atomically; ``gap`` reports
user code (hooks, handlers) that no longer fits; ``stamp`` knows when a run would change
nothing without doing it; ``lock`` keeps other runs out of the tree while one plans and
writes it.
"""
