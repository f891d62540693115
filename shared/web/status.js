// Status section: mailboxes and their subscriptions, queues, the last 24 hours; poison replay and cache purge.
import { call, describe } from "./api.js";
import { byId, el, say, table, when } from "./dom.js";
import { drawExpiry, importBars, loadCharts } from "./charts.js";
import { choiceLabel } from "./labels.js";
import { reasonText } from "./schema.js";

let polling = 0;

const counts = (map) => Object.entries(map).map(([k, v]) => el("li", { title: reasonText(k) }, `${k}: ${v}`));

// What a row watches: a folder, or the whole mailbox through one subscription (users/{id}/messages) whose
// excluded folders are told apart by each message's parent folder.
const watchedLabel = (f) => (f.watches === "whole_mailbox" ? "Whole mailbox (every folder)" : choiceLabel(f.folder));

const watched = (f) => [watchedLabel(f), el("br"), el("small", { class: "muted", text: [
  `one subscription on ${f.resource}`,
  f.excluded_folders?.length ? `never from ${f.excluded_folders.map(choiceLabel).join(", ")}` : ""]
  .filter(Boolean).join("; ") })];

function folderRows(mailbox) {
  return mailbox.folders.map((f) => el("tr", { class: f.subscription_expired || !f.subscription_id ? "bad" : "" },
    el("td", { text: mailbox.address }), el("td", { text: mailbox.enabled ? "yes" : "no" }),
    el("td", {}, watched(f)),
    el("td", { text: f.subscription_id ? (f.subscription_expired ? "expired " : "until ") +
      when(f.subscription_expires_at) : "none" }),
    el("td", { text: when(f.last_notification_at) || "never" }),
    el("td", { text: f.delta_lag_seconds === null ? "-" : `${f.delta_lag_seconds} s` }),
    el("td", { text: mailbox.import?.days ? `${mailbox.import.state}: ${mailbox.import.processed ?? 0} of ` +
      `${mailbox.import.total ?? "?"}` : "-" })));
}

// The capture folder gone (deleted or renamed): capture from it stops until the mailbox is saved again.
const folderProblems = (mailboxes) => mailboxes.filter((m) => m.folder_problem).map((m) =>
  el("p", { class: "message error", text: `${m.address}: ${m.folder_problem}` }));

// Both lanes added up, then each: live mail (mail-messages) and the import and backstop (mail-bulk).
const lanes = (q, key) => q.lanes ? `${q[key]} (live ${q.lanes.live[key]}, bulk ${q.lanes.bulk[key]})` : String(q[key]);

function render(s) {
  const poison = s.queue.last_poison_reasons.map((p) => el("li", {}, `${when(p.at)} ${p.mailbox}: ${p.detail}`));
  return [
    el("dl", { class: "stats" },
      el("dt", { text: "Emails, last 24 h" }), el("dd", { text: String(s.last_24h.messages) }),
      el("dt", { text: "Queue" }), el("dd", { text: lanes(s.queue, "depth") }),
      el("dt", { text: "Poison queue" }), el("dd", { text: lanes(s.queue, "poison_depth") }),
      el("dt", { text: "Rejected notifications" }), el("dd", { text: String(s.webhook_rejected ?? 0) })),
    el("div", { class: "columns" },
      el("div", {}, el("h3", { text: "By outcome (24 h)" }), el("ul", {}, counts(s.last_24h.by_outcome))),
      el("div", {}, el("h3", { text: "By reason (24 h)" }), el("ul", {}, counts(s.last_24h.by_reason))),
      el("div", {}, el("h3", { text: "Last poison reasons" }), el("ul", {}, poison))),
    el("h3", { text: "Subscriptions" }),
    ...folderProblems(s.mailboxes),
    s.mailboxes.length
      ? table(["Mailbox", "Enabled", "Folder", "Subscription", "Last notification", "Delta lag", "Import"],
        s.mailboxes.flatMap(folderRows))
      : el("p", { text: "No mailbox is watched yet." }),
    el("p", { class: "muted", text: `As of ${when(s.now)}` }),
  ];
}

export async function loadStatus() {
  try {
    const { data } = await call("GET", "status");
    byId("status-body").replaceChildren(...render(data));
    drawExpiry(data);
    clearTimeout(polling);
    if (importBars(data)) polling = setTimeout(refreshAll, 2000); // a running import: watch it move
    say("status-message", "");
  } catch (error) {
    say("status-message", describe(error), "error");
  }
}

async function act(path, done) {
  try {
    const { data } = await call("POST", path);
    await loadStatus();
    say("status-message", done(data), "ok");
  } catch (error) {
    say("status-message", describe(error), "error");
  }
}

function refreshAll() {
  return Promise.all([loadStatus(), loadCharts()]);
}

export function initStatus() {
  byId("status-refresh").addEventListener("click", refreshAll);
  byId("poison-replay").addEventListener("click", () => act("poison/replay",
    (d) => `Poison queue: ${d.requeued} re-queued, ${d.kept} kept.`));
  byId("cache-purge").addEventListener("click", () => act("contact-cache/purge",
    (d) => `Contact cache purged (generation ${d.generation}).`));
}
