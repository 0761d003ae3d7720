"""Deliveries by year: how many of an item arrived in which year, and whether the number is an estimate.

SIPRI records deals once a year, with a delivery count per year, marking estimates with `?`. Written
and read as text in one notation, everywhere a person types or reads a list of them (the admin's
item inline, our CSV's `deliveries` column): "1998: 20?; 1999: 40; 2000" (20 in 1998, an estimate;
40 in 1999; some in 2000, number not reported; "2001: ?" a delivery in 2001 SIPRI estimates).
"""

import re

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from .base import non_negative
from .requests import RequestItem

FIRST_YEAR, LAST_YEAR = 1900, 2100  # as the importer's years (intake/values.py)

ONE = re.compile(r"^(\d{4})(?:\s*:\s*(\d{1,3}(?:,\d{3})+|\d{1,9})?\s*(\?)?)?$")


class Delivery(models.Model):
    # Looked up through the (item, year) unique index: a second index on item alone would only cost writes.
    item = models.ForeignKey(RequestItem, on_delete=models.CASCADE, related_name="deliveries", db_index=False)
    year = models.PositiveSmallIntegerField(validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)])
    quantity = models.IntegerField(
        null=True, blank=True, validators=[MinValueValidator(0)], help_text="Empty if not reported."
    )
    estimated = models.BooleanField(
        default=False,
        db_default=False,
        help_text="The source gives this delivery as an estimate (SIPRI's ?): its number, or the delivery itself "
        "when no number is given.",
    )

    class Meta:
        verbose_name_plural = "deliveries"
        ordering = ["item", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "year"],
                name="delivery_one_per_item_and_year",
                violation_error_message="One delivery per item and year: add the numbers up.",
            ),
            models.CheckConstraint(
                condition=Q(year__gte=FIRST_YEAR, year__lte=LAST_YEAR),
                name="delivery_year_in_range",
                violation_error_message=f"A delivery year is between {FIRST_YEAR} and {LAST_YEAR}.",
            ),
            non_negative("quantity", "delivery_quantity_not_negative"),
        ]
        indexes = [models.Index(fields=["year"], name="delivery_year_idx")]

    def __str__(self):
        return delivery_text(self.year, self.quantity, self.estimated)

    def get_absolute_url(self):
        return self.item.request.get_absolute_url()

    def as_tuple(self):
        return (self.year, self.quantity, self.estimated)


def delivery_text(year, quantity, estimated):
    """One delivery in the notation: '1998: 20?', '1999: 40', '2000', '2001: ?'."""
    if quantity is None:
        return f"{year}: ?" if estimated else str(year)
    return f"{year}: {quantity}{'?' if estimated else ''}"


def deliveries_text(deliveries):
    """(year, quantity, estimated) tuples, by year, as '1998: 20?; 1999: 40'."""
    return "; ".join(delivery_text(*d) for d in sorted(deliveries))


def parse_deliveries(text):
    """'1998: 20?; 1999: 40' (';', ',' or a new line between them) -> ([(year, quantity, estimated)], [errors])."""
    found, errors = {}, []
    # A comma is a separator unless it sits inside a number ("1,200").
    for part in re.split(r";|\n|,(?!\d{3}(?!\d))", text or ""):
        part = part.strip()
        if not part:
            continue
        match = ONE.match(part)
        if not match:
            errors.append(f"{part[:40]!r} is not a delivery: write 'year: number', e.g. '1998: 20' or '1998: 20?'")
            continue
        year, number, mark = match.groups()
        year = int(year)
        if not FIRST_YEAR <= year <= LAST_YEAR:
            errors.append(f"{year} is not a year between {FIRST_YEAR} and {LAST_YEAR}")
        elif year in found:
            errors.append(f"{year} is given twice: one delivery per year")
        else:
            found[year] = (year, int(number.replace(",", "")) if number else None, mark == "?")
    return sorted(found.values()), errors
