// Offline full-text search: the index (static/search-index.js, a script so that it loads from file://
// too) is fetched the first time the search box is used, indexed with MiniSearch, and queried as you
// type. "/" focuses the box; arrow keys move through the results; Enter opens one; Escape closes.
// The same documents give hover previews of links to other pages.
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

  var docsLoading = null;

  // The index documents (title, url, kind, meta, body of every page), loaded once as a script.
  function loadDocs() {
    if (docsLoading) return docsLoading;
    docsLoading = new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      s.src = root + "static/search-index.js";
      s.onload = function () { resolve(window.dossierSearchDocs || []); };
      s.onerror = function () { reject(new Error("search index not found")); };
      document.head.appendChild(s);
    });
    return docsLoading;
  }

  function load() {
    if (loading) return loading;
    loading = loadDocs().then(function (docs) {
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
        return engine;
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

  // Hover previews: resting the pointer on a link to another page of the site shows that page's title,
  // kind and opening text in a popover, from the same index documents (no extra files, works offline).
  var siteRoot = new URL(root || "./", window.location.href).href;
  var byUrl = null;
  var popover = null;
  var timer = null;
  var shownFor = null;
  var pending = null;

  function pagePath(a) {
    var u = new URL(a.href, window.location.href);
    u.hash = "";
    u.search = "";
    var here = new URL(window.location.href);
    here.hash = "";
    here.search = "";
    if (u.href === here.href || u.href.indexOf(siteRoot) !== 0) return null;
    return decodeURIComponent(u.href.slice(siteRoot.length));
  }

  function opening(body) {
    if (body.length <= 280) return body;
    var cut = body.lastIndexOf(" ", 280);
    return body.slice(0, cut > 200 ? cut : 280) + "…";
  }

  function hide() {
    clearTimeout(timer);
    shownFor = null;
    pending = null;
    if (popover) popover.hidden = true;
  }

  function show(a, doc) {
    if (!popover) {
      popover = document.createElement("div");
      popover.className = "link-preview";
      popover.setAttribute("role", "tooltip");
      popover.id = "link-preview";
      document.body.appendChild(popover);
    }
    popover.textContent = "";
    var title = document.createElement("strong");
    title.className = "link-preview-title";
    title.textContent = doc.title;
    popover.appendChild(title);
    var about = [doc.kind && doc.kind !== "note" ? doc.kind : "", doc.meta || ""].filter(Boolean).join(" · ");
    if (about) {
      var meta = document.createElement("span");
      meta.className = "link-preview-meta";
      meta.textContent = about;
      popover.appendChild(meta);
    }
    // The body text usually opens with the note's own `# Title`: the popover shows it once.
    var body = doc.body || "";
    if (body.indexOf(doc.title) === 0) body = body.slice(doc.title.length).replace(/^\s+/, "");
    if (body) {
      var p = document.createElement("p");
      p.textContent = opening(body);
      popover.appendChild(p);
    }
    popover.hidden = false;
    var r = a.getBoundingClientRect();
    var width = Math.min(360, window.innerWidth - 16);
    var left = Math.max(8, Math.min(r.left, window.innerWidth - width - 8));
    popover.style.left = (left + window.scrollX) + "px";
    popover.style.top = (r.bottom + window.scrollY + 6) + "px";
    popover.style.maxWidth = width + "px";
    shownFor = a;
  }

  // Pointer events, so that a tap on a touch screen (pointerType "touch") never opens a preview.
  document.addEventListener("pointerover", function (e) {
    if (e.pointerType === "touch") return;
    var a = e.target.closest && e.target.closest("a[href]");
    if (!a || a === shownFor || a.closest(".search, .link-preview, .site-header")) return;
    var path = pagePath(a);
    if (!path) return;
    clearTimeout(timer);
    pending = a;
    timer = setTimeout(function () {
      loadDocs().then(function (docs) {
        if (!byUrl) {
          byUrl = {};
          docs.forEach(function (d) { byUrl[d.url] = d; });
        }
        var doc = byUrl[path];
        if (doc && pending === a) show(a, doc);
      }, function () {});
    }, 350);
  });
  document.addEventListener("pointerout", function (e) {
    var a = e.target.closest && e.target.closest("a[href]");
    if (a && (!e.relatedTarget || !a.contains(e.relatedTarget))) hide();
  });
  document.addEventListener("keydown", function (e) { if (e.key === "Escape") hide(); });
  window.addEventListener("scroll", hide, { passive: true });
})();
