// Decision log section: search by mailbox, message, contact, outcome, reason and time; replay skipped/failed emails.
import { call, describe } from "./api.js";
import { byId, el, say, table, when } from "./dom.js";
import { enumOf, reasonText } from "./schema.js";

const REPLAYABLE = new Set(["skipped", "failed"]);

function query(form) {
  const values = Object.fromEntries(new FormData(form));
  for (const name of ["since", "until"]) {
    if (values[name]) values[name] = new Date(values[name]).toISOString(); // local time -> UTC with zone
  }
  return values;
}

async function replay(entry, button) {
  button.disabled = true;
  try {
    const emails = [{ mailbox: entry.mailbox, message_id: entry.message_id, folder: entry.folder }];
    await call("POST", "replay", { json: { emails } });
    say("log-message", `Queued again: ${entry.subject || entry.message_id}.`, "ok");
  } catch (error) {
    button.disabled = false;
    say("log-message", describe(error), "error");
  }
}

function row(entry) {
  const who = entry.contact_name || entry.participant || entry.contact_id || "(message)";
  const action = REPLAYABLE.has(entry.outcome)
    ? el("button", { type: "button", text: "Replay", "aria-label": `Replay ${entry.subject || entry.message_id}` })
    : "";
  if (action) action.addEventListener("click", () => replay(entry, action));
  return el("tr", { class: `outcome-${entry.outcome}` },
    el("td", { text: when(entry.at) }), el("td", { text: entry.mailbox }),
    el("td", { text: entry.subject || "", title: entry.internet_message_id || "" }),
    el("td", { text: entry.from_address || "" }), el("td", { text: who }),
    el("td", { text: entry.outcome }),
    el("td", { text: entry.reason || "", title: reasonText(entry.reason) }),
    el("td", { text: entry.detail }), el("td", {}, action));
}

async function search(event) {
  event.preventDefault();
  try {
    const { data } = await call("GET", "decisions", { query: query(event.target) });
    const n = data.entries.length;
    say("log-message", `${n} entr${n === 1 ? "y" : "ies"}.`);
    byId("log-results").replaceChildren(n ? table(
      ["When", "Mailbox", "Subject", "From", "Contact", "Outcome", "Reason", "Detail", ""], data.entries.map(row)) : "");
  } catch (error) {
    say("log-message", describe(error), "error");
  }
}

export function initDecisions(schemaLoaded) {
  const form = byId("log-form");
  form.addEventListener("submit", search);
  schemaLoaded.then(() => {
    form.outcome.append(...enumOf("Outcome").map((o) => el("option", { value: o, text: o })));
    form.reason.append(...enumOf("Reason").map((r) => el("option", { value: r, text: r, title: reasonText(r) })));
  });
}
