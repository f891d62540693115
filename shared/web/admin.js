// Entry point of the admin page: the function key, then each section loads from the admin API.
import { getKey, setKey } from "./api.js";
import { byId } from "./dom.js";
import { initDecisions } from "./decisions.js";
import { initErasure } from "./erasure.js";
import { initExplain } from "./explain.js";
import { loadCharts } from "./charts.js";
import { initMailboxes, loadMailboxes } from "./mailboxes.js";
import { initMapping, loadMappingCatalog } from "./mapping.js";
import { initOptions, loadOptions } from "./options.js";
import { loadSchema } from "./schema.js";
import { initSession } from "./session.js";
import { initStatus, loadStatus } from "./status.js";

const schemaLoaded = loadSchema(); // forms use its enums and titles; the API works without it

let loading = Promise.resolve();

// One load at a time, so answers to an older key can never land after those to the new one.
function loadAll() {
  const load = async () => {
    await Promise.all([schemaLoaded, loadMappingCatalog()]);
    await Promise.all([loadOptions({ keepEdits: true }), loadStatus(), loadCharts(), loadMailboxes()]);
  };
  loading = loading.then(load, load);
  return loading;
}

function initKey() {
  const input = byId("key-input");
  if (!input.value) input.value = getKey(); // keep what was typed before this script ran
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

function main() {
  // Handlers first, synchronously: nothing the admin does can reach an unwired form.
  initKey();
  initSession();
  initOptions();
  initMapping();
  initStatus();
  initDecisions(schemaLoaded);
  initMailboxes();
  initExplain();
  initErasure();
  document.body.dataset.ready = "yes";
  loadAll();
}

main();
