"""Across reports: who a report's body is (organisation key, place), and one body over the years."""
