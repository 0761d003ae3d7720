// Filter forms submit only the fields in use, so links stay short and readable.
// Without JavaScript the full form is sent and the server ignores empty fields.
document.querySelectorAll("form.filters").forEach((form) => {
  form.addEventListener("submit", () => {
    form.querySelectorAll("input, select").forEach((field) => {
      const empty = field.multiple ? ![...field.selectedOptions].some((o) => o.value) : field.value === "";
      if (empty) field.disabled = true;
    });
  });
});
// Going back to a page whose fields were disabled on submit: enable them again.
window.addEventListener("pageshow", () => {
  document.querySelectorAll("form.filters [disabled]").forEach((field) => (field.disabled = false));
});
// The system box suggests as the user types: the server sends up to 20 systems that the
// text after the last comma names (a designation, its start, or manufacturer words), as
// the filter reads it (the page renders only those chosen).
document.querySelectorAll("input[data-suggest-url]").forEach((input) => {
  const list = document.getElementById(input.getAttribute("list"));
  let timer, asked;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const pieces = input.value.split(/\s*[,;]\s*/);
      const typed = pieces.pop().trim();
      if (!typed || typed === asked) return;
      asked = typed;
      const url = new URL(input.dataset.suggestUrl, location.href);
      url.searchParams.set("q", typed);
      const response = await fetch(url);
      if (!response.ok || typed !== asked) return;
      const before = pieces.length ? pieces.join(", ") + ", " : "";
      list.replaceChildren(
        ...(await response.json()).map((system) => {
          const option = document.createElement("option");
          option.value = before + system.designation;
          option.textContent = system.manufacturer; // beside the designation: why "Sukhoi" offers it
          return option;
        }),
      );
    }, 150);
  });
});
// The country boxes suggest names (each with its code) as the user types, also after a comma:
// "Russia, Ch" offers "Russia, China". The server reads names and codes alike.
const countryList = document.getElementById("country-names");
if (countryList) {
  const countries = [...countryList.options].map((option) => [option.value, option.textContent]);
  let offered = "";
  const offer = (input) => {
    const cut = Math.max(input.value.lastIndexOf(","), input.value.lastIndexOf(";"));
    const before = cut < 0 ? "" : input.value.slice(0, cut + 1) + input.value.slice(cut + 1).match(/^\s*/)[0];
    if (before === offered) return;
    offered = before;
    const options = (prefix) =>
      countries.map(([name, code]) => {
        const option = document.createElement("option");
        option.value = prefix + name;
        option.textContent = code;
        return option;
      });
    // Unprefixed names too: a name may hold a comma ("Bonaire, Saint Eustatius and Saba").
    countryList.replaceChildren(...(before ? options(before) : []), ...options(""));
  };
  document.querySelectorAll("input[list='country-names']").forEach((input) => {
    input.addEventListener("input", () => offer(input));
    input.addEventListener("focus", () => offer(input));
  });
}
