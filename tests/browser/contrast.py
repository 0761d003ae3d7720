"""Text contrast as WCAG 2 computes it, measured in the page: each element with its own text, its colour over
the background it sits on (translucent layers composed up to the first opaque one; white below all)."""

# Returns [{text, tag, cls, ratio, need}] for every visible element holding text: need is 4.5, or 3 for large text
# (24 px, or 18.66 px bold). Colours other than rgb()/rgba() come back with ratio 0, so they fail loudly.
CONTRAST = r"""
  (root) => {
    const rgba = (c) => {
      const m = c.match(/^rgba?\(([^)]+)\)$/);
      if (!m) return null;
      const p = m[1].split(/[\s,\/]+/).filter(Boolean).map(parseFloat);
      return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
    };
    const over = (top, under) => {
      const a = top[3];
      return [0, 1, 2].map((i) => top[i] * a + under[i] * (1 - a)).concat([1]);
    };
    const background = (el) => {
      const layers = [];
      for (let e = el; e; e = e.parentElement) {
        const c = rgba(getComputedStyle(e).backgroundColor);
        if (c && c[3] > 0) { layers.push(c); if (c[3] === 1) break; }
      }
      let colour = [255, 255, 255, 1];
      for (const layer of layers.reverse()) colour = over(layer, colour);
      return colour;
    };
    const lum = (c) => {
      const [r, g, b] = c.slice(0, 3).map((v) => {
        v /= 255;
        return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
    const found = [];
    for (const el of (root || document.body).querySelectorAll("*")) {
      if (![...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim())) continue;
      if (!el.getClientRects().length) continue;
      const style = getComputedStyle(el);
      if (style.visibility !== "visible" || parseFloat(style.opacity) === 0) continue;
      const box = el.getBoundingClientRect();
      if (box.width <= 1 || box.height <= 1) continue;
      const fg = rgba(style.color);
      if (!fg) { found.push({ tag: el.tagName, cls: "", text: style.color, ratio: 0, need: 4.5 }); continue; }
      const bg = background(el);
      const size = parseFloat(style.fontSize), bold = parseInt(style.fontWeight, 10) >= 700;
      const large = size >= 24 || (bold && size >= 18.66);
      const r = ratio(over(fg, bg), bg);
      found.push({
        tag: el.tagName.toLowerCase(),
        cls: String(el.className).slice(0, 60),
        text: el.textContent.trim().slice(0, 40),
        ratio: Math.round(r * 100) / 100,
        need: large ? 3 : 4.5,
      });
    }
    return found;
  }
"""


def below_aa(page, root=None):
    """The texts of the page (or under the root element handle) under WCAG AA contrast."""
    return [found for found in page.evaluate(CONTRAST, root) if found["ratio"] < found["need"]]
