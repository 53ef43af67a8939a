"""The orders the register can be listed in (their names only: the command line builds its
options from this without loading the search and database code, which maps each name to a column)."""

SORT_NAMES = ("rank", "census_number", "title", "year", "updated")
