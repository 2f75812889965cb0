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
        text.textContent += " (" + days + " dage)";
      }
      box.hidden = false;
    }
  }

  var plotConfig = { displayModeBar: false, responsive: true, displaylogo: false,
                     scrollZoom: false };

  function drawCharts() {
    var plots = document.querySelectorAll(".plot[data-figure]");
    for (var i = 0; i < plots.length; i++) {
      var el = plots[i];
      var figure = readJson(el.getAttribute("data-figure"));
      if (!figure) { continue; }
      if (typeof Plotly === "undefined") {
        el.innerHTML = '<p class="plot-error">Grafen kunne ikke tegnes; tallene står i tabellen.</p>';
        continue;
      }
      Plotly.newPlot(el, figure.data, figure.layout, plotConfig);
    }
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
        heading.textContent = "Kort over områderne: " + view.label + ", " + yearSelect.value;
      }
      var summary = plot.parentNode.querySelector(".summary");
      if (summary) { summary.textContent = entry.s; }
      plot.setAttribute("aria-label", "Kort over områderne. " + entry.s);
      var figure = plot.closest("figure");
      var details = figure ? figure.nextElementSibling : null;
      var table = details ? details.querySelector("table") : null;
      if (table) {
        table.querySelector("caption").textContent = "Kortets tal: " + view.label + ", " + yearSelect.value;
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

  // --- Municipality filter on the overview table -----------------------
  function setupFilter() {
    var select = document.getElementById("municipality-filter");
    if (!select) { return; }
    var table = document.getElementById(select.getAttribute("data-table"));
    var count = document.getElementById("filter-count");
    select.addEventListener("change", function () {
      var rows = table.tBodies[0].rows;
      var shown = 0;
      for (var i = 0; i < rows.length; i++) {
        var match = !select.value || rows[i].getAttribute("data-municipality") === select.value;
        rows[i].hidden = !match;
        if (match) { shown++; }
      }
      if (count) {
        count.textContent = select.value ? shown + " af " + rows.length + " områder vises" : "";
      }
    });
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
    setupPrint();
    document.body.setAttribute("data-ready", "true");
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
