"""``python -m gongkai``: the same as the ``gongkai`` command."""

from gongkai.extract.interfaces.cli import app

app(prog_name="gongkai")
