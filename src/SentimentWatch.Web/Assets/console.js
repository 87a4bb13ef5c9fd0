// SentimentWatch console: the little the pages need beyond HTML — local times, charts from
// embedded JSON (no inline script), self-refreshing regions, and zooming a histogram by clicking a bar.
"use strict";
(function () {
  const colors = { negative: "#c53030", neutral: "#8795a1", positive: "#2f855a", total: "#1d4ed8", baseline: "#8795a1", threshold: "#f0b429", other: "#486581" };
  const lang = document.documentElement.lang || "en";

  // The reader's UTC offset now (minutes east), for the server to cut a chart's days at the reader's midnight (decision 256).
  const utcOffset = String(-new Date().getTimezoneOffset());
  if (document.cookie.split("; ").indexOf("sw-utc-offset=" + utcOffset) < 0) {
    document.cookie = "sw-utc-offset=" + utcOffset + "; path=/; max-age=31536000; samesite=lax";
  }
  // And the reader's zone (an IANA id), which the server prefers: days on the far side of a clock change start at
  // local midnight too, where the offset of now cuts them an hour off (decision 259).
  let timeZone = "";
  try { timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { timeZone = ""; }
  if (/^[A-Za-z0-9_+\-\/]{1,64}$/.test(timeZone) && document.cookie.split("; ").indexOf("sw-time-zone=" + timeZone) < 0) {
    document.cookie = "sw-time-zone=" + timeZone + "; path=/; max-age=31536000; samesite=lax";
  }

  function formatTimes(root) {
    root.querySelectorAll("time[datetime]").forEach(function (el) {
      const d = new Date(el.getAttribute("datetime"));
      if (isNaN(d)) return;
      const style = el.dataset.style || "datetime";
      const options = style === "date" ? { year: "numeric", month: "2-digit", day: "2-digit" }
        : style === "zone" ? { month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", timeZoneName: "short" }
        : { month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" };
      el.textContent = d.toLocaleString(lang, options);
      el.title = d.toLocaleString(lang);
    });
    // The zone those local times are in, said once on the page.
    root.querySelectorAll("[data-time-zone]").forEach(function (el) {
      const offset = -new Date().getTimezoneOffset(), abs = Math.abs(offset);
      const utc = "UTC" + (offset < 0 ? "-" : "+") + String(Math.floor(abs / 60)).padStart(2, "0") + ":" + String(abs % 60).padStart(2, "0");
      const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
      el.textContent = zone ? zone + " (" + utc + ")" : utc;
    });
  }

  function bucketLabel(iso, interval) {
    const d = new Date(iso);
    if (interval === "hour") return d.toLocaleString(lang, { month: "2-digit", day: "2-digit", hour: "2-digit" });
    return d.toLocaleDateString(lang, { month: "2-digit", day: "2-digit" });
  }

  function drawCharts(root) {
    if (typeof Chart === "undefined") return;
    root.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      const source = document.getElementById(canvas.dataset.chart);
      if (!source) return;
      const spec = JSON.parse(source.textContent);
      const existing = Chart.getChart(canvas);
      if (existing) existing.destroy();
      const labels = spec.starts ? spec.starts.map(function (s) { return bucketLabel(s, spec.interval); }) : spec.labels;
      const chart = new Chart(canvas, {
        type: spec.type || "bar",
        data: {
          labels: labels,
          datasets: spec.datasets.map(function (ds) {
            const color = colors[ds.color] || ds.color || colors.other;
            return { label: ds.label, data: ds.data, backgroundColor: color, borderColor: color, borderWidth: spec.type === "line" ? 2 : 0, pointRadius: 0, fill: false, tension: .25 };
          })
        },
        options: {
          responsive: true, maintainAspectRatio: false, animation: false,
          interaction: { mode: "index", intersect: false },
          plugins: { legend: { display: spec.datasets.length > 1, position: "bottom", labels: { boxWidth: 12 } } },
          scales: {
            // A time axis may skip labels; a category axis (spec.labels) shows every one, tilted when crowded.
            x: { stacked: !!spec.stacked, grid: { display: false }, ticks: spec.starts ? { maxRotation: 0, autoSkipPadding: 12 } : { autoSkip: false, maxRotation: 60 } },
            y: { stacked: !!spec.stacked, beginAtZero: true, ticks: { precision: 0 } }
          },
          onClick: spec.zoom ? function (event, elements) {
            if (!elements.length) return;
            const i = elements[0].index, z = spec.zoom[i];
            if (!z) return;
            const url = new URL(window.location.href);
            url.searchParams.set("from", z[0]);
            url.searchParams.set("to", z[1]);
            url.searchParams.delete("cursor");
            url.searchParams.delete("shown");
            window.location.assign(url.toString());
          } : undefined,
          onHover: spec.zoom ? function (event, elements) { event.native.target.style.cursor = elements.length ? "zoom-in" : "default"; } : undefined
        }
      });
      canvas.setAttribute("data-chart-ready", "true");
      canvas.chart = chart;
    });
  }

  function enhance(root) { formatTimes(root); drawCharts(root); }

  function startRefresh(region) {
    const seconds = parseInt(region.dataset.refreshSeconds || "15", 10);
    let busy = false;
    setInterval(async function () {
      if (busy || document.hidden) return;
      busy = true;
      try {
        const response = await fetch(region.dataset.refreshUrl, { headers: { "X-Requested-With": "fetch" }, credentials: "same-origin" });
        if (response.ok) {
          region.innerHTML = await response.text();
          enhance(region);
          region.dispatchEvent(new CustomEvent("refreshed", { bubbles: true }));
        } else if (response.status === 401 || response.redirected) {
          window.location.reload();
        }
      } catch (e) { /* offline for a moment: try again next time */ }
      finally { busy = false; }
    }, seconds * 1000);
  }

  document.addEventListener("DOMContentLoaded", function () {
    enhance(document);
    document.querySelectorAll("[data-refresh-url]").forEach(startRefresh);
    document.querySelectorAll("select[data-autosubmit]").forEach(function (s) {
      s.addEventListener("change", function () {
        // A period chosen from the list replaces the dates typed beside it (data-clears names their ids).
        (s.dataset.clears || "").split(" ").forEach(function (id) { const box = id && document.getElementById(id); if (box && s.value) box.value = ""; });
        s.form.submit();
      });
    });
  });
})();
