// Erasure section: list every CRM record this service wrote for an address or a domain (with the files attached
// to each), then delete exactly that list: the listing's confirm token goes back with the delete, and a second
// click confirms. Deletion needs IMIS_ALLOW_DELETE=true on the app (iMIS DELETE is unconfirmed).
import { call, describe } from "./api.js";
import { byId, el, say, table } from "./dom.js";

let listed = null; // { target: {address|domain: value}, confirm, count }

function target() {
  const value = byId("erasure-value").value.trim();
  return value ? { [byId("erasure-kind").value]: value } : null;
}

function render(data) {
  const rows = data.records.map((r) => el("tr", {},
    el("td", { text: r.kind }), el("td", { text: r.record_id }), el("td", { text: `${r.contact_name} (${r.contact_id})` }),
    el("td", { text: (r.attachments || []).join(", ") || "—" })));
  const files = data.records.reduce((n, r) => n + (r.attachments || []).length, 0);
  byId("erasure-result").replaceChildren(
    el("p", { text: `${data.count} record(s) with ${files} attached file(s) for ${data.contacts.length} contact(s)` +
      (data.already_erased ? `; ${data.already_erased} already erased.` : ".") }),
    rows.length ? table(["Kind", "Record", "Contact", "Attached files"], rows) : "");
  const button = byId("erasure-delete");
  button.hidden = !data.count;
  button.disabled = !data.delete_enabled;
  button.textContent = `Delete these ${data.count} record(s)`;
  delete button.dataset.armed;
  if (data.count && !data.delete_enabled) {
    say("erasure-message", "Deletion is off on this app (IMIS_ALLOW_DELETE=false): the list is shown only.");
  } else say("erasure-message", "");
}

async function list(event) {
  event.preventDefault();
  const wanted = target();
  if (!wanted) { say("erasure-message", "Give an address or a domain.", "error"); return; }
  await show(wanted);
}

async function show(wanted) {
  try {
    const { data } = await call("GET", "erasure", { query: wanted });
    listed = { target: wanted, confirm: data.confirm, count: data.count };
    render(data);
  } catch (error) {
    listed = null;
    byId("erasure-result").replaceChildren();
    byId("erasure-delete").hidden = true;
    say("erasure-message", describe(error), "error");
  }
}

async function erase() {
  const button = byId("erasure-delete");
  if (!listed) return;
  if (button.dataset.armed !== "yes") { // a second click confirms: no modal dialog needed
    button.dataset.armed = "yes";
    button.textContent = `Click again to delete ${listed.count} record(s) from the CRM`;
    return;
  }
  const wanted = listed.target;
  try {
    const { data } = await call("POST", "erasure", { json: { ...wanted, confirm: listed.confirm } });
    await show(wanted); // what is left now (refused records are listed again)
    say("erasure-message", `Deleted ${data.deleted} record(s), ${data.attachments_deleted} attached file(s), ` +
      `${data.eml_copies_deleted} .eml copy(ies) in Blob storage, and ${data.thread_links_deleted} thread link(s); ` +
      `${data.already_gone} already gone, ${data.refused} refused, ${data.not_attempted} not attempted.`,
      data.refused || data.not_attempted ? "error" : "ok");
  } catch (error) {
    say("erasure-message", describe(error), "error");
  }
}

export function initErasure() {
  byId("erasure-form").addEventListener("submit", list);
  byId("erasure-delete").addEventListener("click", erase);
}
