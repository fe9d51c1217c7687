// Offline full-text search: the index (static/search-index.js, a script so that it loads from file://
// too) is fetched the first time the search box is used, indexed with MiniSearch, and queried as you
// type. "/" focuses the box; arrow keys move through the results; Enter opens one; Escape closes.
(function () {
  "use strict";
  var script = document.currentScript;
  var root = (script && script.getAttribute("data-root")) || "";
  var input = document.getElementById("search-input");
  var list = document.getElementById("search-results");
  if (!input || !list) return;
  var engine = null;
  var loading = null;
  var active = -1;
  var results = [];

  function load() {
    if (loading) return loading;
    loading = new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      s.src = root + "static/search-index.js";
      s.onload = function () {
        var docs = window.dossierSearchDocs || [];
        engine = new window.MiniSearch({
          fields: ["title", "aliases", "headings", "tags", "meta", "body"],
          storeFields: ["title", "url", "kind", "meta", "body", "tags"],
          searchOptions: {
            boost: { title: 5, aliases: 4, meta: 2, tags: 2, headings: 1.5 },
            prefix: true,
            fuzzy: function (term) { return term.length > 4 ? 0.2 : false; },
            combineWith: "AND"
          }
        });
        engine.addAll(docs);
        resolve(engine);
      };
      s.onerror = function () { reject(new Error("search index not found")); };
      document.head.appendChild(s);
    });
    return loading;
  }

  function escapeRe(s) { return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }

  // Appends `text` to `el`, wrapping every match of `re` in <mark>; built with text nodes, never HTML.
  function appendMarked(el, text, re) {
    var last = 0;
    text.replace(re, function (m, offset) {
      el.appendChild(document.createTextNode(text.slice(last, offset)));
      var mark = document.createElement("mark");
      mark.textContent = m;
      el.appendChild(mark);
      last = offset + m.length;
      return m;
    });
    el.appendChild(document.createTextNode(text.slice(last)));
  }

  function snippet(body, terms) {
    var lower = body.toLowerCase();
    var at = -1;
    terms.forEach(function (t) {
      var i = lower.indexOf(t.toLowerCase());
      if (i >= 0 && (at < 0 || i < at)) at = i;
    });
    if (at < 0) return body.slice(0, 140) + (body.length > 140 ? "…" : "");
    var start = Math.max(0, at - 60);
    var end = Math.min(body.length, at + 100);
    return (start > 0 ? "…" : "") + body.slice(start, end) + (end < body.length ? "…" : "");
  }

  function render(query) {
    list.textContent = "";
    active = -1;
    if (!engine || !query.trim()) {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      return;
    }
    results = engine.search(query).slice(0, 12);
    if (!results.length) {
      var li = document.createElement("li");
      li.className = "search-empty";
      li.textContent = "No notes match “" + query + "”.";
      list.appendChild(li);
    }
    results.forEach(function (r, i) {
      var terms = r.terms.concat(query.split(/\s+/).filter(Boolean));
      var re = new RegExp("(" + terms.map(escapeRe).sort(function (a, b) { return b.length - a.length; }).join("|") + ")", "gi");
      var li = document.createElement("li");
      li.setAttribute("role", "option");
      li.id = "search-result-" + i;
      var a = document.createElement("a");
      a.href = root + r.url;
      var title = document.createElement("span");
      title.className = "search-title";
      appendMarked(title, r.title, re);
      a.appendChild(title);
      if (r.kind && r.kind !== "note") {
        var kind = document.createElement("span");
        kind.className = "search-kind";
        kind.textContent = r.kind;
        a.appendChild(kind);
      }
      var text = r.meta ? r.meta + (r.body ? " — " : "") : "";
      if (r.body) text += snippet(r.body, terms);
      if (text) {
        var p = document.createElement("span");
        p.className = "search-snippet";
        appendMarked(p, text, re);
        a.appendChild(p);
      }
      li.appendChild(a);
      li.addEventListener("mousemove", function () { select(i); });
      list.appendChild(li);
    });
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
  }

  function select(i) {
    var items = list.querySelectorAll("li[role=option]");
    if (!items.length) return;
    active = (i + items.length) % items.length;
    items.forEach(function (el, k) { el.classList.toggle("is-active", k === active); el.setAttribute("aria-selected", k === active ? "true" : "false"); });
    input.setAttribute("aria-activedescendant", items[active].id);
    items[active].scrollIntoView({ block: "nearest" });
  }

  input.addEventListener("focus", function () { load().then(function () { render(input.value); }, function () {}); });
  input.addEventListener("input", function () {
    var q = input.value;
    load().then(function () { if (input.value === q) render(q); }, function () {});
  });
  input.addEventListener("keydown", function (e) {
    if (e.key === "ArrowDown") { e.preventDefault(); select(active + 1); }
    else if (e.key === "ArrowUp") { e.preventDefault(); select(active - 1); }
    else if (e.key === "Enter") {
      var items = list.querySelectorAll("li[role=option] a");
      var target = items[active >= 0 ? active : 0];
      if (target) { e.preventDefault(); window.location.href = target.href; }
    } else if (e.key === "Escape") { input.value = ""; render(""); input.blur(); }
  });
  document.addEventListener("keydown", function (e) {
    var t = e.target;
    var typing = t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable);
    if (e.key === "/" && !typing && !e.ctrlKey && !e.metaKey && !e.altKey) { e.preventDefault(); input.focus(); }
  });
  document.addEventListener("click", function (e) {
    if (!e.target.closest || !e.target.closest(".search")) { list.hidden = true; input.setAttribute("aria-expanded", "false"); }
  });
})();
