"""Reading inputs: the format from the bytes (``sniff``), then a reader per format to a layout ``Document``."""
