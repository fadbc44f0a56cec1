"""The narrative pipeline in a helper process, loading while the caller does other work.

Importing spaCy and loading the trained pipeline is ~0.5 s of CPU, half of a one-report command;
reading the report's file is the other half. ``AnalyserProcess`` forks a process that imports
spaCy (without its command line) and loads the pipeline at once, and answers ``analyse(text,
allowed)`` as ``nlp.analyse.analyse`` does: on two cores the two halves overlap. Only where the
platform forks (Linux); elsewhere, and whenever the helper cannot answer (it failed to start,
died, or its pipeline failed to load), the analysis runs in this process as before, and a failure
is the same exception the in-process analysis would raise.
"""

from __future__ import annotations

import atexit
import contextlib
import multiprocessing as mp
import sys
from multiprocessing.connection import Connection
from types import SimpleNamespace
from typing import Any


def _serve(conn: Connection, model: str | None) -> None:
    from gongkai.extract.regexes import keep_compiled, save

    keep_compiled("narrative")  # spaCy's and the segmenters' patterns, from the last run's compiler output
    try:
        from .imports import import_spacy

        import_spacy()
        from .analyse import analyse, load

        nlp = load(model)
    except BaseException as exc:  # noqa: BLE001 - told to the caller, which then analyses itself
        conn.send(("unavailable", f"{type(exc).__name__}: {exc}"))
        return
    conn.send(("ready", None))
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        if request is None:
            save()
            return
        text, allowed = request
        try:
            result = analyse(text, allowed, nlp)
            # plain data: unpickling the Analysis class would import its module, and spaCy with it
            conn.send(("ok", {k: [vars(x) for x in getattr(result, k)] for k in ("sentences", "items", "facts")}))
        except Exception as exc:  # noqa: BLE001 - raised again on the caller's side
            try:
                conn.send(("error", exc))
            except Exception:  # noqa: BLE001 - an exception that does not pickle
                conn.send(("error", RuntimeError(f"{type(exc).__name__}: {exc}")))


class AnalyserProcess:
    """``analyse`` answered by a forked helper that loads the pipeline in parallel (see the module): an
    object with the ``sentences``, ``items`` and ``facts`` of ``nlp.analyse.Analysis``, each with its fields."""

    def __init__(self, model: str | None = None):
        self.model = model
        self._conn: Connection | None = None
        self._proc: Any = None
        self._ready: bool | None = None
        if not sys.platform.startswith("linux"):  # forking is Linux's cheap, safe default; elsewhere: here
            return
        ctx = mp.get_context("fork")
        self._conn, child = ctx.Pipe()
        try:
            self._proc = ctx.Process(target=_serve, args=(child, model), daemon=True)
            self._proc.start()
        except OSError:
            self._conn = None
        finally:
            child.close()

    def _usable(self) -> bool:
        if self._ready is None:
            try:
                status, _ = self._conn.recv() if self._conn is not None else ("unavailable", None)
            except (EOFError, OSError):
                status = "unavailable"
            self._ready = status == "ready"
        return self._ready

    def analyse(self, text: str, allowed: list[str] | None = None) -> Any:
        if self._conn is not None and self._usable():
            try:
                self._conn.send((text, allowed))
                status, payload = self._conn.recv()
            except (EOFError, OSError):
                self._ready = False
            else:
                if status == "error":
                    raise payload
                return SimpleNamespace(**{k: [SimpleNamespace(**x) for x in v] for k, v in payload.items()})
        from .imports import import_spacy

        import_spacy()
        from .analyse import analyse, load

        return analyse(text, allowed, load(self.model))

    def close(self) -> None:
        """Stop the helper: told to when it answered, killed when it is still loading (never waited for)."""
        if self._proc is not None:
            if self._ready and self._conn is not None:
                with contextlib.suppress(OSError):
                    self._conn.send(None)
                self._proc.join(0.5)
            if self._proc.is_alive():
                self._proc.kill()
                self._proc.join(1)
        if self._conn is not None:
            self._conn.close()

    def __enter__(self) -> AnalyserProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_early: AnalyserProcess | None = None


def start_early(model: str | None = None) -> None:
    """Fork the helper now, before the caller has parsed its command line.

    The helper's import of spaCy is the one-report command's critical path: every 0.1 s it starts
    sooner is 0.1 s off the command (the command line library alone takes ~0.15 s to import and
    parse). ``claim`` hands it over; a helper nobody claims is stopped at exit.
    """
    global _early
    if _early is None:
        _early = AnalyserProcess(model)
        atexit.register(_early.close)


def claim(model: str | None = None) -> AnalyserProcess:
    """The helper ``start_early`` forked for this model, or a new one."""
    global _early
    helper, _early = _early, None
    if helper is not None and helper.model == model:
        return helper
    if helper is not None:
        helper.close()
    return AnalyserProcess(model)
