"""The report pipeline, installed as ``gongkai.extract``; the public face is ``gongkai``.

Layers, each a subpackage: ``input`` (sniffing and format readers: bytes to a layout
``Document``), ``domain`` (what a report is: data dictionary, mapping, rules, sections,
metadata, narrative), ``archive`` (whole-archive runs into DuckDB) and ``interfaces``
(command line, review page, debug drawing). ``pipeline`` joins input to domain.
"""
