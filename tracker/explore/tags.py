from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join

register = template.Library()

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
    template language took 600 ms, here a few."""
    params = context["request"].GET.copy()
    for name in (*PAGE_PARAMS, "sort", "requester", "supplier"):
        params.pop(name, None)
    filters, list_url, largest = params.urlencode(), reverse("request-list"), matrix.largest
    rows = []
    for row, cells, others, total in matrix.grid():
        head = format_html(
            '<th scope="row" title="{} ({})"><a href="{}">{}</a></th>',
            row.name,
            row.code,
            row.get_absolute_url(),
            country_label(row),
        )
        body = format_html_join("", "{}", ((cell(row, col, n, filters, list_url, largest),) for col, n in cells))
        hidden = format_html('<td class="cell others">{}</td>', others or "") if matrix.hidden_columns else ""
        rows.append(
            format_html(
                '<tr>{}{}{}<td class="total"><a href="{}?requester={}">{}</a></td></tr>\n',
                head,
                body,
                hidden,
                list_url,
                row.code,
                total,
            )
        )
    return format_html_join("", "{}", ((r,) for r in rows))


def cell(row, col, n, filters, list_url, largest):
    if not n:
        return format_html('<td class="cell empty-cell"><span class="visually-hidden">0</span></td>')
    pair = urlencode({"requester": row.code, "supplier": col.code})
    return format_html(
        '<td class="cell shade-{}"><a href="{}?{}" aria-label="{} asked {}: {} request{}">{}</a></td>',
        shade(n, largest),
        list_url,
        f"{filters}&{pair}" if filters else pair,
        row.name,
        col.name,
        n,
        "s" if n != 1 else "",
        n,
    )


@register.filter
def quantity(value):
    return "—" if value is None else f"{value:,}"


ESTIMATE = "An estimate (SIPRI's ?), not a counted figure"


@register.simple_tag
def estimated(value, is_estimate):
    """A quantity as quantity() shows it, marked "≈400" (with a title and words for screen readers) if an estimate."""
    shown = quantity(value)
    if not is_estimate or value is None:
        return shown
    return format_html(
        '<span class="estimate" title="{}">≈{}<span class="visually-hidden"> (estimate)</span></span>', ESTIMATE, shown
    )


@register.simple_tag
def date_estimate_mark(is_estimate):
    """Before a date the source gives as an estimate: "≈", with a title and words for screen readers."""
    if not is_estimate:
        return ""
    return format_html(
        '<span class="estimate" title="{}">≈<span class="visually-hidden">estimated: </span></span>',
        "An estimated date (SIPRI's ? on the year)",
    )


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
