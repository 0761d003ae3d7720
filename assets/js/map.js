// Deployments on a world map, offline: Natural Earth's country shapes (the vendored world-atlas TopoJSON) drawn by
// the vendored Leaflet, with no tile server. Each [data-deployment-map] panel names its data, /deployments/map.json
// with the page's filters (several URLs, space-separated, on a country page), and the shapes file.
// A deployment with coordinates is a marker linking to its record, drawn by how precisely the coordinates place
// it (the legend); one known only by its host country is counted on that country's shape, which links to the list.
"use strict";

(() => {
  // Marker diameter in pixels, by precision: the vaguer the place, the larger and fainter the mark.
  const SIZES = { site: 14, near: 20, area: 30, region: 44, "": 20 };
  const WORDS = {
    site: "exact site",
    near: "near a named place",
    area: "province or district",
    region: "wide region or sea",
    "": "precision not stated",
  };

  // Leaflet.markercluster 1.5.3 builds its levels at whole zooms from Math.floor(map.getMinZoom()), but three of its
  // walks over them start at getMinZoom() itself, fractional here (fitWidth): they skipped the top level, which holds
  // the markers near no other at any zoom, and those were never drawn (Leaflet.markercluster#983). Start whole.
  const walk = L.MarkerCluster.prototype._recursively;
  L.MarkerCluster.prototype._recursively = function (bounds, fromZoom, ...rest) {
    return walk.call(this, bounds, Math.floor(fromZoom), ...rest);
  };

  const getJSON = async (url) => {
    const response = await fetch(url, { headers: { Accept: "application/json" } });
    if (!response.ok) throw new Error(`${response.status} ${response.statusText}`);
    return response.json();
  };

  let shapes; // one download per page
  const loadShapes = (url) =>
    (shapes ??= getJSON(url).then((topology) => topojson.feature(topology, topology.objects.countries)));

  const plural = (n, one, many) => `${n.toLocaleString("en")} ${n === 1 ? one : many}`;

  // Several sources (a country page: what it deployed, and what it hosted) become one: each point once, and for
  // each country the largest count a source gives, which is exact there: deployments by X placed only on X are a
  // part of those hosted by X, and the hosted ones are placed on X alone.
  function merge(answers) {
    const points = new Map();
    const countries = new Map();
    let unplaced = 0;
    let capped = 0;
    for (const answer of answers) {
      answer.points.forEach((p) => points.set(p[0], p));
      answer.countries.forEach((c) => {
        if (!countries.has(c[0]) || countries.get(c[0])[3] < c[3]) countries.set(c[0], c);
      });
      unplaced += answer.unplaced;
      capped = Math.max(capped, answer.points_total - answer.points.length);
    }
    return { points: [...points.values()], countries, unplaced, capped, recordUrl: answers[0].record_url };
  }

  // Where a country's count and name go: the centroid of its largest polygon, as [lat, lng]. A ring across the
  // antimeridian (Russia's, Fiji's) is measured with its western longitudes moved past 180, then put back.
  function anchor(geometry) {
    const polygons = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
    let best = null;
    let largest = -1;
    for (const [points] of polygons) {
      const lngs = points.map((p) => p[0]);
      const across = Math.max(...lngs) - Math.min(...lngs) > 180;
      const ring = across ? points.map(([lng, lat]) => [lng < 0 ? lng + 360 : lng, lat]) : points;
      let area = 0;
      let x = 0;
      let y = 0;
      for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
        const f = ring[j][0] * ring[i][1] - ring[i][0] * ring[j][1];
        area += f;
        x += (ring[j][0] + ring[i][0]) * f;
        y += (ring[j][1] + ring[i][1]) * f;
      }
      if (Math.abs(area) > largest && area !== 0) {
        largest = Math.abs(area);
        const lng = x / (3 * area);
        best = [y / (3 * area), lng > 180 ? lng - 360 : lng];
      }
    }
    return best;
  }

  function link(href, text, label) {
    const a = document.createElement("a");
    a.href = href;
    a.textContent = text;
    if (label) {
      a.title = label;
      a.setAttribute("aria-label", label);
    }
    return a;
  }

  // Text in a span. Leaflet reads a string it is given (a tooltip, an icon's html) as HTML, and names are
  // editors' text (issue 19: a country renamed to carry an image and a link): it is given elements.
  function span(words, attributes = {}) {
    const element = document.createElement("span");
    for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, value);
    element.textContent = words;
    return element;
  }

  // An icon whose content is DOM nodes, made only when its marker is on screen (options.nodes() makes them).
  const NodeIcon = L.DivIcon.extend({
    createIcon(old) {
      const div = L.DivIcon.prototype.createIcon.call(this, old);
      div.replaceChildren(...this.options.nodes());
      return div;
    },
  });

  // The places a set of markers is at, in words, most deployments first: "Caribbean", "Tartus, Latakia and 3 more".
  function placesOf(markers) {
    const counts = new Map();
    markers.forEach((marker) => {
      const place = marker.options.place;
      if (place) counts.set(place, (counts.get(place) ?? 0) + 1);
    });
    const names = [...counts.keys()].sort((a, b) => counts.get(b) - counts.get(a) || a.localeCompare(b));
    if (names.length <= 2) return names.join(", ");
    return `${names.slice(0, 2).join(", ")} and ${names.length - 2} more`;
  }

  // A place name under a marker or cluster, for the eye (the mark's own words say it to a screen reader).
  const placeLabel = (place, n = 1) => span(place, { class: "map-place", "aria-hidden": "true", "data-n": n });

  // A cluster is drawn as its members are placed when they all share one precision (a dashed ring: all of them
  // known only to a wide region or sea), as a plain one when they mix; it names the places its members are at.
  function clusterIcon(cluster) {
    const n = cluster.getChildCount();
    const size = n < 10 ? 30 : n < 100 ? 36 : n < 1000 ? 42 : 50;
    const members = cluster.getAllChildMarkers();
    const kinds = new Set(members.map((marker) => marker.options.precision));
    const shared = kinds.size === 1 ? [...kinds][0] : null;
    const places = placesOf(members);
    const words =
      plural(n, "deployment", "deployments") +
      (places ? ` in ${places}` : "") +
      (shared === null ? "" : ` (${WORDS[shared] ?? WORDS[""]})`);
    return new NodeIcon({
      nodes: () => [
        span(n, { "aria-hidden": "true" }),
        span(`${words}: zoom in`, { class: "visually-hidden" }),
        ...(places ? [placeLabel(places, n)] : []),
      ],
      className: `dep-cluster${shared === null ? "" : ` dep-cluster-${shared || "unstated"}`}`,
      iconSize: L.point(size, size),
    });
  }

  // Words on the map would pile up: the first of the elements given (the most important) are shown, any that would
  // overlap one already shown is hidden until a zoom makes room. Counts on countries come first (a hidden one's
  // country stays shaded, its count in the tooltip), then places of deployments, then country names, largest first.
  // A name wider than its country on screen waits for a zoom too. One pass to show, one to measure, one to hide.
  function uncrowd(elements, fits = () => true) {
    elements.forEach((element) => element.classList.remove("crowded"));
    const boxes = elements.map((element) => element.getBoundingClientRect());
    const placed = [];
    elements.forEach((element, i) => {
      const b = boxes[i];
      if (!b.width) return;
      const crowded =
        !fits(element, b) || placed.some((o) => b.left < o.right && o.left < b.right && b.top < o.bottom && o.top < b.bottom);
      element.classList.toggle("crowded", crowded);
      if (!crowded) placed.push(b);
    });
  }

  function listUrl(panel, host) {
    const url = new URL(panel.dataset.listUrl, location.href);
    if (host === panel.dataset.focus) url.search = ""; // the country itself: everything on its soil
    url.searchParams.set("host", host);
    return url.pathname + url.search;
  }

  async function draw(panel) {
    const box = panel.querySelector(".map");
    const status = panel.querySelector(".map-status");
    const full = panel.classList.contains("full");
    status.textContent = "Loading the map…";
    const map = L.map(box, {
      zoomSnap: 0.25,
      maxZoom: 9,
      maxBounds: [
        [-86, -180],
        [86, 180],
      ],
      maxBoundsViscosity: 1,
      scrollWheelZoom: full, // a panel in a page lets the page scroll
      dragging: full || !L.Browser.mobile,
    });
    const fitWidth = () => map.setMinZoom(Math.max(0, Math.log2(box.clientWidth / 256)));
    fitWidth();
    map.on("resize", fitWidth);
    map.setView([20, 0], map.getMinZoom());
    map.attributionControl.setPrefix("Leaflet");
    map.attributionControl.addAttribution("Country shapes: Natural Earth");

    const sources = panel.dataset.sources.trim().split(/\s+/);
    const [world, ...answers] = await Promise.all([loadShapes(panel.dataset.shapes), ...sources.map(getJSON)]);
    const data = merge(answers);
    const largest = Math.max(1, ...[...data.countries.values()].map((c) => c[3]));
    const bounds = L.latLngBounds([]);
    const drawn = new Set();
    const badges = L.layerGroup();
    const names = L.layerGroup(); // every country's name, at its largest polygon's middle, under the marks
    map.createPane("names").style.zIndex = 450;
    const nameWidth = new Map(); // a name's element -> its country's bounds, to hide names wider than the country

    L.geoJSON(world, {
      style: (feature) => {
        const c = data.countries.get(feature.id);
        const step = c ? Math.max(1, Math.round((4 * c[3]) / largest)) : 0;
        let className = "country";
        if (c) className += ` hosting hosting-${step}`;
        if (feature.id && feature.id === panel.dataset.focusNumeric) className += " focus";
        return { className, interactive: Boolean(c) };
      },
      onEachFeature: (feature, layer) => {
        const c = data.countries.get(feature.id);
        const at = anchor(feature.geometry);
        const countryName = feature.properties?.name;
        if (at && countryName) {
          const icon = new NodeIcon({
            className: `country-name${c ? " has-count" : ""}`,
            iconSize: null,
            nodes: () => [span(countryName, { "aria-hidden": "true" })],
          });
          const marker = L.marker(at, { icon, interactive: false, keyboard: false, pane: "names" });
          marker.on("add", () => nameWidth.set(marker.getElement().firstChild, layer.getBounds()));
          names.addLayer(marker);
        }
        if (!c) return;
        const [, code, name, n] = c;
        const words = `${name}: ${plural(n, "deployment", "deployments")} known only by host country`;
        drawn.add(feature.id);
        bounds.extend(layer.getBounds());
        layer.bindTooltip(span(words), { sticky: true });
        layer.on("click", () => (location.href = listUrl(panel, code)));
        if (at) {
          const nodes = () => [link(listUrl(panel, code), n, words)];
          const icon = new NodeIcon({ className: "country-count", iconSize: null, nodes });
          badges.addLayer(L.marker(at, { icon, keyboard: false, n }));
        }
      },
    }).addTo(map);
    badges.addTo(map);
    names.addTo(map);
    const byCount = (a, b) => b.options.n - a.options.n;
    const area = (b) => (b.getEast() - b.getWest()) * (b.getNorth() - b.getSouth());
    const fits = (element, b) => {
      const country = nameWidth.get(element);
      if (!country) return true; // a count or a place: shown if nothing above it is in the way
      const edge = box.getBoundingClientRect(); // a name the map's edge would cut waits for a move
      const inside = b.left >= edge.left && b.right <= edge.right && b.top >= edge.top && b.bottom <= edge.bottom;
      const west = map.latLngToContainerPoint(country.getSouthWest()).x;
      const east = map.latLngToContainerPoint(country.getNorthEast()).x;
      return inside && b.width <= 1.3 * Math.abs(east - west);
    };
    const declutter = () => {
      const counts = badges.getLayers().sort(byCount).map((b) => b.getElement()?.firstChild);
      const places = [...box.querySelectorAll(".map-place")].sort((a, b) => b.dataset.n - a.dataset.n);
      const countries = [...nameWidth.keys()].sort((a, b) => area(nameWidth.get(b)) - area(nameWidth.get(a)));
      uncrowd([...counts, ...places, ...countries].filter(Boolean), fits);
    };
    const later = () => requestAnimationFrame(declutter);
    map.on("zoomend moveend", later);

    const clusters = L.markerClusterGroup({
      chunkedLoading: true,
      showCoverageOnHover: false,
      maxClusterRadius: 40,
      iconCreateFunction: clusterIcon,
    });
    const markers = data.points.map(([id, lat, lon, precision, label, place]) => {
      const size = SIZES[precision] ?? SIZES[""];
      bounds.extend([lat, lon]);
      const href = data.recordUrl.replace("/0/", `/${id}/`);
      const words = `${label}${place ? `, in ${place}` : ""} (${WORDS[precision] ?? WORDS[""]})`;
      const icon = new NodeIcon({
        className: `dep-marker dep-${precision || "unstated"}`,
        iconSize: [size, size],
        nodes: () => [link(href, "", words), ...(place ? [placeLabel(place)] : [])],
      });
      return L.marker([lat, lon], { icon, keyboard: false, precision, place });
    });
    // The view first, then the markers: clustered once, at the zoom they are seen at.
    if (bounds.isValid()) map.fitBounds(bounds, { padding: [40, 40], maxZoom: 5, animate: false });
    clusters.addLayers(markers);
    clusters.addTo(map);
    clusters.on("animationend", later);
    declutter();

    const missing = [...data.countries.values()].filter((c) => !drawn.has(c[0]));
    const onShapes = [...data.countries.values()].reduce((sum, c) => sum + (drawn.has(c[0]) ? c[3] : 0), 0);
    const placed = data.points.length + data.capped;
    const total = placed + onShapes + missing.reduce((sum, c) => sum + c[3], 0) + data.unplaced;
    const parts = [];
    if (placed) {
      parts.push(
        `${plural(placed, "placed", "placed")} by coordinates` +
          (data.capped ? ` (the ${data.points.length.toLocaleString("en")} recorded last are drawn: narrow the filters to see the rest)` : ""),
      );
    }
    if (onShapes) parts.push(`${onShapes.toLocaleString("en")} known only by host country`);
    if (missing.length) {
      const names = missing.slice(0, 4).map((c) => `${c[2]} (${c[3]})`);
      if (missing.length > 4) names.push(`${missing.length - 4} more`);
      const n = missing.reduce((sum, c) => sum + c[3], 0);
      parts.push(`${n.toLocaleString("en")} not drawn, their host having no shape at this scale: ${names.join(", ")}`);
    }
    if (data.unplaced) parts.push(`${data.unplaced.toLocaleString("en")} with no place that can be drawn (the list has them)`);
    status.textContent = total
      ? `${plural(total, "deployment", "deployments")}: ${parts.join("; ")}.`
      : "No published deployment matches.";
    panel.dataset.drawn = "true"; // for tests: the map is drawn
  }

  document.querySelectorAll("[data-deployment-map]").forEach((panel) => {
    draw(panel).catch((error) => {
      panel.querySelector(".map-status").textContent = `The map could not be drawn (${error.message}); the list has every deployment.`;
    });
  });
})();
