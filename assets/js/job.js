// The job page's progress bar: polls the job's state.json every second and updates the bar and
// its text in place (text only, never markup); when the job ends, reloads the page for its result.
// Without JavaScript the page refreshes itself (a <noscript> meta refresh) until the job ends.
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box || box.dataset.finished === "1") return;
  var bar = document.getElementById("job-bar");
  var url = box.dataset.stateUrl;

  function show(name, value) {
    var node = box.querySelector('[data-job="' + name + '"]');
    if (node) node.textContent = value == null ? "" : String(value);
  }

  function update(state) {
    show("state_label", state.state_label);
    show("stage", state.stage);
    show("text", state.text);
    box.parentNode.querySelectorAll("[data-job-while]").forEach(function (node) {
      node.hidden = node.dataset.jobWhile !== state.state;  // "not yet", the cancel button: while queued only
    });
    if (state.total) {
      bar.max = state.total;
      bar.value = state.done;
    }
    if (state.finished) {
      window.location.reload();
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
        window.setTimeout(poll, 3000);  // a restarting server: try again, a little later
      });
  }

  window.setTimeout(poll, 500);
})();
