"""People named with a country and a title ("Venezuelan President Nicolás Maduro", "Kremlin spokesman Dmitry
Peskov"): their names, and which country each speaks for, so "Maduro requested" has an asker."""

from . import words


def names_after(doc, index, limit):
    """The capitalised words from index on (a name), stopping at limit."""
    end = index
    while end < limit and end - index < 4 and doc[end].text[:1].isupper() and doc[end].is_alpha:
        end += 1
    return doc[index:end] if end - index >= 2 else None


def people(doc, countries):
    """{name or surname: country value} and [(start_char, end_char, name)] for every titled person."""
    speaks_for, named = {}, []
    for mention in countries:
        index = mention.end
        titled = False
        # Title words (President, Transport Minister, Air Force Commander), then the name.
        while index < len(doc) and index - mention.end < 4:
            word = doc[index].text.lower()
            if word in words.TITLES:
                titled = True
            elif not (titled is False and doc[index].text[:1].isupper() and doc[index].is_alpha):
                break
            index += 1
            if titled and index < len(doc) and doc[index].text.lower() not in words.TITLES:
                break
        if not titled:
            continue
        name = names_after(doc, index, len(doc))
        if name is None:
            continue
        speaks_for.setdefault(name.text, mention.value)
        speaks_for.setdefault(name[-1].text, mention.value)
        named.append((name.start_char, name.end_char, name.text))
    full = {surname.split()[-1]: text for _s, _e, text in named for surname in [text]}
    # Later mentions by surname alone ("Maduro requested") name the same person.
    for token in doc:
        if token.text in full and not any(s <= token.idx < e for s, e, _n in named):
            named.append((token.idx, token.idx + len(token), full[token.text]))
    return speaks_for, named
