"""Dates as ISO 8601 in the admin (2025-10-17, 2025-10-17 14:03), as in our CSV files and date filters."""
