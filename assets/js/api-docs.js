// Starts Swagger UI on /api/docs/ from the OpenAPI document (a file, not inline code: the CSP allows no inline script).
"use strict";
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
