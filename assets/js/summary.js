// A list page counts only up to a cap and leaves out the timeline, which read the
// whole filtered set; they come from the summary page, fetched after the list shows.
// Without JavaScript the region keeps its link to that page.
document.querySelectorAll("[data-summary-url]").forEach(async (region) => {
  region.setAttribute("aria-busy", "true");
  try {
    const response = await fetch(region.dataset.summaryUrl);
    if (!response.ok) return;
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const summary = page.querySelector("[data-summary]");
    // The list already says the exact count when it is under the cap: don't say it twice.
    if (summary && "countShown" in region.dataset) summary.querySelector(".total")?.remove();
    if (summary) region.replaceChildren(region.querySelector("h2"), ...summary.childNodes);
  } finally {
    region.removeAttribute("aria-busy");
  }
});
