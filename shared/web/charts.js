// Charts of the last 30 days (GET stats) and of the moment (status): outcomes per day, skips by reason, per
// mailbox, poison and no_contact trends, subscription expiry. Chart.js is served by this app (vendor/), so the
// strict CSP holds. Each chart has a text summary for screen readers.
import { call, describe } from "./api.js";
import { byId, el, say } from "./dom.js";

const COLOURS = { captured: "#1e7d3a", skipped: "#8a94a3", duplicate: "#5b8fd6", failed: "#b3261e" };
const PALETTE = ["#1f5fbf", "#d97706", "#7c3aed", "#0f766e", "#be185d", "#4b5563", "#65a30d", "#0891b2"];
const charts = new Map();

function draw(id, config, summary) {
  const canvas = byId(id);
  canvas.setAttribute("aria-label", summary);
  charts.get(id)?.destroy();
  if (!window.Chart) return; // the numbers stay in the summaries
  charts.set(id, new window.Chart(canvas, { ...config,
    options: { animation: false, maintainAspectRatio: false, responsive: true, ...config.options } }));
}

const total = (series) => series.reduce((a, b) => a + b, 0);
const sumOf = (map) => Object.entries(map).map(([k, v]) => `${k} ${total(v)}`).join(", ") || "none";

export function drawDaily(stats) {
  const labels = stats.days.map((d) => d.slice(5));
  draw("chart-outcomes", { type: "bar", data: { labels, datasets: Object.entries(stats.by_outcome).map(([k, v]) =>
    ({ label: k, data: v, backgroundColor: COLOURS[k] || "#888", stack: "o" })) },
  options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } } } },
  `Emails per day for ${stats.days.length} days: ${sumOf(stats.by_outcome)}.`);
  const skips = Object.entries(stats.by_reason).map(([k, v]) => [k, total(v)]).sort((a, b) => b[1] - a[1]);
  draw("chart-reasons", { type: "bar", data: { labels: skips.map(([k]) => k), datasets: [{ label: "emails",
    data: skips.map(([, v]) => v), backgroundColor: "#8a94a3" }] }, options: { indexAxis: "y",
    plugins: { legend: { display: false } } } }, `Skipped and failed by reason: ${skips.map(([k, v]) => `${k} ${v}`)
    .join(", ") || "none"}.`);
  const boxes = Object.entries(stats.by_mailbox);
  draw("chart-mailboxes", { type: "bar", data: { labels: boxes.map(([k]) => k), datasets: Object.keys(COLOURS)
    .map((o) => ({ label: o, data: boxes.map(([, v]) => v[o] || 0), backgroundColor: COLOURS[o], stack: "m" })) },
  options: { indexAxis: "y", scales: { x: { stacked: true, beginAtZero: true }, y: { stacked: true } } } },
  `Per mailbox: ${boxes.map(([k, v]) => `${k} ${Object.entries(v).map(([o, n]) => `${o} ${n}`).join(" ")}`)
    .join("; ") || "none"}.`);
  const trends = ["no_contact", "retries_exhausted"].map((k, i) => ({ label: k === "retries_exhausted" ? "poison"
    : k, data: stats.by_reason[k] || stats.days.map(() => 0), borderColor: PALETTE[i], backgroundColor: PALETTE[i] }));
  draw("chart-trends", { type: "line", data: { labels, datasets: trends },
    options: { scales: { y: { beginAtZero: true } } } },
  `no_contact ${total(trends[0].data)} and poison ${total(trends[1].data)} in ${stats.days.length} days.`);
}

export function drawExpiry(status) {
  const now = new Date(status.now).getTime();
  const subs = status.mailboxes.flatMap((m) => m.folders.filter((f) => f.subscription_expires_at).map((f) => ({
    label: `${m.address} ${f.watches === "whole_mailbox" ? "whole mailbox" : f.folder}`, hours: Math.round((new Date(f.subscription_expires_at) - now) / 36e5) })));
  draw("chart-expiry", { type: "bar", data: { labels: subs.map((s) => s.label), datasets: [{ label: "hours left",
    data: subs.map((s) => s.hours), backgroundColor: subs.map((s) => (s.hours < 12 ? "#b3261e" : "#1f5fbf")) }] },
  options: { indexAxis: "y", plugins: { legend: { display: false } } } },
  `Subscriptions: ${subs.map((s) => `${s.label} ${s.hours} h left`).join(", ") || "none"}.`);
}

const eta = (s) => (s === null || s === undefined ? "" : s < 90 ? `, about ${s} s left` : `, about ${Math.round(s / 60)} min left`);

export function importBars(status) {
  const running = status.mailboxes.filter((m) => m.import && m.import.state && m.import.days > 0);
  byId("imports").replaceChildren(...(running.length ? running.map((m) => {
    const i = m.import;
    const text = i.total === null || i.total === undefined ? `${i.processed} processed (total unknown)`
      : `${i.processed} of ${i.total} processed${eta(i.eta_seconds)}${i.complete ? " – complete" : ""}`;
    const id = `import-${m.address.replace(/[^a-z0-9]/gi, "-")}`;
    return el("div", { class: "import" }, el("label", { for: id, text: m.address }),
      el("progress", { id, max: String(i.total || 1), value: String(Math.min(i.processed, i.total || 0)),
        "aria-valuetext": text }), el("span", { class: "muted", text }));
  }) : [el("p", { class: "muted", text: "No historical import." })]));
  return running.some((m) => !m.import.complete && m.import.total !== 0);
}

export async function loadCharts() {
  try {
    const { data } = await call("GET", "stats", { query: { days: 30 } });
    drawDaily(data);
  } catch (error) {
    say("status-message", describe(error), "error");
  }
}
