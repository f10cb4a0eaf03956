"""A storage subnet package, laid out as subnets lay theirs out (protocol.py inside the package)."""
