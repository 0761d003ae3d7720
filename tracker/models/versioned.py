"""Which models django-reversion versions, and what each revision of them follows (see models/history.py)."""

import reversion

from .claims import Claim
from .deliveries import Delivery
from .deployments import Deployment
from .equipment import EquipmentType, System
from .people import Person
from .places import Country
from .requests import ArmsRequest, RequestItem
from .sources import Citation, Source

FOLLOW = {
    ArmsRequest: ("items", "citations"),
    Deployment: ("citations",),
    RequestItem: ("request", "deliveries"),
    Delivery: ("item",),
    Citation: ("request", "deployment", "claims"),
    Claim: ("citation",),
}
EXCLUDE = {ArmsRequest: ("search_text",), Deployment: ("search_text",)}  # derived from the rest; rebuilt on save


def register_all():
    for model in (
        Country,
        EquipmentType,
        System,
        Person,
        Source,
        Citation,
        Claim,
        ArmsRequest,
        RequestItem,
        Delivery,
        Deployment,
    ):
        if not reversion.is_registered(model):
            reversion.register(model, follow=FOLLOW.get(model, ()), exclude=EXCLUDE.get(model, ()))


register_all()
