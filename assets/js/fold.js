// The filter panel (templates/includes/filter_panel_open.html) opens on a wide screen and stays folded on a phone.
// Loaded right after the panel, not deferred: the panel is open before the page is first drawn.
"use strict";
(() => {
  const panel = document.currentScript && document.currentScript.previousElementSibling;
  if (panel && panel.matches("details.filter-panel") && window.matchMedia("(min-width: 44rem)").matches) {
    panel.open = true;
  }
})();
