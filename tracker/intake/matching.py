"""Which record a SIPRI deal is, across editions and layouts, exactly or not at all.

- Current layout: by SIPRI's deal id (external id ``sipri:<id>``).
- Classic layout: by the stable parts of the deal (recipient, supplier, order year, designation,
  description) and its ordinal among the deals of the file sharing them (``sipri-classic:<digest>#<n>``).
  When the file and the database hold the same deals of a group (ordinals 1…n on both sides), the
  ordinals pair them, and a later edition updates numbers, deliveries and comments. Otherwise a deal
  pairs only with a record identical to it; the rest are new only if every record found its deal, and
  are reported, never guessed, if not.
- Across layouts: a deal not found by its own key is the record of the other layout with the same
  recipient, supplier, order year and designation, if exactly one record has them and exactly one deal
  of the file has them. A current-layout deal gives the record its deal id. Anything less is counted
  and reported in the notes, and the deal is imported as its own.
"""

from collections import Counter, defaultdict

from tracker.models import ArmsRequest

from .formats.sipri_classic import legacy_key
from .planned import Problem, key_digest

CLASSIC, CURRENT = "sipri-classic:", "sipri:"


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


class DealMatcher:
    def __init__(self):
        self.prepared = False
        self.matched = self.unmatched = self.ambiguous = 0

    # ------------------------------------------------------------ before the first record

    def prepare(self, file_format, parse):
        """Read the database's SIPRI records once, and the file once more only if they make it needed."""
        self.load(file_format)
        self.file_groups, self.file_matches = {}, Counter()  # group -> deals when more than one; match -> deals
        self.decisions, self.seen_odd = {}, set()
        self.counted = False
        if self.db_single or self.db_groups or self.other in self.layouts:
            for p in parse():
                self.observe(p)
            self.counted = True
            unsure = {}
            for group in self.seen_odd | (self.file_groups.keys() & (self.db_single | self.db_groups.keys())):
                ordinals = self.db_groups.get(group, (1,))
                if ordinals != tuple(range(1, self.file_groups.get(group, 1) + 1)):
                    unsure[group] = ordinals
            self.decisions = self.decide(unsure, parse) if unsure else {}
        self.prepared = True

    def observe(self, p):
        """Count the file's deals by group (only groups of more than one) and by cross-layout match."""
        if p.key[0] == "bad":
            return
        if p.group:
            group, ordinal = int(p.group[0], 16), p.group[1]
            if group in self.db_groups:
                self.seen_odd.add(group)
            if ordinal > self.file_groups.get(group, 1):
                self.file_groups[group] = ordinal
            elif ordinal > 1:
                return  # an identical line, counted already
        if p.match and self.other in self.layouts:
            self.file_matches[key_digest(p.match)] += 1  # an identical first line counts twice: never merged

    def load(self, file_format):
        """The SIPRI records already held that this file's deals may be: by id, by classic group, by match."""
        classic_file = file_format == "sipri-classic"
        self.other = CURRENT if classic_file else CLASSIC
        self.layouts = {
            prefix
            for prefix in (CLASSIC, CURRENT)
            if ArmsRequest.objects.filter(external_id__startswith=prefix).exists()
        }
        self.db_ids, self.db_matches, self.db_single, self.db_groups = set(), {}, set(), {}
        groups = defaultdict(list)
        if self.other in self.layouts:
            wanted = ArmsRequest.objects.filter(external_id__startswith="sipri")  # same-layout records count too
        elif classic_file:
            wanted = ArmsRequest.objects.filter(external_id__startswith=CLASSIC)
        else:
            wanted = ArmsRequest.objects.none()  # a current file finds its own records by id, in the writer
        rows = wanted.values_list("external_id", "requester_id", "supplier_id", "date", "items__system__designation")
        last = None
        for external_id, requester, supplier, date, designation in rows.order_by("external_id").iterator(5000):
            if external_id == last:
                continue  # a second item
            last = external_id
            classic = external_id.startswith(CLASSIC)
            if classic and "#" in external_id:
                group, _, ordinal = external_id[len(CLASSIC) :].partition("#")
                if ordinal.isdigit():
                    groups[int(group, 16)].append(int(ordinal))
            elif classic or not classic_file:
                self.db_ids.add(external_id)  # older classic keys; current ids for a current file
            if self.other in self.layouts and date and designation:
                match = key_digest((requester, supplier, date.year, designation.lower()))
                found = self.db_matches.get(match)
                self.db_matches[match] = (
                    external_id if found is None else [*([found] if isinstance(found, str) else found), external_id]
                )
        for group, ordinals in groups.items():
            if ordinals == [1]:
                self.db_single.add(group)  # most groups: one deal
            else:
                self.db_groups[group] = tuple(sorted(ordinals))
        self.has_legacy = any(i.startswith(CLASSIC) for i in self.db_ids)

    def decide(self, unsure, parse):
        """For classic groups that the file and the database hold differently: what each deal of the file is."""
        signatures = {}
        for p in parse():
            if p.group and int(p.group[0], 16) in unsure:
                signatures[(int(p.group[0], 16), p.group[1])] = planned_signature(p)
        held = {}
        ids = [f"{CLASSIC}{group:020x}#{o}" for group, ordinals in unsure.items() for o in ordinals]
        for start in range(0, len(ids), 500):
            rows = ArmsRequest.objects.filter(external_id__in=ids[start : start + 500]).values_list(
                "external_id", "summary", "notes", "status", "items__quantity_requested", "items__quantity_delivered"
            )
            by_id = defaultdict(list)
            for external_id, summary, notes, status, asked, delivered in rows:
                by_id[external_id].append((summary, notes, status, asked, delivered))
            for external_id, found in by_id.items():
                held[external_id] = signature(*found[0][:3], [(asked, delivered) for *_, asked, delivered in found])
        decisions = {}
        for group, ordinals in unsure.items():
            free = {o: f"{CLASSIC}{group:020x}#{o}" for o in ordinals}
            waiting = []
            for ordinal in range(1, self.file_groups.get(group, 1) + 1):
                same = [o for o, e in free.items() if held.get(e) == signatures.get((group, ordinal))]
                if same:
                    decisions[(group, ordinal)] = ("same", free.pop(same[0]))
                else:
                    waiting.append(ordinal)
            taken = set(ordinals)
            for ordinal in waiting:
                if free:
                    decisions[(group, ordinal)] = ("ambiguous", len(ordinals))
                    continue
                new = ordinal if ordinal not in taken else max(taken) + 1
                taken.add(new)
                decisions[(group, ordinal)] = ("new", f"{CLASSIC}{group:020x}#{new}")
        return decisions

    # ------------------------------------------------------------ each record

    def settle(self, p):
        """Point the planned deal at the record it is (its key), or add the problem that it cannot be told."""
        if p.problems or p.key[0] != "external_id":
            return
        own = p.key[1]
        if not p.group:
            if own not in self.db_ids:
                self.across(p, CLASSIC)
            return
        group = int(p.group[0], 16)
        decision = self.decisions.get((group, p.group[1]))
        if decision and decision[0] == "ambiguous":
            self.ambiguous += 1
            p.problems.append(
                Problem(
                    p.lines[0],
                    "",
                    f"cannot tell which of {decision[1]} imported deal(s) with the same recipient, supplier, "
                    f"order year, designation and description this is "
                    f"(this file has {self.file_groups.get(group, 1)}); "
                    "nothing written for it",
                )
            )
        elif decision:
            p.key = ("external_id", decision[1])
        elif group in self.db_single or group in self.db_groups:
            pass  # paired by its ordinal: its own key
        elif self.has_legacy and legacy_key(p.legacy) in self.db_ids:
            p.key, p.fields["external_id"] = ("external_id", legacy_key(p.legacy)), own
        else:
            self.across(p, CURRENT)

    def across(self, p, other):
        if other not in self.layouts or not p.match:
            return
        match = key_digest(p.match)
        candidate = self.db_matches.get(match)
        if self.file_matches[match] == 1 and isinstance(candidate, str) and candidate.startswith(other):
            self.matched += 1
            if other == CLASSIC:
                p.fields["external_id"] = p.key[1]  # the record takes SIPRI's deal id
            p.key = ("external_id", candidate)
        else:
            self.unmatched += 1

    def report(self, notes):
        if self.matched:
            notes.append(
                f"{self.matched} deal(s) matched to the record of the same deal imported from the other SIPRI layout "
                "(same recipient, supplier, order year and designation, one record and one deal each)"
            )
        if self.unmatched:
            notes.append(
                f"{self.unmatched} deal(s) not matched to the other SIPRI layout (no record, or more than one, with "
                "the same recipient, supplier, order year and designation, or more than one such deal in this file): "
                "imported as deals of their own"
            )
        if self.ambiguous:
            notes.append(f"{self.ambiguous} deal(s) could not be told apart from imported deals: see the bad rows")
