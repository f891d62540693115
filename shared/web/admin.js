// Entry point of the admin page: the function key, then each section loads from the admin API.
import { getKey, setKey } from "./api.js";
import { byId } from "./dom.js";
import { initDecisions } from "./decisions.js";
import { initExplain } from "./explain.js";
import { initMailboxes, loadMailboxes } from "./mailboxes.js";
import { initOptions, loadOptions } from "./options.js";
import { loadSchema } from "./schema.js";
import { initStatus, loadStatus } from "./status.js";

function loadAll() {
  return Promise.all([loadOptions(), loadStatus(), loadMailboxes()]);
}

function initKey() {
  const input = byId("key-input");
  input.value = getKey();
  byId("key-form").addEventListener("submit", (event) => {
    event.preventDefault();
    setKey(input.value.trim());
    byId("notice").textContent = input.value ? "Key set for this tab." : "No key: using the sign-in session.";
    loadAll();
  });
  byId("key-forget").addEventListener("click", () => {
    setKey("");
    input.value = "";
    byId("notice").textContent = "Key forgotten.";
  });
}

async function main() {
  await loadSchema();
  initKey();
  initOptions();
  initStatus();
  initDecisions();
  initMailboxes();
  initExplain();
  await loadAll();
  document.body.dataset.ready = "yes"; // for the browser tests: every section has had its first answer
}

main();
