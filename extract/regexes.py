"""Compiled regular expressions kept between runs of the command.

Python compiles a regular expression in Python code (``re._parser``, ``re._compiler``) and keeps it
for the process only. A cold ``gongkai extract`` compiles ~90 patterns in the command and ~700 in
its narrative helper (spaCy's tokenizer rules, the narrative's segmenters, typer, pydantic): ~0.04 s
and ~0.1 s of CPU, in every run. ``keep_compiled`` makes this process build each pattern it has
compiled before from the compiler's own output, kept in the cache folder (``extract/cache.py``):
the compiled program, its flags and groups, given to ``_sre.compile`` as ``re`` itself does.

Nothing is taken on trust: an entry is written only when the pattern it rebuilds compares equal
(same pattern, flags and compiled program: ``Pattern.__eq__``) to the one ``re`` compiled; a file
is read only by the interpreter release that wrote it (its name carries the version and ``_sre``'s
magic). Where Python's compiler is not laid out as expected, or no folder can be written, patterns
compile as usual. A file holds what its process used in its last run (patterns built from data,
such as ``tokenize``'s, which differ per run, do not pile up).
"""

from __future__ import annotations

import contextlib
import marshal
import os
import sys
from typing import Any

try:  # the compiler's internals: laid out so since Python 3.11
    import _sre
    from re import _compiler, _parser
except ImportError:  # pragma: no cover - another layout: no cache
    _sre = _compiler = _parser = None  # type: ignore[assignment]

_Key = tuple[Any, int]
_original = None
_role: str | None = None
_owner = 0
"""The process that called ``keep_compiled``: a process forked from it without calling it compiles as usual."""
_known: dict[_Key, tuple] = {}
_used: dict[_Key, tuple] = {}
_new = 0


def _file(role: str):
    from gongkai.extract.cache import cache_dir

    version = ".".join(map(str, sys.version_info[:3]))
    return cache_dir() / f"regex-{role}-{sys.implementation.name}-{version}-{_sre.MAGIC}-{_sre.CODESIZE}.marshal"


def compile_args(pattern: str | bytes, flags: int) -> tuple:
    """What ``re._compiler.compile`` gives ``_sre.compile`` after the pattern (Python 3.11-3.13)."""
    p = _parser.parse(pattern, flags)
    code = [int(c) for c in _compiler._code(p, flags)]  # opcodes are int subclasses; marshal keeps ints
    groupindex = dict(p.state.groupdict)
    indexgroup: list[str | None] = [None] * p.state.groups
    for name, i in groupindex.items():
        indexgroup[i] = name
    return (int(flags | p.state.flags), code, p.state.groups - 1, groupindex, tuple(indexgroup))


def _compile(pattern: Any, flags: int = 0):
    """``re._compiler.compile`` through the cache: what ``re`` calls for a pattern it has not compiled."""
    global _new
    if isinstance(pattern, (str, bytes)) and not flags & _compiler.SRE_FLAG_DEBUG and os.getpid() == _owner:
        key = (pattern, flags)
        args = _known.pop(key, None)
        if args is not None:
            with contextlib.suppress(Exception):  # an entry _sre refuses (its own check of the program): compiled
                built = _sre.compile(pattern, *args)
                _known[key] = _used[key] = args
                return built
        compiled = _original(pattern, flags)
        with contextlib.suppress(Exception):  # a pattern that does not rebuild is compiled each time
            args = compile_args(pattern, flags)
            if _sre.compile(pattern, *args) == compiled:
                _known[key] = _used[key] = args
                _new += 1
        return compiled
    return _original(pattern, flags)


def keep_compiled(role: str) -> None:
    """From now on this process builds the patterns ``role`` compiled in its last run from the cache, and keeps
    the new ones for ``save``. A process it forks (the narrative helper) calls it with its own role, or compiles
    as usual (a pool's workers: they would not save what they compiled)."""
    global _original, _role, _new, _owner
    if _sre is None or not hasattr(_compiler, "compile") or not hasattr(_compiler, "_code"):
        return
    if _original is None:
        _original = _compiler.compile
        _compiler.compile = _compile
    _role, _new, _owner = role, 0, os.getpid()
    _known.clear()
    _used.clear()
    with contextlib.suppress(OSError, ValueError, EOFError, TypeError):
        table = marshal.loads(_file(role).read_bytes())
        if isinstance(table, dict):
            _known.update(table)


def save() -> None:
    """Write the patterns this process used (those it compiled anew among them), if it compiled any anew."""
    global _new
    if _role is None or not _new or os.getpid() != _owner:
        return
    from gongkai.extract.cache import write_atomic

    with contextlib.suppress(OSError, ValueError):
        write_atomic(_file(_role), [marshal.dumps(dict(_used))])
        _new = 0
