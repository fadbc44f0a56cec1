"""The ``gongkai`` command's entry point: the narrative helper starts before anything else loads.

One report with its narrative takes as long as the helper needs to import spaCy (~0.7 s), and
the command line library takes ~0.15 s to import and parse before the command runs. So when the
arguments plainly ask for ``extract`` with the narrative, the helper is forked first
(``nlp.remote.start_early``) and the command claims it; anything else imports the command line
as usual.
"""

from __future__ import annotations

import sys


def _wants_narrative(argv: list[str]) -> bool:
    """``gongkai extract …`` without --no-narrative or a help flag: the parse will ask for the helper."""
    return len(argv) > 2 and argv[1] == "extract" and not {"--no-narrative", "--help", "-h"} & set(argv[2:])


def _import_shared() -> None:
    """What the command and its narrative helper both import, imported once before the fork instead of once
    in each: pydantic (the report's model here, spaCy's config schemas there) and PyYAML (~0.08 s of CPU)."""
    import pydantic.main
    import pydantic.types  # noqa: F401
    import yaml  # noqa: F401


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1].isidentifier():  # a command (not --help): its patterns kept between runs
        import atexit

        from gongkai.extract.regexes import keep_compiled, save

        keep_compiled(f"cli-{sys.argv[1]}")
        atexit.register(save)
    if _wants_narrative(sys.argv):
        from gongkai.nlp.remote import start_early

        _import_shared()
        start_early()
    from gongkai.extract.interfaces.cli import app

    app(prog_name="gongkai")
