"""How people reach the pipeline: the ``gongkai`` command, the review page, debug drawings."""
