"""A helper for migrations that add or replace indexes (Django's loader skips modules starting with "_")."""


def analyze_again(apps, schema_editor):
    """SQLite: a database analyzed before (generate_data does) would plan with statistics for every index but the
    new ones: after 0018 it drove /requests/ from the country table and sorted a million rows (7 s). Analyzed
    again, or never, it plans well. PostgreSQL keeps column statistics, and autovacuum analyzes."""
    connection = schema_editor.connection
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if cursor.fetchone():
            cursor.execute("ANALYZE")
