// "Copy address" on the subscribe page (and "Copy citation" on record pages, its message in data-copied): copies the field it names (data-copy) and says so in the status line.
// Without JavaScript the button stays hidden and the address is selected text in a read-only box.
"use strict";
document.querySelectorAll("button[data-copy]").forEach((button) => {
  const field = document.getElementById(button.dataset.copy);
  const status = document.getElementById(button.getAttribute("aria-describedby"));
  if (!field) return;
  button.hidden = false;
  field.addEventListener("focus", () => field.select());
  button.addEventListener("click", async () => {
    let copied = false;
    try {
      await navigator.clipboard.writeText(field.value); // only on https (or this machine)
      copied = true;
    } catch {
      field.select();
      copied = document.execCommand("copy"); // plain http: the older way
    }
    if (status) {
      status.textContent = copied
        ? button.dataset.copied || "Copied. Paste it into your feed reader."
        : "Your browser did not let us copy: the address is selected, copy it with Ctrl+C (⌘C on a Mac).";
    }
  });
});
