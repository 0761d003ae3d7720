// Starts Swagger UI on /api/docs/ from the OpenAPI document (a file, not inline code: the CSP allows no inline script).
"use strict";
// Follow the system's light or dark mode: Swagger UI has dark styles under html.dark-mode, and
// assets/css/api-docs.css mends the contrast of both (every text at least 4.5:1 on its background).
const darkScheme = window.matchMedia("(prefers-color-scheme: dark)");
const followScheme = () => document.documentElement.classList.toggle("dark-mode", darkScheme.matches);
followScheme();
darkScheme.addEventListener("change", followScheme);
window.addEventListener("DOMContentLoaded", () => {
  const root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.dataset.schemaUrl,
    domNode: root,
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    validatorUrl: null, // never send our document to a validator on another site
    supportedSubmitMethods: ["get", "head"],
    tryItOutEnabled: true,
    displayRequestDuration: true,
  });
});
