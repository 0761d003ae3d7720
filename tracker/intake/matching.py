"""Which record a SIPRI deal is, across editions and layouts: by its own key, else by the evidence, one to one.

- Its own key: SIPRI's deal id in the current layout (``sipri:<id>``); in the classic layout, which has no
  id, the digest of recipient, supplier, order year, designation and description with the deal's ordinal
  among the file's deals sharing them (``sipri-classic:<digest>#<n>``: identical lines are two deals). A
  current deal is its id's record; a classic deal its key's record if that record says exactly what it says.
- Otherwise by the evidence (tracker/intake/likeness.py): the records of the same requester and supplier
  are scored against the file's deals, and pairs are taken best first, each deal and each record once. Two
  candidates equally good are kept apart and reported, unless they are identical (then the first pairs
  with the first). A current deal is never another deal id's record: SIPRI keeps those apart.
- A matched record takes a current deal's id, or a classic deal's key when no record holds it; a deal that
  matches nothing is new, under its own key, or the next free ordinal when a record holds that key.
"""

from collections import defaultdict

from tracker.models import ArmsRequest, Citation, Delivery, RequestItem

from .formats.sipri import OUTLET
from .likeness import facts, likeness, tiv_of
from .planned import key_digest

CLASSIC, CURRENT = "sipri-classic:", "sipri:"
SHOWN = 20  # lines of ambiguous deals named in the notes


def signature(summary, notes, status, quantities):
    """What a deal says, to tell whether a record already holds exactly it."""
    return key_digest((summary, notes, str(status), tuple(quantities)))


def planned_signature(p):
    f = p.fields
    return signature(
        f.get("summary"),
        f.get("notes"),
        f.get("status"),
        [(i["quantity_requested"], i["quantity_delivered"]) for i in p.items],
    )


def planned_facts(p):
    return facts(*p.match, planned_signature(p))


class DealMatcher:
    def __init__(self, importer):
        self.importer = importer
        self.prepared = self.counted = False
        self.file_groups = {}  # classic group -> deals in it, when more than one (for the rejects file)
        self.decisions, self.held = {}, set()
        self.edition = {}  # key of a record -> the date of the newest SIPRI export it cites
        self.reset()

    def reset(self):
        self.exact = self.matched = self.new = self.kept_newer = 0
        self.ambiguous = []  # (line, candidates)

    # ------------------------------------------------------------ before the first record

    def prepare(self, file_format, parse):
        """Read the database's SIPRI records and the file once, and decide which record each deal is."""
        self.classic_file = file_format == "sipri-classic"
        if ArmsRequest.objects.filter(external_id__startswith="sipri").exists():
            records = self.load()
            deals, seen = [], set()
            for p in parse():
                self.observe(p)
                if not p.problems and p.key[0] == "external_id" and p.match and p.key[1] not in seen:
                    seen.add(p.key[1])
                    deals.append((p.lines[0], p.key[1], planned_facts(p)))
            self.counted = True
            self.decisions = self.assign(deals, records)
        self.prepared = True

    def observe(self, p):
        if p.group and p.key[0] != "bad" and p.group[1] > 1:
            self.file_groups[int(p.group[0], 16)] = p.group[1]

    def load(self):
        """The facts of the records a deal of this file may be; every SIPRI key held. Items and deliveries are
        read first, so that each record's text is read, digested and dropped, never held."""
        items, years = {}, defaultdict(set)  # request id -> (first item, quantities of all items)
        rows = RequestItem.objects.filter(request__external_id__startswith="sipri").order_by("id")
        for request_id, *item in rows.values_list(
            "request_id", "equipment_type_id", "system__designation", "description", "quantity_requested",
            "quantity_delivered",
        ).iterator(5000):  # fmt: skip
            _, quantities = items.setdefault(request_id, (item, []))
            quantities.append(tuple(item[3:]))
        deliveries = Delivery.objects.filter(item__request__external_id__startswith="sipri")
        for request_id, year in deliveries.values_list("item__request_id", "year").iterator(5000):
            years[request_id].add(year)
        records = []
        fields = ("pk", "external_id", "requester_id", "supplier_id", "date", "date_estimated", "summary", "notes")
        wanted = ArmsRequest.objects.filter(external_id__startswith="sipri").order_by("pk")  # file order
        wanted = wanted.values_list(*fields, "status")
        for pk, external_id, requester, supplier, date, estimated, summary, notes, status in wanted.iterator(2000):
            self.held.add(external_id)
            if date is None or pk not in items or (not self.classic_file and external_id.startswith(CURRENT)):
                continue  # a current deal finds its id's record by the id, never another id's record
            (type_id, designation, description, asked, delivered), quantities = items.pop(pk)
            said = signature(summary, notes, status, quantities)
            found = facts(requester, supplier, date.year, estimated, designation or description, type_id, asked,
                          delivered, years.pop(pk, ()), tiv_of(notes), said)  # fmt: skip
            records.append((external_id, found))
        cited = Citation.objects.filter(request__external_id__startswith="sipri", source__outlet=OUTLET)
        for external_id, day in cited.exclude(source__published_on=None).values_list(
            "request__external_id", "source__published_on"
        ):
            self.edition[external_id] = max(day, self.edition.get(external_id, day))
        return records

    def assign(self, deals, records):
        """{first line of a deal: decision} for the deals not simply their own key's record."""
        index = {external_id: n for n, (external_id, _) in enumerate(records)}
        taken, loose = set(), []
        for line, own, found in deals:
            n = index.get(own)
            if own in self.held and (own.startswith(CURRENT) or (n is not None and records[n][1].said == found.said)):
                taken.add(n)  # its own record, as it was: nothing to weigh
            else:
                loose.append((line, own, found))
        blocks = defaultdict(list)
        for n, (_, found) in enumerate(records):
            if n not in taken:
                blocks[(found.requester, found.supplier)].append(n)
        pairs, deal_options, record_options = [], defaultdict(list), defaultdict(list)
        for i, (_, _, found) in enumerate(loose):
            for n in blocks.get((found.requester, found.supplier), ()):
                score = likeness(found, records[n][1])
                if score:
                    pairs.append((-score, i, n))
                    deal_options[i].append((score, n))
                    record_options[n].append((score, i))
        pairs.sort()  # best first; among equals, in file order and the records' order
        decisions, done_deals, done_records = {}, set(), set()
        for negative, i, n in pairs:
            if i in done_deals or n in done_records:
                continue
            deal, record = loose[i][2][:-1], records[n][1][:-1]  # what is weighed, without the digest of the text
            score = -negative
            other_records = [
                m for s, m in deal_options[i] if s == score and m not in done_records and records[m][1][:-1] != record
            ]
            other_deals = [
                j for s, j in record_options[n] if s == score and j not in done_deals and loose[j][2][:-1] != deal
            ]
            # Equally good and different in what is weighed: kept apart, never guessed. Alike in all of it (two
            # identical lines, or two deal ids of one description): the first pairs with the first.
            if other_records or other_deals:
                done_records.update([n, *other_records])
                for j in [i, *other_deals]:
                    done_deals.add(j)
                    decisions[loose[j][0]] = ("ambiguous", 1 + len(other_records) + len(other_deals))
                continue
            done_deals.add(i)
            done_records.add(n)
            decisions[loose[i][0]] = ("record", records[n][0], loose[i][2].said == records[n][1].said)
        used = self.held | {own for _, own, _ in loose}
        for line, own, _ in loose:
            if own in self.held and decisions.get(line, ("",))[0] != "record":
                decisions.setdefault(line, ("new", None))
                decisions[line] = (*decisions[line], self.free_key(own, used))
        return decisions

    @staticmethod
    def free_key(own, used):
        """The next ordinal of the deal's classic group that no record and no deal of the file holds."""
        base, _, ordinal = own.rpartition("#")
        n = int(ordinal) if ordinal.isdigit() else 1
        while f"{base}#{n}" in used:
            n += 1
        used.add(f"{base}#{n}")
        return f"{base}#{n}"

    # ------------------------------------------------------------ each record

    def settle(self, p):
        """Point the planned deal at the record it is (its key), with the key that record takes; a record
        that cites a newer export than this file keeps its values."""
        if p.problems or p.key[0] != "external_id":
            return
        self.point(p)
        newer = self.edition.get(p.key[1])
        day = self.importer.sources[p.citations[0][0]]["published_on"] if p.citations else None
        if newer and day and day < newer:
            p.keep_values = True
            self.kept_newer += 1

    def point(self, p):
        own = p.key[1]
        decision = self.decisions.get(p.lines[0])
        if decision is None:
            self.exact += own in self.held
            self.new += own not in self.held
            return
        if decision[0] == "record":
            self.matched += 1
            record = decision[1]
            if record != own:
                p.key = ("external_id", record)
                # A record that says exactly this keeps its key (an import repeated changes nothing), unless
                # the key is of an older version (no ordinal).
                kept = decision[2] and "#" in record
                if own.startswith(CURRENT) or (record.startswith(CLASSIC) and own not in self.held and not kept):
                    p.fields["external_id"] = own  # a current deal's id, or this edition's classic key
            return
        if decision[0] == "ambiguous":
            self.ambiguous.append((p.lines[0], decision[1]))
        self.new += 1
        if len(decision) > 2:
            p.key = ("external_id", decision[2])  # its own key is another record's

    def report(self, notes):
        if self.matched:
            notes.append(
                f"{self.matched} deal(s) matched to the record of the same deal from another SIPRI edition or layout "
                "(same requester and supplier; order year, designation, type, numbers, delivery years and TIV per "
                "unit weighed; one record each)"
            )
        if self.new and (self.exact or self.matched or self.ambiguous):
            notes.append(f"{self.new} deal(s) new: no record of another edition or layout is the same deal")
        if self.ambiguous:
            lines = ", ".join(str(line) for line, _ in self.ambiguous[:SHOWN])
            more = " …" if len(self.ambiguous) > SHOWN else ""
            notes.append(
                f"{len(self.ambiguous)} deal(s) equally like two or more records or deals were not matched but kept "
                f"apart, as deals of their own (check them): lines {lines}{more}"
            )
        if self.kept_newer:
            notes.append(
                f"{self.kept_newer} record(s) hold a newer SIPRI edition than this file: its citation added, their "
                "values kept"
            )
