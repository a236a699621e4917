// Shows a row-level export's progress while the timer worker writes it; reloads when done.
(function () {
  "use strict";

  function watch(box) {
    var bar = box.querySelector("progress");
    var text = box.querySelector(".progress-text");
    var template = box.getAttribute("data-template");

    function poll() {
      fetch(box.getAttribute("data-progress-url"), { credentials: "same-origin" })
        .then(function (response) { return response.json(); })
        .then(function (state) {
          bar.max = state.total || 1;
          bar.value = state.written;
          text.textContent = template
            .replace("{written}", state.written)
            .replace("{total}", state.total);
          if (state.status === "queued" || state.status === "running") {
            window.setTimeout(poll, 1000);
          } else {
            window.location.reload();
          }
        })
        .catch(function () { window.setTimeout(poll, 5000); });
    }

    window.setTimeout(poll, 1000);
  }

  document.querySelectorAll("[data-progress-url]").forEach(watch);
})();
