"""``python -m gongkai``: the same as the ``gongkai`` command."""

from gongkai.extract.interfaces.entry import main

main()
