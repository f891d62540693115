// Mailboxes section: list, add (subscribes and starts the import), remove (asks once more first).
import { call, describe } from "./api.js";
import { byId, el, say, table } from "./dom.js";

function removeButton(address) {
  const button = el("button", { type: "button", text: "Remove", "aria-label": `Remove ${address}` });
  button.addEventListener("click", async () => {
    if (button.dataset.armed !== "yes") { // a second click confirms: no modal dialog needed
      button.dataset.armed = "yes";
      button.textContent = "Click again to remove";
      return;
    }
    try {
      const { data } = await call("DELETE", `mailboxes/${encodeURIComponent(address)}`);
      say("mailboxes-message", `Removed ${data.mailbox} (${data.subscriptions_deleted} subscriptions).`, "ok");
      loadMailboxes();
    } catch (error) {
      say("mailboxes-message", describe(error), "error");
    }
  });
  return button;
}

function folders(m) {
  if (m.capture_whole_mailbox) return "whole mailbox";
  const listed = (m.folders || ["(options)"]).join(", ");
  return m.capture_folder ? `${listed} + capture folder ${m.capture_folder}` : listed;
}

export async function loadMailboxes() {
  try {
    const { data } = await call("GET", "mailboxes");
    const rows = data.mailboxes.map((m) => el("tr", {},
      el("td", { text: m.address }), el("td", { text: m.display_name }), el("td", { text: m.enabled ? "yes" : "no" }),
      el("td", { text: folders(m) }), el("td", { text: m.folder_problem || "" }), el("td", {}, removeButton(m.address))));
    byId("mailboxes-list").replaceChildren(rows.length
      ? table(["Address", "Name", "Enabled", "Folders", "Problem", ""], rows) : el("p", { text: "No mailbox is watched yet." }));
    if (byId("mailboxes-message").classList.contains("error")) say("mailboxes-message", "");
  } catch (error) {
    say("mailboxes-message", describe(error), "error");
  }
}

async function add(event) {
  event.preventDefault();
  const values = Object.fromEntries(new FormData(event.target));
  const mailbox = { address: values.address, display_name: values.display_name };
  if (values.import_days !== "") mailbox.import_days = Number(values.import_days);
  if (values.capture_folder) mailbox.capture_folder = values.capture_folder;
  if (values.capture_whole_mailbox) mailbox.capture_whole_mailbox = values.capture_whole_mailbox === "true";
  say("mailboxes-message", `Adding ${values.address}…`);
  try {
    const { data } = await call("POST", "mailboxes", { json: mailbox });
    say("mailboxes-message", `Watching ${data.mailbox.address}: ${data.subscriptions.length} subscription(s), ` +
      `import ${data.import.state}.`, "ok");
    event.target.reset();
    loadMailboxes();
  } catch (error) {
    const fields = (error.problem?.errors || []).map((e) => `${e.field}: ${e.message}`).join(" · ");
    say("mailboxes-message", fields ? `Not added: ${fields}` : describe(error), "error");
  }
}

export function initMailboxes() {
  byId("mailbox-form").addEventListener("submit", add);
}
