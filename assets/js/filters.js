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
