"""A small, varied, hand-made dataset for the explorer tests."""

import datetime

from django.db.models.functions import Now

from tracker.models import (
    ArmsRequest,
    Citation,
    Country,
    Deployment,
    EquipmentType,
    Person,
    RequestItem,
    Source,
    System,
)


def build():
    c = {x.iso2: x for x in Country.objects.filter(iso2__in=["VE", "RU", "CN", "IR", "US", "CU", "BY", "RS"])}
    t = {x.slug: x for x in EquipmentType.objects.all()}
    su30 = System.objects.create(
        designation="Su-30MK2", slug="su-30mk2", equipment_type=t["combat-aircraft"], origin_country=c["RU"]
    )
    shahed = System.objects.create(designation="Shahed-136", slug="shahed-136", equipment_type=t["uav"])
    s400 = System.objects.create(designation="S-400", slug="s-400", equipment_type=t["air-defence"])
    wire = Source.objects.create(outlet="Wire", title="Wire report", reliability="B")
    blog = Source.objects.create(outlet="Blog", title="Blog post", reliability="E")
    minister = Person.objects.create(name="Juan Pérez", title="Defence Minister", country=c["CU"])

    def request(key, requester, supplier, date, precision, status, items, source=wire, published=True, **kw):
        r = ArmsRequest.objects.create(
            requester=c[requester],
            supplier=c[supplier],
            date=date,
            date_precision=precision,
            status=status,
            summary=kw.pop("summary", f"{key} summary"),
            external_id=f"test:{key}",
            **kw,
        )
        for type_slug, system, description, asked, delivered in items:
            RequestItem.objects.create(
                request=r,
                equipment_type=t[type_slug],
                system=system,
                description=description,
                quantity_requested=asked,
                quantity_delivered=delivered,
            )
        if source:
            Citation.objects.create(source=source, request=r, credibility=2)
        if published:
            ArmsRequest.objects.filter(pk=r.pk).update(published=True, published_at=Now())
        return r

    d = datetime.date
    data = {
        "ve_ru_jets": request(
            "ve_ru_jets",
            "VE",
            "RU",
            d(2025, 10, 1),
            "month",
            "requested",
            [("combat-aircraft", su30, "jets", 12, None)],
        ),
        "ve_ir_drones": request(
            "ve_ir_drones", "VE", "IR", d(2025, 1, 1), "year", "delivered", [("uav", shahed, "drones", 100, 40)]
        ),
        "ve_cn_coop": request("ve_cn_coop", "VE", "CN", d(2024, 3, 15), "day", "agreed", [], source=blog),
        "cu_ru_sam": request(
            "cu_ru_sam",
            "CU",
            "RU",
            d(2023, 6, 1),
            "month",
            "refused",
            [
                ("air-defence", s400, '=HYPERLINK("http://evil")', 2, None),
                ("radar-sensor", None, "-radars", None, None),
            ],
            requested_by=minister,
        ),
        "by_ru_undated": request(
            "by_ru_undated", "BY", "RU", None, "", "unknown", [("missile", None, "missiles", None, None)]
        ),
        "draft": request(
            "draft", "RS", "CN", d(2025, 5, 5), "day", "requested", [("uav", None, "drones", 5, None)], published=False
        ),
        "uncited": request("uncited", "RS", "RU", d(2025, 5, 5), "day", "requested", [], source=None),
    }
    deployments = {
        "us_ships": Deployment.objects.create(
            country=c["US"],
            equipment_type=t["ship"],
            description="warships",
            region="Caribbean",
            status="active",
            start_date=d(2025, 8, 1),
            start_precision="month",
            published=True,
        ),
        "ru_s400_by": Deployment.objects.create(
            country=c["RU"],
            equipment_type=t["air-defence"],
            system=s400,
            description="S-400 battalion",
            host_country=c["BY"],
            status="ended",
            start_date=d(2022, 1, 1),
            start_precision="year",
            end_date=d(2023, 12, 31),
            end_precision="year",
            published=True,
        ),
        "us_troops": Deployment.objects.create(
            country=c["US"], description="thousands of troops", region="Caribbean", status="active", published=True
        ),
        "draft": Deployment.objects.create(country=c["CN"], description="secret", status="active", published=False),
    }
    for dep in deployments.values():
        Citation.objects.create(source=wire, deployment=dep, credibility=3)
    return data, deployments
