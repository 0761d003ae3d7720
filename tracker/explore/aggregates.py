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
        grid, get = [], self.cells.get
        columns = [(col, col.pk) for col in self.columns]  # pk is a property: 1,600 reads a 40 × 40 page
        for row in self.rows:
            r = row.pk
            cells = [(col, get((r, c), 0)) for col, c in columns]
            total = self.row_totals[r]
            grid.append((row, cells, total - sum(n for _, n in cells), total))
        return grid

    def others_row(self):
        """Per column, the requests from requesters not shown; then their grand total."""
        shown, get = [row.pk for row in self.rows], self.cells.get
        per_column = [
            self.column_totals[c] - sum(get((r, c), 0) for r in shown) for c in (col.pk for col in self.columns)
        ]
        hidden_total = sum(n for pk, n in self.row_totals.items() if pk not in shown)
        return per_column, hidden_total - sum(per_column)


def live_pairs(requests):
    """{(requester pk, asked country pk): requests} in one GROUP BY over the requests."""
    pairs = requests.order_by().values_list("requester", "supplier").annotate(n=Count("id"))
    return {(r, s): n for r, s, n in pairs}


def strongest(totals, limit):
    """The keys with the largest counts, most first, ties by key (the same order however counted)."""
    return sorted(totals, key=lambda pk: (-totals[pk], pk))[:limit]


def who_asked_whom(requests, limit=None):
    """Count requests per requester and asked country live, in two queries, whatever the number of requests."""
    return whole_matrix(live_pairs(requests), limit)


def whole_matrix(cells, limit):
    """The matrix of every cell counted: the totals are their sums."""
    row_totals, column_totals = Counter(), Counter()
    for (r, s), n in cells.items():
        row_totals[r] += n
        column_totals[s] += n
    return matrix(cells, row_totals, column_totals, limit)


def tallied_matrix(rows, limit=None, totals=None):
    """The matrix from summary rows (a RequestTally queryset). Cut to limit: the totals (given, or summed from
    rows), then the cells shown."""
    if limit is None:
        return whole_matrix(rows.sum_by("requester", "supplier"), limit)
    row_totals, column_totals = totals or (rows.sum_by("requester"), rows.sum_by("supplier"))
    row_totals, column_totals = Counter(row_totals), Counter(column_totals)
    shown = rows.filter(requester__in=strongest(row_totals, limit), supplier__in=strongest(column_totals, limit))
    return matrix(shown.sum_by("requester", "supplier"), row_totals, column_totals, limit)


def matrix(cells, row_totals, column_totals, limit):
    row_ids, column_ids = strongest(row_totals, limit), strongest(column_totals, limit)
    countries = Country.objects.in_bulk(set(row_ids) | set(column_ids))
    return Matrix(
        rows=[countries[pk] for pk in row_ids],
        columns=[countries[pk] for pk in column_ids],
        cells=cells,
        row_totals=row_totals,
        column_totals=column_totals,
    )
