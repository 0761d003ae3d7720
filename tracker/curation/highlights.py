"""The article of a reading with every proposed span marked, as plain data for the template to escape.

Spans nest and overlap (an item's words inside its request's sentence), so the body is cut at every
span edge and every line break; each piece carries the kinds and labels of the spans that cover it.
The template writes each piece's text through Django's escaping: nothing here is markup.
"""

import dataclasses


@dataclasses.dataclass(frozen=True)
class Span:
    start: int
    end: int
    kind: str  # request, item, date, deployment
    label: str
    key: str  # the proposal it belongs to: request-0, deployment-1


@dataclasses.dataclass
class Piece:
    text: str
    kinds: tuple = ()
    labels: tuple = ()
    key: str = ""

    @property
    def css(self):
        return " ".join(["hl", *(f"hl-{kind}" for kind in self.kinds)]) if self.kinds else ""

    @property
    def title(self):
        return "; ".join(self.labels)


def spans_of(proposal):
    """Every span the reader tied a proposal to: requests, their dates and items, deployments."""
    found = []
    for n, request in enumerate(proposal.get("requests", []), 1):
        key, name = f"request-{n - 1}", f"Request {n}"
        found.append(
            (
                request.get("quote"),
                "request",
                f"{name}: {party(request, 'requester')} asks {party(request, 'supplier')}",
                key,
            )
        )
        found.append((request.get("date_quote"), "date", f"{name}: date {request.get('date') or ''}", key))
        for item in request.get("items", []):
            found.append((item.get("quote"), "item", f"{name}: {item.get('description', '')}", key))
    for n, deployment in enumerate(proposal.get("deployments", []), 1):
        found.append(
            (
                deployment.get("quote"),
                "deployment",
                f"Deployment {n}: {party(deployment, 'country')}",
                f"deployment-{n - 1}",
            )
        )
    return [Span(q["start"], q["end"], kind, label, key) for q, kind, label, key in found if well_formed(q)]


def party(proposal, role):
    return (proposal.get(role) or {}).get("name") or "?"


def well_formed(quote):
    return isinstance(quote, dict) and isinstance(quote.get("start"), int) and isinstance(quote.get("end"), int)


def paragraphs(body, spans):
    """[[Piece, …] per non-empty line of body]: the body's own text, cut where spans begin and end."""
    spans = [s for s in spans if 0 <= s.start < s.end <= len(body)]
    edges = {0, len(body)} | {s.start for s in spans} | {s.end for s in spans}
    edges |= {i for i, char in enumerate(body) if char == "\n"} | {i + 1 for i, char in enumerate(body) if char == "\n"}
    cuts = sorted(e for e in edges if 0 <= e <= len(body))
    lines, line = [], []
    for start, end in zip(cuts, cuts[1:], strict=False):
        text = body[start:end]
        if text == "\n":
            if any(piece.text.strip() for piece in line):
                lines.append(line)
            line = []
            continue
        covering = [s for s in spans if s.start <= start and end <= s.end]
        kinds = tuple(dict.fromkeys(s.kind for s in covering))
        line.append(Piece(text, kinds, tuple(s.label for s in covering), covering[-1].key if covering else ""))
    if any(piece.text.strip() for piece in line):
        lines.append(line)
    return lines
