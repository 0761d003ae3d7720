from html import escape as html_escape
from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from tracker.explore import rows, timeline_chart

register = template.Library()
register.filter("quantity", rows.quantity)
register.simple_tag(rows.estimated, name="estimated")
register.simple_tag(rows.date_estimate_mark, name="date_estimate_mark")
register.simple_tag(rows.request_rows, name="request_rows")
register.simple_tag(rows.deployment_rows, name="deployment_rows")
register.simple_tag(timeline_chart.svg, name="timeline_svg")
register.simple_tag(timeline_chart.table_rows, name="timeline_rows")

PAGE_PARAMS = ("page", "after", "before")


@register.simple_tag(takes_context=True)
def sort_header(context, key, label, default="-date", descending_first=False):
    """A column header that sorts by key (by -key first if descending_first: counts read most first), then flips;
    says which way it sorts now."""
    request = context["request"]
    current = request.GET.get("sort") or default
    params = request.GET.copy()
    for name in PAGE_PARAMS:  # a cursor belongs to one sort
        params.pop(name, None)
    if current == key:
        params["sort"], arrow, state = f"-{key}", " ▲", "ascending"
    elif current == f"-{key}":
        params["sort"], arrow, state = key, " ▼", "descending"
    else:
        params["sort"], arrow, state = f"-{key}" if descending_first else key, "", ""
    return format_html(
        '<a href="?{}" class="sort" data-sort-state="{}">{}<span aria-hidden="true">{}</span>'
        '<span class="visually-hidden">{}</span></a>',
        params.urlencode(),
        state or "none",
        label,
        arrow,
        f", sorted {state}" if state else ", sort",
    )


@register.simple_tag(takes_context=True)
def aria_sort(context, key, default="-date"):
    current = context["request"].GET.get("sort") or default
    return {key: "ascending", f"-{key}": "descending"}.get(current, "none")


@register.filter
def shade(count, largest):
    """Cell shading step, 1-10, by size relative to the largest cell; 0 for an empty one.

    A step, not a percentage, because the page names it as a class (`shade-7`): the
    Content-Security-Policy allows no inline style attribute.
    """
    if not count or not largest:
        return 0
    return max(1, round(10 * count / largest))


@register.simple_tag(takes_context=True)
def matrix_rows(context, matrix):
    """The matrix's body rows with their cells, as matrix_table.html drew them one by one: 1,600 cells through the
    template language took 600 ms, through format_html 65 ms. Each name, code and link part is escaped once here,
    with the standard library's escape (Django's, lazy-aware, cost 2,000 wrapper calls a page); a link's escaped
    parts joined are the escaped link."""
    params = context["request"].GET.copy()
    for name in (*PAGE_PARAMS, "sort", "requester", "supplier"):
        params.pop(name, None)
    filters, list_url, largest = params.urlencode(), reverse("request-list"), matrix.largest
    prefix = html_escape(f"{list_url}?{filters}&" if filters else f"{list_url}?")
    columns = [(html_escape(col.name), html_escape(urlencode({"supplier": col.code}))) for col in matrix.columns]
    empty = '<td class="cell empty-cell"><span class="visually-hidden">0</span></td>'
    lines = []
    for row, cells, others, total in matrix.grid():
        name, asked = html_escape(row.name), html_escape(urlencode({"requester": row.code}))
        url, code = html_escape(row.get_absolute_url()), html_escape(row.code)
        parts = [f'<tr><th scope="row" title="{name} ({code})"><a href="{url}">{country_label(row)}</a></th>']
        for (column, asked_of), (_, n) in zip(columns, cells, strict=True):
            if not n:
                parts.append(empty)
                continue
            parts.append(
                f'<td class="cell shade-{max(1, round(10 * n / largest))}"><a href="{prefix}{asked}&amp;{asked_of}" '
                f'aria-label="{name} asked {column}: {n} request{"s" if n != 1 else ""}">{n}</a></td>'
            )
        if matrix.hidden_columns:
            parts.append(f'<td class="cell others">{others or ""}</td>')
        parts.append(f'<td class="total"><a href="{html_escape(list_url)}?{asked}">{total}</a></td></tr>\n')
        lines.append("".join(parts))
    return mark_safe("".join(lines))  # noqa: S308 - every value above is escaped or a number


@register.filter
def values_of(chosen, name):
    """The values of one query parameter, from the view's {parameter: [values]}."""
    return chosen.get(name, [])


@register.simple_tag
def country_label(country):
    """A country as the matrix labels both its axes: its name with its code, the code set apart."""
    return format_html(
        '<span class="country-label"><span class="name">{}</span> <span class="code">({})</span></span>',
        country.name,
        country.code,
    )
