"""Skip the patterns a text cannot match, by the plain words each match must contain.

The condition table compiles into some thirteen hundred case-insensitive patterns, each opening
with a look-behind, so the regular-expression engine cannot jump to a likely start and tries every
position of every text: about four milliseconds a text, the largest part of composing a draft.
Nearly every pattern holds a run of plain characters that any match must contain ("pneumonia"), or
one of a few ("damage" or "scarring"); a pattern none of whose runs is in the text (case folded)
cannot match it and is not tried.
The result is the same as trying every pattern: only the work changes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from re import _constants as sre_constants  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any, Generic, TypeVar

T = TypeVar("T")

#: Shorter runs than this filter too little to be worth the check.
_MIN_RUN = 3
#: Letters a case-insensitive pattern matches as a plain one ("ı" as "i", "ſ" as "s", the Kelvin sign as
#: "k", "İ" as "i") but that case folding leaves as they are or turns into two letters.
_SIMPLE_FOLD = str.maketrans({"ı": "i", "İ": "i", "ſ": "s", "\u212a": "k"})


Requirement = tuple[str, ...]
"""Plain-character runs at least one of which every match contains ("" for none)."""


def _best(options: list[Requirement]) -> Requirement:
    """The requirement that filters most: its shortest run longest, then the fewest runs."""
    usable = [o for o in options if o and min(map(len, o)) >= _MIN_RUN]
    return max(usable, key=lambda o: (min(map(len, o)), -len(o)), default=())


def _requirements(data: Any) -> tuple[list[Requirement], str | None]:
    """What every match of the parsed sequence ``data`` contains, as requirements, and the whole
    sequence as one plain run when it is nothing but plain characters (else None)."""
    options: list[Requirement] = []
    current = ""
    whole = True
    for op, av in data:
        if op is sre_constants.LITERAL:
            current += chr(av)
            continue
        if op is sre_constants.SUBPATTERN and not av[1] and not av[2]:
            inner, inner_run = _requirements(av[3])
            if inner_run is not None:
                current += inner_run
                continue
            options += [(current,), *inner]
        elif op is sre_constants.BRANCH:
            # one of the branches matches: the union of each branch's best requirement, when each has one
            each = [_best(_requirements(branch)[0] + _whole(branch)) for branch in av[1]]
            options += [(current,), tuple(sorted(set().union(*each))) if all(each) else ()]
        elif op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT) and av[0] >= 1:
            options += [(current,), *_requirements(av[2])[0]]
        else:  # a class, an optional part, a look-around: nothing required, and the run is broken
            options.append((current,))
        whole = False
        current = ""
    options.append((current,))
    return [o for o in options if o and all(o)], current if whole else None


def _whole(data: Any) -> list[Requirement]:
    run = _requirements(data)[1]
    return [(run,)] if run else []


def required_literals(pattern: re.Pattern[str]) -> Requirement:
    """Plain-character runs, case folded, at least one of which every match of ``pattern`` contains,
    or () when there are none worth checking (the pattern is then always tried)."""
    if pattern.flags & re.VERBOSE:
        return ()
    try:
        parsed = sre_parse.parse(pattern.pattern, pattern.flags)
    except Exception:  # a private parser: any surprise means "always try"
        return ()
    best = _best(_requirements(parsed.data)[0])
    if not all(run.isascii() for run in best):
        return ()
    return tuple(run.casefold() for run in best) if pattern.flags & re.IGNORECASE else best


class Prefiltered(Generic[T]):
    """``(item, pattern)`` pairs, each tried only on texts holding one of its required runs."""

    def __init__(self, pairs: Sequence[tuple[T, re.Pattern[str]]]) -> None:
        self.pairs = list(pairs)
        # a run is looked for once per text, in the folded text for a case-insensitive pattern
        self._needs = [
            frozenset((run, bool(p.flags & re.IGNORECASE)) for run in required_literals(p))
            for _, p in self.pairs
        ]
        self._runs = sorted(set().union(*self._needs))

    def candidates(self, text: str) -> list[tuple[T, re.Pattern[str]]]:
        """The pairs, in order, whose pattern could match ``text``."""
        folded = text.translate(_SIMPLE_FOLD).casefold()
        present = {(run, folds) for run, folds in self._runs if run in (folded if folds else text)}
        return [
            pair
            for pair, needs in zip(self.pairs, self._needs, strict=True)
            if not needs or not needs.isdisjoint(present)
        ]
