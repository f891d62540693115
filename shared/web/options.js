// Options section: load with the ETag, save with If-Match, show validation errors by field, preview, history.
import { ApiError, call, describe } from "./api.js";
import { byId, el, say, table, when } from "./dom.js";
import { attachMapping, showMappingErrors } from "./mapping.js";
import { OptionsForm } from "./options_form.js";
import { setupGuide } from "./setup.js";
import { component, reasonText } from "./schema.js";
import { keepOnSignIn } from "./session.js";

const DRAFT = "mailcapture.optionsDraft"; // unsaved edits kept across a sign-in (session.js)
let form = null;
let etag = "";
let baseline = ""; // the form's value as loaded: anything else is an unsaved edit

// An unsaved edit: anything the form holds that differs from what was loaded (an invalid advanced JSON too).
function unsaved() {
  if (!form) return false;
  try {
    return JSON.stringify(form.value()) !== baseline;
  } catch {
    return true;
  }
}

// keepEdits (loads the admin did not ask for: a key set, the page's own start): unsaved edits are never dropped;
// the form stays, with its ETag, so saving over a version stored since is refused (412). Reload drops them.
export async function loadOptions({ keepEdits = false } = {}) {
  try {
    const { data, response } = await call("GET", "options");
    if (keepEdits && unsaved()) {
      const tag = response.headers.get("ETag") || `"v${data.version}"`;
      if (tag !== etag) {
        say("options-message", `The stored options changed (version ${data.version}) since this form was loaded: `
          + "Reload shows them and drops your unsaved edits.", "error");
      }
      loadHistory();
      return;
    }
    const draft = JSON.parse(sessionStorage.getItem(DRAFT) || "null");
    sessionStorage.removeItem(DRAFT);
    show(data, response.headers.get("ETag"), draft);
    say("options-message", draft ? "Your edits from before signing in again are back in the form, not saved yet: "
      + "Save keeps them, Reload drops them." : "", draft ? "ok" : "");
    loadHistory();
  } catch (error) {
    say("options-message", describe(error), "error");
  }
}

// A restored draft keeps the ETag it was edited against: saving it over a newer version is refused (412).
function show(stored, tag, draft = null) {
  etag = draft ? draft.etag : tag || `"v${stored.version}"`;
  const steps = Object.fromEntries(["step-roles", "step-types", "step-limits"].map((id) => [id, byId(`${id}-fields`)]));
  form = new OptionsForm({ ...steps, advanced: byId("options-fields") }, draft ? draft.options : stored.options,
    component("Options"));
  baseline = draft ? "" : JSON.stringify(form.value());
  attachMapping(form);
  setupGuide(stored);
  const by = stored.updated_by ? ` by ${stored.updated_by}, ${when(stored.updated_at)}` : " (defaults)";
  byId("options-meta").textContent = `Version ${stored.version}${by}`;
  byId("options-form-error").textContent = "";
}

function currentDoc() {
  try {
    return form.value();
  } catch {
    say("options-message", "Not saved: the advanced JSON is not valid.", "error");
    return null;
  }
}

async function save(event) {
  event.preventDefault();
  const doc = form && currentDoc();
  if (!doc) return;
  form.clearErrors();
  byId("options-form-error").textContent = "";
  try {
    const { data, response } = await call("PUT", "options", { json: doc, headers: { "If-Match": etag } });
    show(data, response.headers.get("ETag"));
    say("options-message", `Saved: version ${data.version}.`, "ok");
    loadHistory();
  } catch (error) {
    failed(error);
  }
}

function failed(error) {
  if (error instanceof ApiError && error.status === 400 && Array.isArray(error.problem.errors)) {
    const unplaced = form.showErrors(error.problem.errors);
    showMappingErrors(error.problem.errors);
    byId("options-form-error").textContent = unplaced.join(" · ");
    const count = error.problem.errors.length;
    say("options-message", `Not saved: ${count} problem${count === 1 ? "" : "s"}, shown next to the fields.`, "error");
  } else if (error instanceof ApiError && (error.status === 412 || error.status === 428)) {
    say("options-message", "Not saved: the options were changed by someone else: reload (your edits will be lost).",
      "error");
  } else {
    say("options-message", describe(error), "error");
  }
}

async function preview() {
  const doc = form && currentDoc();
  if (!doc) return;
  const target = byId("options-preview-result");
  try {
    const { data } = await call("POST", "options/preview", { json: doc });
    const changed = data.emails.filter((e) => e.changed);
    const rows = changed.map((e) => el("tr", {},
      el("td", { text: e.subject }), el("td", { text: decision(e.current) }), el("td", { text: decision(e.proposed) }),
      el("td", { text: recordChanges(e) })));
    target.replaceChildren(el("p", { text: `${changed.length} of ${data.emails.length} recent emails would change.` }),
      rows.length ? table(["Subject", "Now", "With these options", "Records"], rows) : "");
    say("options-message", "");
  } catch (error) {
    target.replaceChildren();
    failed(error);
  }
}

// What the worker would write differently: new contacts, records added or gone, each changed field.
const recordChanges = (e) => [
  ...(e.proposed.records || []).filter((r) => r.new_contact).map((r) => `would create contact ${r.contact_name}`),
  ...(e.field_changes || []).map((c) => (c.field ? `${c.kind} ${c.field}: "${c.from ?? ""}" → "${c.to ?? ""}"`
    : `${c.kind} for ${c.contact_id} ${c.record === "added" ? "would be written" : "no longer written"}`)),
].join("; ");

const decision = (d) => (d.reason ? `${d.decision}: ${d.reason} – ${reasonText(d.reason)}` : d.decision);

async function loadHistory() {
  try {
    const { data } = await call("GET", "options/history", { query: { limit: 10 } });
    byId("options-history-list").replaceChildren(...data.history.map((h) => el("li", {},
      `Version ${h.version}, ${h.updated_by}, ${when(h.updated_at)}: `,
      h.changes.map((c) => c.path).join(", ") || "no change")));
  } catch {
    byId("options-history-list").replaceChildren();
  }
}

function keepDraft() {
  if (!form) return "";
  let options;
  try {
    options = form.value();
  } catch {
    throw new Error("option edits (the advanced JSON is not valid)");
  }
  if (JSON.stringify(options) === baseline) return "";
  sessionStorage.setItem(DRAFT, JSON.stringify({ etag, options }));
  return "option edits";
}

export function initOptions() {
  keepOnSignIn(keepDraft);
  byId("options-form").addEventListener("submit", save);
  byId("options-reload").addEventListener("click", () => loadOptions());
  byId("options-preview").addEventListener("click", preview);
}
