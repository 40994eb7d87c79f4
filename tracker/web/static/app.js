// tracker: small enhancements; every page reads and works without them.
// No inline script anywhere (the Content-Security-Policy forbids it).
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  // A filter picked from a list applies at once, as the Filter button would.
  document.querySelectorAll("form.filters select").forEach(function (select) {
    select.addEventListener("change", function () {
      select.form.requestSubmit();
    });
  });
  document.documentElement.dataset.enhanced = "1";
});
