"""Targets: one object per bittensor major version the generator writes packages for.

Takes a ``SubnetSpec``; gives what differs between targets: the template folder, which
files a package holds and from which templates, what the package needs at run time, the
target's own template filters, and what the target can't generate yet (reported as bad
input before anything renders). Adding or changing a target touches its module here and
its templates, nothing else.
"""

from __future__ import annotations

from codegen.targets import bt10, bt11
from codegen.targets.target import Target

MAJORS = ("10", "11")
_BY_MAJOR = {"10": bt10.TARGET, "11": bt11.TARGET}


def get(major: str) -> Target:
    """The target for --bittensor MAJOR."""
    return _BY_MAJOR[major]


__all__ = ["MAJORS", "Target", "get"]
