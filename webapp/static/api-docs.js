// The API's browsable page: Swagger UI on the spec named by the page (no inline script).
const root = document.getElementById("api-docs");
window.SwaggerUIBundle({ domNode: root, url: root.dataset.spec, tryItOutEnabled: false });
