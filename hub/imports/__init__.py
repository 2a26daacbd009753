"""Spreadsheet imports of a hub's existing records (enterprises, past cases and visits) under /manage/imports/."""
