/* Boligmonitor: draws the charts, swaps map views, filters the area table and
   warns when the data are stale. No network access of any kind. */
(function () {
  "use strict";

  function readJson(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  // --- Stale data: measured by the reader's own clock ---------------------
  function warnIfStale() {
    var body = document.body;
    var refreshed = Date.parse(body.getAttribute("data-refreshed") || "");
    var hours = parseFloat(body.getAttribute("data-stale-hours") || "36");
    var box = document.getElementById("stale-warning");
    if (!box || isNaN(refreshed)) { return; }
    var age = (Date.now() - refreshed) / 3600000;
    if (age > hours) {
      var days = Math.floor(age / 24);
      var text = box.querySelector(".stale-text");
      if (text && days >= 2) {
        text.textContent += " (" + days + " " + (body.getAttribute("data-days-word") || "") + ")";
      }
      box.hidden = false;
    }
  }

  var plotConfig = { displayModeBar: false, responsive: true, displaylogo: false,
                     scrollZoom: false };

  function drawOne(el) {
    if (el.getAttribute("data-drawn")) { return; }
    el.setAttribute("data-drawn", "true");
    var figure = readJson(el.getAttribute("data-figure"));
    if (!figure) { return; }
    if (typeof Plotly === "undefined") {
      var p = document.createElement("p");
      p.className = "plot-error";
      p.textContent = document.body.getAttribute("data-plot-error") || "";
      el.appendChild(p);
      return;
    }
    Plotly.newPlot(el, figure.data, figure.layout, plotConfig);
  }

  // Charts are drawn when they scroll into view: a page with many charts is
  // interactive at once and draws only what the reader looks at.
  function drawCharts() {
    var plots = document.querySelectorAll(".plot[data-figure]");
    if (!("IntersectionObserver" in window)) {
      for (var i = 0; i < plots.length; i++) { drawOne(plots[i]); }
      return;
    }
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting) { observer.unobserve(entry.target); drawOne(entry.target); }
      });
    }, { rootMargin: "200px 0px" });
    for (var j = 0; j < plots.length; j++) { observer.observe(plots[j]); }
    window.addEventListener("beforeprint", function () {
      for (var k = 0; k < plots.length; k++) { drawOne(plots[k]); }
    });
  }

  // --- Search: every area and municipality by name, from search-index.js ----
  function fold(text) {
    return text.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }

  function setupSearch() {
    var box = document.getElementById("search-box");
    var list = document.getElementById("search-results");
    var index = window.BOLIGMONITOR_SEARCH;
    if (!box || !list || !index) { return; }
    var root = document.body.getAttribute("data-root") || "";
    var folded = index.map(function (item) { return fold(item.n); });
    box.addEventListener("input", function () {
      var q = fold(box.value.trim());
      list.innerHTML = "";
      if (!q) { list.hidden = true; return; }
      var shown = 0;
      for (var i = 0; i < index.length && shown < 12; i++) {
        if (folded[i].indexOf(q) < 0) { continue; }
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = root + index[i].h;
        a.textContent = index[i].n + (index[i].m ? " (" + index[i].m + ")" : "");
        li.appendChild(a); list.appendChild(li); shown++;
      }
      if (!shown) {
        var none = document.createElement("li");
        none.textContent = box.getAttribute("data-none") || "";
        list.appendChild(none);
      }
      list.hidden = false;
    });
  }

  // --- What-if: one regime's block at a time on a municipality page ----------
  function setupRegimes() {
    var select = document.querySelector("[data-regime-select]");
    if (!select) { return; }
    select.addEventListener("change", function () {
      document.querySelectorAll(".regime-block").forEach(function (b) {
        b.hidden = b.getAttribute("data-regime") !== select.value;
      });
    });
  }

  // --- Map: indicator and year selectors ---------------------------------
  function setupMap() {
    var views = readJson("map-views");
    var plot = document.getElementById("map");
    var viewSelect = document.getElementById("map-view");
    var yearSelect = document.getElementById("map-year");
    if (!views || !plot || !viewSelect || !yearSelect) { return; }
    var byKey = {};
    views.views.forEach(function (v) { byKey[v.key] = v; });

    function fillYears(view, wanted) {
      var years = Object.keys(view.years).sort();
      yearSelect.innerHTML = "";
      years.forEach(function (y) {
        var option = document.createElement("option");
        option.value = y; option.textContent = y;
        yearSelect.appendChild(option);
      });
      yearSelect.value = years.indexOf(wanted) >= 0 ? wanted : years[years.length - 1];
    }

    function show() {
      var view = byKey[viewSelect.value];
      var entry = view.years[yearSelect.value];
      if (!entry) { return; }
      var hovers = views.names.map(function (n, i) { return n + "<br>" + entry.v[i]; });
      var labels = views.names.map(function (n, i) { return n + "<br>" + entry.l[i]; });
      if (typeof Plotly !== "undefined" && plot.data) {
        Plotly.restyle(plot, { z: [entry.z], customdata: [hovers], colorscale: [view.colorscale],
                               zmin: view.zmin, zmax: view.zmax, colorbar: view.colorbar }, [0]);
        Plotly.restyle(plot, { text: [labels] }, [1]);
      }
      var heading = document.getElementById("map-title");
      if (heading) {
        heading.textContent = (views.title || "").replace("{view}", view.label)
          .replace("{year}", yearSelect.value);
      }
      var summary = plot.parentNode.querySelector(".summary");
      if (summary) { summary.textContent = entry.s; }
      plot.setAttribute("aria-label", (heading ? heading.textContent + ". " : "") + entry.s);
      var figure = plot.closest("figure");
      var details = figure ? figure.nextElementSibling : null;
      var table = details ? details.querySelector("table") : null;
      if (table) {
        table.querySelector("caption").textContent = (views.caption || "")
          .replace("{view}", view.label).replace("{year}", yearSelect.value);
        var body = table.tBodies[0];
        body.innerHTML = "";
        views.names.forEach(function (n, i) {
          var row = body.insertRow();
          var th = document.createElement("th");
          th.scope = "row"; th.textContent = n; row.appendChild(th);
          row.insertCell().textContent = entry.v[i];
        });
      }
      var downloads = details ? details.querySelector(".downloads") : null;
      if (downloads) { downloads.hidden = true; }  // the per-view file is the default view only
    }

    fillYears(byKey[viewSelect.value], String(views["default"].year));
    viewSelect.addEventListener("change", function () {
      fillYears(byKey[viewSelect.value], yearSelect.value);
      show();
    });
    yearSelect.addEventListener("change", show);
  }

  // --- Filters: they filter everything below them ---------------------------
  function setupFilter() {
    var selects = document.querySelectorAll("select[data-filter]");
    if (!selects.length) { return; }
    var filter = selects[0].closest(".filter");
    var count = document.getElementById("filter-count");
    var template = document.body.getAttribute("data-filter-count") || "";

    function below(el) {
      return filter.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING;
    }

    function apply() {
      var wanted = {};
      selects.forEach(function (s) { if (s.value) { wanted[s.getAttribute("data-filter")] = s.value; } });
      var items = document.querySelectorAll("main [data-municipality], main [data-colour]");
      var shown = 0, total = 0;
      items.forEach(function (el) {
        if (!below(el) || el.closest(".legend")) { return; }
        var match = true;
        Object.keys(wanted).forEach(function (key) {
          var value = el.getAttribute("data-" + key);
          if (value !== null && value !== wanted[key]) { match = false; }
        });
        el.hidden = !match;
        if (el.hasAttribute("data-area") && el.tagName === "TR") {
          total++; if (match) { shown++; }
        }
      });
      if (count) {
        count.textContent = Object.keys(wanted).length && total ?
          template.replace("{shown}", shown).replace("{total}", total) : "";
      }
    }
    selects.forEach(function (s) { s.addEventListener("change", apply); });
  }

  // --- Print: every table open, charts sized to the paper ---------------
  function setupPrint() {
    window.addEventListener("beforeprint", function () {
      document.querySelectorAll("details").forEach(function (d) {
        if (!d.open) { d.setAttribute("data-print-opened", ""); d.open = true; }
      });
      if (typeof Plotly !== "undefined") {
        document.querySelectorAll(".plot.js-plotly-plot").forEach(function (p) { Plotly.Plots.resize(p); });
      }
    });
    window.addEventListener("afterprint", function () {
      document.querySelectorAll("details[data-print-opened]").forEach(function (d) {
        d.open = false; d.removeAttribute("data-print-opened");
      });
    });
  }

  function start() {
    warnIfStale();
    drawCharts();
    setupMap();
    setupFilter();
    setupSearch();
    setupRegimes();
    setupPrint();
    document.body.setAttribute("data-ready", "true");
    // When the page became interactive, for the benchmark (benchmarks/site_timing.py).
    document.body.setAttribute("data-ready-ms", String(Math.round(performance.now())));
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
