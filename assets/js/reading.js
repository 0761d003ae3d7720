// A reading's page while the reader works: polls its job's state.json every second, then puts the review
// (the marked article and the proposals) in place of the waiting notice, read from this page's own address,
// without reloading. Without JavaScript the page refreshes itself (a <noscript> meta refresh) until then.
(function () {
  "use strict";
  var box = document.getElementById("reading");
  if (!box || box.dataset.state !== "queued" || !box.dataset.stateUrl) return;
  var url = box.dataset.stateUrl;

  function swap() {
    fetch(window.location.href, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.text();
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("reading");
        if (!fresh) throw new Error("no reading on the page");
        box.replaceWith(document.importNode(fresh, true));
      })
      .catch(function () {
        window.location.reload();
      });
  }

  function update(state) {
    var stage = box.querySelector('[data-reading="stage"]');
    if (stage && state.stage) stage.textContent = String(state.stage) + "…";
    if (state.finished) {
      swap();
      return;
    }
    window.setTimeout(poll, 1000);
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(update)
      .catch(function () {
        window.setTimeout(poll, 3000);
      });
  }

  window.setTimeout(poll, 300);
})();
