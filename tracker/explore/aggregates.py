"""Aggregates shown on pages and in CSV: the who-asked-whom matrix (timelines are in timelines.py)."""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count

from tracker.models import Country


@dataclass
class Matrix:
    """Requesters as rows, asked countries as columns, request counts in the cells."""

    rows: list  # Country, most requests first
    columns: list
    cells: dict  # (requester pk, supplier pk) -> count
    row_totals: Counter = field(default_factory=Counter)
    column_totals: Counter = field(default_factory=Counter)

    @property
    def total(self):
        return sum(self.row_totals.values())

    @property
    def largest(self):
        return max(self.cells.values(), default=0)

    @property
    def hidden_rows(self):
        return len(self.row_totals) - len(self.rows)

    @property
    def hidden_columns(self):
        return len(self.column_totals) - len(self.columns)

    def footer(self):
        return [self.column_totals[col.pk] for col in self.columns]

    def grid(self):
        """Rows of (country, [(column, count), ...], requests to columns not shown, row total)."""
        grid = []
        for row in self.rows:
            cells = [(col, self.cells.get((row.pk, col.pk), 0)) for col in self.columns]
            total = self.row_totals[row.pk]
            grid.append((row, cells, total - sum(n for _, n in cells), total))
        return grid

    def others_row(self):
        """Per column, the requests from requesters not shown; then their grand total."""
        shown = {row.pk for row in self.rows}
        per_column = [
            self.column_totals[col.pk] - sum(self.cells.get((r, col.pk), 0) for r in shown) for col in self.columns
        ]
        hidden_total = sum(n for pk, n in self.row_totals.items() if pk not in shown)
        return per_column, hidden_total - sum(per_column)


def who_asked_whom(requests, limit=None):
    """Count requests per requester and asked country in two queries, whatever the number of requests."""
    pairs = requests.order_by().values_list("requester", "supplier").annotate(n=Count("id"))
    cells = {(r, s): n for r, s, n in pairs}
    row_totals, column_totals = Counter(), Counter()
    for (r, s), n in cells.items():
        row_totals[r] += n
        column_totals[s] += n
    row_ids = [pk for pk, _ in row_totals.most_common(limit)]
    column_ids = [pk for pk, _ in column_totals.most_common(limit)]
    countries = Country.objects.in_bulk(set(row_ids) | set(column_ids))
    return Matrix(
        rows=[countries[pk] for pk in row_ids],
        columns=[countries[pk] for pk in column_ids],
        cells=cells,
        row_totals=row_totals,
        column_totals=column_totals,
    )
