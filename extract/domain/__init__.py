"""What a report is: the data dictionary, cell mapping, rules, repair, sections, metadata, narrative."""
