"""Which record a SIPRI deal is, across editions and layouts, exactly or not at all.

- Current layout: by SIPRI's deal id (external id ``sipri:<id>``).
- Classic layout: by the stable parts of the deal (recipient, supplier, order year, designation,
  description) and its ordinal among the deals of the file sharing them (``sipri-classic:<digest>#<n>``).
  When the file and the database hold the same number of such deals, the ordinals pair them (a later
  edition updates its numbers, deliveries and comments); when they hold different numbers, a deal pairs
  only with a record identical to it, the rest are new only if every record found its deal, and
  otherwise they are reported, never guessed.
- Across layouts: a deal not found by its own key is the record of the other layout with the same
  recipient, supplier, order year and designation, if exactly one record has them and exactly one deal
  of the file has them. A current-layout deal gives the record its deal id. Anything less is reported.
"""

from collections import Counter, defaultdict

from tracker.models import ArmsRequest

from .planned import Problem, key_digest

CLASSIC, CURRENT = "sipri-classic:", "sipri:"


def signature(planned):
    """What a deal says, to tell whether a record already holds exactly it."""
    items = tuple((i["quantity_requested"], i["quantity_delivered"]) for i in planned.items)
    f = planned.fields
    return key_digest((f.get("summary"), f.get("notes"), str(f.get("status")), items))


class DealMatcher:
    def __init__(self):
        self.prepared = False
        self.matched = self.unmatched = self.ambiguous = 0
        self.other_layout = set()

    # ------------------------------------------------------------ before the first record

    def prepare(self, planned_records):
        """Read the database's SIPRI records once, and the file once, before any record is settled."""
        self.db_ids, self.db_groups, self.db_matches = set(), defaultdict(dict), defaultdict(list)
        rows = ArmsRequest.objects.filter(external_id__startswith="sipri").values_list(
            "external_id", "requester_id", "supplier_id", "date", "items__system__designation"
        )
        for external_id, requester, supplier, date, designation in rows.iterator(chunk_size=5000):
            if external_id in self.db_ids:
                continue  # a second item
            self.db_ids.add(external_id)
            self.other_layout.add(CLASSIC if external_id.startswith(CLASSIC) else CURRENT)
            if external_id.startswith(CLASSIC) and "#" in external_id:
                group, _, ordinal = external_id[len(CLASSIC) :].partition("#")
                if ordinal.isdigit():
                    self.db_groups[group][int(ordinal)] = external_id
            if date and designation:
                match = (requester, supplier, date.year, designation.lower())
                self.db_matches[key_digest(match)].append(external_id)
        self.file_groups, self.file_matches = Counter(), Counter()
        signatures, seen = {}, set()
        for p in planned_records:
            if p.key[0] == "bad" or key_digest(p.key) in seen:
                continue
            seen.add(key_digest(p.key))
            if p.match:
                self.file_matches[key_digest(p.match)] += 1
            if p.group:
                group, ordinal = p.group
                self.file_groups[group] = max(self.file_groups[group], ordinal)
                if group in self.db_groups:
                    signatures[p.group] = signature(p)
        self.decisions = self.decide(signatures)
        self.prepared = True

    def decide(self, signatures):
        """For classic groups whose deals the file and the database count differently: what each deal is."""
        unsure = {
            group: records
            for group, records in self.db_groups.items()
            if group in self.file_groups and set(records) != set(range(1, self.file_groups[group] + 1))
        }
        decisions = {}
        if not unsure:
            return decisions
        held = defaultdict(set)
        ids = [external_id for records in unsure.values() for external_id in records.values()]
        for start in range(0, len(ids), 500):
            rows = ArmsRequest.objects.filter(external_id__in=ids[start : start + 500]).values_list(
                "external_id", "summary", "notes", "status", "items__quantity_requested", "items__quantity_delivered"
            )
            by_id = defaultdict(list)
            for external_id, summary, notes, status, asked, delivered in rows:
                by_id[external_id].append((summary, notes, status, asked, delivered))
            for external_id, found in by_id.items():
                summary, notes, status = found[0][:3]
                items = tuple((asked, delivered) for *_, asked, delivered in found)
                held[key_digest((summary, notes, str(status), items))].add(external_id)
        for group, records in unsure.items():
            free = dict(records)  # ordinal -> external id not yet paired
            waiting = []
            for ordinal in range(1, self.file_groups[group] + 1):
                same = [o for o, e in free.items() if e in held.get(signatures.get((group, ordinal)), ())]
                if same:
                    decisions[(group, ordinal)] = ("same", free.pop(same[0]))
                else:
                    waiting.append(ordinal)
            taken = set(records)
            for ordinal in waiting:
                if free:
                    decisions[(group, ordinal)] = ("ambiguous", len(records))
                    continue
                new = ordinal if ordinal not in taken else max(taken) + 1
                taken.add(new)
                decisions[(group, ordinal)] = ("new", f"{CLASSIC}{group}#{new}")
        return decisions

    # ------------------------------------------------------------ each record

    def settle(self, p):
        """Point the planned deal at the record it is (its key), or add the problem that it cannot be told."""
        if p.problems or p.key[0] != "external_id":
            return
        own = p.key[1]
        if p.group:
            decision = self.decisions.get(p.group)
            if decision and decision[0] == "ambiguous":
                self.ambiguous += 1
                p.problems.append(
                    Problem(
                        p.lines[0],
                        "",
                        f"cannot tell which of {decision[1]} imported deal(s) with the same recipient, supplier, "
                        "order year, designation and description this is (this file has "
                        f"{self.file_groups[p.group[0]]}); nothing written for it",
                    )
                )
            elif decision:
                p.key = ("external_id", decision[1])
            elif p.group[0] in self.db_groups:
                pass  # paired by ordinal: its own key
            elif p.legacy in self.db_ids:
                p.key, p.fields["external_id"] = ("external_id", p.legacy), own
            else:
                self.across(p, CURRENT)
        elif own not in self.db_ids:
            self.across(p, CLASSIC)

    def across(self, p, other):
        if other not in self.other_layout or not p.match:
            return
        match = key_digest(p.match)
        candidates = self.db_matches.get(match, [])
        if self.file_matches[match] == 1 and len(candidates) == 1 and candidates[0].startswith(other):
            self.matched += 1
            if other == CLASSIC:
                p.fields["external_id"] = p.key[1]  # the record takes SIPRI's deal id
            p.key = ("external_id", candidates[0])
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
