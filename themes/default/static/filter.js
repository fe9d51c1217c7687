// Filters a table's rows by the selects of a form[data-filter-table]: rows carry data-status,
// data-tags (space-separated) and data-stale. Without JavaScript the form stays hidden and every row shows.
(function () {
  "use strict";
  document.querySelectorAll("form[data-filter-table]").forEach(function (form) {
    var table = document.getElementById(form.getAttribute("data-filter-table"));
    if (!table) return;
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var count = form.querySelector(".filter-count");
    function apply() {
      var status = form.elements.status.value;
      var tag = form.elements.tag.value;
      var staleOnly = form.elements.stale.checked;
      var shown = 0;
      rows.forEach(function (row) {
        var tags = (row.getAttribute("data-tags") || "").split(" ");
        var ok = (!status || row.getAttribute("data-status") === status) &&
          (!tag || tags.indexOf(tag) >= 0) &&
          (!staleOnly || row.getAttribute("data-stale") === "true");
        row.hidden = !ok;
        if (ok) shown += 1;
      });
      if (count) count.textContent = shown + " of " + rows.length + " shown";
      var params = new URLSearchParams();
      if (status) params.set("status", status);
      if (tag) params.set("tag", tag);
      if (staleOnly) params.set("stale", "1");
      var query = params.toString();
      history.replaceState(null, "", query ? "?" + query : location.pathname);
    }
    var initial = new URLSearchParams(location.search);
    if (initial.get("status")) form.elements.status.value = initial.get("status");
    if (initial.get("tag")) form.elements.tag.value = initial.get("tag");
    form.elements.stale.checked = initial.get("stale") === "1";
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    form.hidden = false;
    apply();
  });
})();
