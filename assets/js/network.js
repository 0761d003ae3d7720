// Who asked whom as a network, drawn by hand in SVG (no library): the countries at the ends of the strongest links
// sit round a circle, grouped by region; an arrow goes from the requester to the country it asked, thicker for
// more requests; a circle is sized by every request its country made and received. Arrows and circles are links
// to the matching requests. Data: /matrix/network.json with the page's filters and ?links=N.
"use strict";

(() => {
  const SVG = "http://www.w3.org/2000/svg";
  const REGIONS = { Americas: "americas", Europe: "europe", Africa: "africa", Asia: "asia", Oceania: "oceania" };
  const LABEL_CHARS = 18;
  const RADIAL_FROM = 16; // more nodes than this: names along the rays

  function node(name, attributes = {}, parent = null) {
    const element = document.createElementNS(SVG, name);
    for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, value);
    parent?.append(element);
    return element;
  }

  const plural = (n, one, many) => `${n.toLocaleString("en")} ${n === 1 ? one : many}`;
  const round = (x) => Math.round(x * 10) / 10;
  const unit = ([x, y]) => {
    const length = Math.hypot(x, y) || 1;
    return [x / length, y / length];
  };

  // Positions round the circle, in the server's order (region, sub-region, name), starting at the top.
  function layout(nodes) {
    const radius = nodes.length > RADIAL_FROM ? Math.max(210, (15 * nodes.length) / (2 * Math.PI)) : 110;
    const most = Math.max(1, ...nodes.map((n) => n.asked + n.was_asked));
    const at = new Map();
    nodes.forEach((n, i) => {
      const angle = -Math.PI / 2 + (2 * Math.PI * i) / nodes.length;
      at.set(n.code, {
        ...n,
        angle,
        x: radius * Math.cos(angle),
        y: radius * Math.sin(angle),
        r: 3 + 13 * Math.sqrt((n.asked + n.was_asked) / most),
      });
    });
    return { at, radius };
  }

  // One arrow: a curve bowed towards the middle, and to its left so that A→B and B→A stay apart; a head at B.
  function arrow(from, to, width) {
    const [ax, ay, bx, by] = [from.x, from.y, to.x, to.y];
    const [nx, ny] = unit([ay - by, bx - ax]);
    const chord = Math.hypot(bx - ax, by - ay);
    const c = [((ax + bx) / 2) * 0.35 + nx * chord * 0.12, ((ay + by) / 2) * 0.35 + ny * chord * 0.12];
    const [sx, sy] = unit([c[0] - ax, c[1] - ay]);
    const [ex, ey] = unit([c[0] - bx, c[1] - by]);
    const head = 5 + 1.6 * width;
    const tip = [bx + ex * (to.r + 1.5), by + ey * (to.r + 1.5)];
    const base = [tip[0] + ex * head, tip[1] + ey * head];
    const end = [tip[0] + ex * head * 0.6, tip[1] + ey * head * 0.6];
    const start = [ax + sx * from.r, ay + sy * from.r];
    const half = head * 0.5;
    return {
      curve: `M${round(start[0])},${round(start[1])} Q${round(c[0])},${round(c[1])} ${round(end[0])},${round(end[1])}`,
      head:
        `M${round(tip[0])},${round(tip[1])} L${round(base[0] - ey * half)},${round(base[1] + ex * half)} ` +
        `L${round(base[0] + ey * half)},${round(base[1] - ex * half)} Z`,
    };
  }

  // A name just outside its circle: level when there are few, else along the ray from the centre, reading outwards
  // (the left half turned round to read), so that many names round the circle do not overlap.
  function label(n, radius, radial) {
    const cos = Math.cos(n.angle);
    const sin = Math.sin(n.angle);
    const x = round(cos * (radius + n.r + 5));
    const y = round(sin * (radius + n.r + 5));
    const attributes = { x, y, class: "label", "dominant-baseline": "middle" };
    if (radial) {
      const degrees = (n.angle * 180) / Math.PI;
      attributes["text-anchor"] = cos < 0 ? "end" : "start";
      attributes.transform = `rotate(${round(cos < 0 ? degrees + 180 : degrees)} ${x} ${y})`;
    } else {
      attributes["text-anchor"] = cos > 0.3 ? "start" : cos < -0.3 ? "end" : "middle";
      if (Math.abs(cos) <= 0.3) attributes["dominant-baseline"] = sin < 0 ? "auto" : "hanging";
    }
    const text = node("text", attributes);
    text.textContent = n.name.length > LABEL_CHARS ? `${n.name.slice(0, LABEL_CHARS - 1)}…` : n.name;
    return text;
  }

  function render(panel, data) {
    const box = panel.querySelector(".network");
    const list = panel.querySelector(".network-list");
    const status = panel.querySelector(".network-status");
    box.replaceChildren();
    list.replaceChildren();
    if (!data.links.length) {
      status.textContent = "No published request matches.";
      return;
    }
    const { at, radius } = layout(data.nodes);
    const radial = data.nodes.length > RADIAL_FROM;
    const margin = 8 + 7.5 * Math.min(LABEL_CHARS, Math.max(...data.nodes.map((n) => n.name.length)));
    const [halfWidth, halfHeight] = [radius + 20 + margin, radius + 20 + (radial ? margin : 18)];
    const svg = node("svg", {
      viewBox: `${round(-halfWidth)} ${round(-halfHeight)} ${round(2 * halfWidth)} ${round(2 * halfHeight)}`,
      role: "group",
      "aria-label": `Network of the ${data.links.length} strongest links: who asked whom`,
    });
    const strongest = Math.max(...data.links.map((l) => l[2]));
    const arrows = node("g", { class: "arrows" }, svg);
    // Weakest first, so the strongest are drawn on top.
    [...data.links].reverse().forEach(([from, to, n, url]) => {
      const a = at.get(from);
      const b = at.get(to);
      const words = `${a.name} → ${b.name}: ${plural(n, "request", "requests")}`;
      const width = 1 + 6 * Math.sqrt(n / strongest);
      const shape = arrow(a, b, width);
      const link = node("a", { href: url, class: "link", "data-from": from, "data-to": to, "aria-label": words }, arrows);
      node("title", {}, link).textContent = words;
      node("path", { d: shape.curve, class: "hit" }, link); // a wider, invisible stroke: easier to point at
      node("path", { d: shape.curve, class: "curve", "stroke-width": round(width) }, link);
      node("path", { d: shape.head, class: "head" }, link);
    });
    const circles = node("g", { class: "nodes" }, svg);
    for (const n of at.values()) {
      const words = `${n.name}: asked ${plural(n.asked, "time", "times")}, was asked ${plural(n.was_asked, "time", "times")}`;
      const link = node("a", { href: n.url, class: `country region-${REGIONS[n.region] ?? "other"}`, "data-code": n.code, "aria-label": words }, circles);
      node("title", {}, link).textContent = words;
      node("circle", { cx: round(n.x), cy: round(n.y), r: round(n.r) }, link);
      link.append(label(n, radius, radial));
      const light = (on) => {
        svg.classList.toggle("dim", on);
        svg.querySelectorAll(`a.link[data-from="${CSS.escape(n.code)}"], a.link[data-to="${CSS.escape(n.code)}"]`).forEach(
          (l) => l.classList.toggle("lit", on),
        );
      };
      for (const [event, on] of [["mouseenter", true], ["mouseleave", false], ["focus", true], ["blur", false]]) {
        link.addEventListener(event, () => light(on));
      }
    }
    if (!radial) svg.style.maxWidth = "36rem"; // few countries, a smaller drawing
    box.append(svg);

    data.links.forEach(([from, to, n, url]) => {
      const li = document.createElement("li");
      const a = document.createElement("a");
      a.href = url;
      a.textContent = `${at.get(from).name} → ${at.get(to).name}`;
      li.append(a, `: ${plural(n, "request", "requests")}`);
      list.append(li);
    });

    const regions = [...new Set(data.nodes.map((n) => n.region || "Other"))];
    const legend = document.createElement("ul");
    legend.className = "network-legend";
    for (const region of regions) {
      const li = document.createElement("li");
      const swatch = document.createElement("span");
      swatch.className = `swatch region-${REGIONS[region] ?? "other"}`;
      li.append(swatch, region === "Other" ? "No region (non-state and other parties)" : region);
      legend.append(li);
    }
    box.append(legend);

    status.textContent =
      `${plural(data.total, "request", "requests")} in ${plural(data.pairs, "link", "links")} (requester → asked country). ` +
      (data.links.length < data.pairs
        ? `Showing the ${data.links.length} strongest, which hold ${data.requests_shown.toLocaleString("en")} of them.`
        : "Showing them all.");
  }

  function start(panel) {
    const form = panel.querySelector("form");
    const select = form.querySelector("select[name=links]");
    let asked = 0;
    const show = async () => {
      const ticket = ++asked;
      const status = panel.querySelector(".network-status");
      const url = new URL(panel.dataset.source, location.href);
      url.searchParams.set("links", select.value);
      panel.setAttribute("aria-busy", "true");
      try {
        const response = await fetch(url, { headers: { Accept: "application/json" } });
        if (!response.ok) throw new Error(`${response.status} ${response.statusText}`);
        const data = await response.json();
        if (ticket !== asked) return;
        render(panel, data);
        panel.dataset.drawn = select.value; // for tests: drawn, with this many links asked
      } catch (error) {
        if (ticket === asked) status.textContent = `The network could not be drawn (${error.message}).`;
      } finally {
        if (ticket === asked) panel.removeAttribute("aria-busy");
      }
    };
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      show();
    });
    select.addEventListener("change", show);
    form.querySelector("button").remove(); // the choice redraws at once
    show();
  }

  document.querySelectorAll("[data-network]").forEach(start);
})();
