// Field mappings (setup step 3): one row per field of the chosen record type (template, token picker, the field's
// limit and a live counter, problems beside the field), editing activity_types / interaction in the options
// document's advanced JSON, which stays the same document. Field Configuration Results show what the mapping
// would write for a logged or dropped email, through the worker's own mapping code (POST mapping/preview).
import { call, describe } from "./api.js";
import { byId, el, say, table } from "./dom.js";

let catalog = null; // GET record-types: fields per record type, tokens
let form = null; // the OptionsForm holding the document
let chosen = ""; // "activity:EMAIL" or "interaction"
let sample = null; // {email: {...}} or {eml: "..."}
let refresh = 0;
const rows = new Map(); // field -> {input, count, error, limit}

const TOKEN_RE = /\[([A-Za-z]+)\]/g;
const literal = (template) => template.replace(TOKEN_RE, "").length;
const unknownTokens = (template) => [...template.matchAll(TOKEN_RE)].map((m) => `[${m[1]}]`)
  .filter((t) => !catalog.tokens.some((k) => k.token === t));

export async function loadMappingCatalog() {
  try {
    catalog = (await call("GET", "record-types")).data;
    say("mapping-message", "");
  } catch (error) {
    say("mapping-message", describe(error), "error");
  }
}

export function attachMapping(optionsForm) {
  form = optionsForm;
  form.advanced.addEventListener("change", render); // edits in the JSON view show in the rows
  render();
  loadSamples();
}

function types(doc) {
  return [...(doc.activity_types || []).map((t) => ({ value: `activity:${t.code}`,
    text: `Activity type ${t.code}${t.description ? ` – ${t.description}` : ""}` })),
  { value: "interaction", text: "Interactions" }];
}

function render() {
  const doc = form && catalog && form.advancedDoc();
  if (!doc) {
    byId("mapping-rows").replaceChildren(el("p", { text: catalog ? "Fix the advanced JSON to edit the mappings here."
      : "Field list not loaded." }));
    return;
  }
  const options = types(doc);
  if (!options.some((o) => o.value === chosen)) chosen = options[0].value;
  byId("mapping-type").replaceChildren(...options.map((o) =>
    el("option", { value: o.value, text: o.text, selected: o.value === chosen })));
  rows.clear();
  const fields = chosen === "interaction" ? catalog.interaction : catalog.activity;
  byId("mapping-rows").replaceChildren(...fields.map((f) => row(f, current(doc, f))));
  byId("mapping-source").textContent = catalog.source === "crm" ? "Fields read from the CRM."
    : "Fields and sizes from the iMIS documentation (the CRM check can confirm them).";
}

function activityType(doc) {
  return doc.activity_types.find((t) => `activity:${t.code}` === chosen);
}

// The template and limit this field has in the document.
function current(doc, f) {
  if (chosen === "interaction") return { template: doc.interaction?.[f.field] ?? "", limit: f.limit };
  const mapping = activityType(doc)?.fields.find((m) => m.field === f.field);
  return { template: mapping?.template ?? "", limit: mapping?.max_length || f.limit };
}

function row(f, { template, limit }) {
  const id = `map-${f.field}`;
  const input = el(f.field === "NOTE" || f.field === "body_template" ? "textarea" : "input",
    { id, value: template, rows: 2, spellcheck: "false", disabled: f.reserved,
      "aria-describedby": `${id}-hint ${id}-count ${id}-error` });
  const count = el("span", { id: `${id}-count`, class: "counter", "aria-live": "polite" });
  const error = el("p", { id: `${id}-error`, class: "field-error", role: "alert" });
  const picker = el("select", { id: `${id}-token`, "aria-label": `Insert a token into ${f.label}`, disabled: f.reserved },
    el("option", { value: "", text: "Insert token…" }),
    catalog.tokens.map((t) => el("option", { value: t.token, text: `${t.token} – ${t.help}` })));
  picker.addEventListener("change", () => insertToken(input, picker));
  input.addEventListener("input", () => changed(f));
  rows.set(f.field, { input, count, error, limit });
  const sized = limit ? `Up to ${limit} characters.` : "No length limit.";
  const node = el("div", { class: "mapping-row", "data-field": f.field },
    el("label", { for: id, text: `${f.label} (${f.field})` }),
    el("p", { id: `${id}-hint`, class: "hint", text: `${f.help} ${sized}` }),
    el("div", { class: "mapping-input" }, input, picker), count, error);
  check(f.field);
  return node;
}

function insertToken(input, picker) {
  if (!picker.value) return;
  const at = input.selectionStart ?? input.value.length;
  input.value = input.value.slice(0, at) + picker.value + input.value.slice(input.selectionEnd ?? at);
  picker.value = "";
  input.focus();
  input.dispatchEvent(new Event("input"));
}

function check(field) {
  const { input, count, error, limit } = rows.get(field);
  const unknown = unknownTokens(input.value);
  const text = literal(input.value);
  count.textContent = limit ? `Literal text ${text} of ${limit} characters` : `Literal text ${text} characters`;
  const problems = [unknown.length && `Unknown token(s) ${unknown.join(", ")}.`,
    limit && text > limit && `The literal text alone is longer than ${limit} characters.`].filter(Boolean);
  error.textContent = problems.join(" ");
  if (problems.length) input.setAttribute("aria-invalid", "true");
  else input.removeAttribute("aria-invalid");
}

// Write the rows back into the document's advanced JSON (the one document that is saved).
function changed(f) {
  check(f.field);
  const doc = form.advancedDoc();
  if (!doc) return;
  const value = rows.get(f.field).input.value;
  if (chosen === "interaction") {
    doc.interaction = { ...doc.interaction, [f.field]: value };
  } else {
    const { fields } = activityType(doc);
    const at = fields.findIndex((m) => m.field === f.field);
    if (at >= 0 && value) fields[at] = { ...fields[at], template: value };
    else if (at >= 0) fields.splice(at, 1); // an empty template: the field is not written
    else if (value) fields.push({ field: f.field, template: value });
  }
  form.setAdvanced(doc);
  clearTimeout(refresh);
  if (sample) refresh = setTimeout(showResults, 400);
}

// Problems from a save (400): those of the shown record type go beside their rows.
export function showMappingErrors(errors) {
  const doc = form?.advancedDoc();
  if (!doc) return;
  for (const { field, message } of errors) {
    const m = field.match(/^activity_types\.(\d+)\.fields\.(\d+)/);
    const type = m && doc.activity_types[Number(m[1])];
    const target = m ? (`activity:${type?.code}` === chosen && type.fields[Number(m[2])]?.field)
      : (chosen === "interaction" && field.startsWith("interaction.") && field.split(".")[1]);
    const found = target && rows.get(target);
    if (found) {
      found.error.textContent = message;
      found.input.setAttribute("aria-invalid", "true");
    }
  }
}

async function loadSamples() {
  try {
    const { data } = await call("GET", "decisions", { query: { contact_id: "", limit: 20 } });
    const seen = new Set();
    const emails = data.entries.filter((e) => !seen.has(e.message_id) && seen.add(e.message_id));
    byId("results-sample").replaceChildren(el("option", { value: "", text: "Choose a recent email…" }),
      ...emails.map((e) => el("option", { value: JSON.stringify({ mailbox: e.mailbox, message_id: e.message_id,
        folder: e.folder }), text: `${e.subject || "(no subject)"} – ${e.mailbox}` })));
  } catch { /* the results still work with a dropped .eml */ }
}

async function showResults() {
  let doc = null;
  try { doc = form && form.value(); } catch { return; } // broken advanced JSON: shown beside it
  if (!doc || !sample) return;
  const [kind, code] = chosen.split(":");
  try {
    const { data } = await call("POST", "mapping/preview", { json: { options: doc, record_type: kind,
      activity_type: code, ...sample } });
    byId("results-table").replaceChildren(el("p", { text: `What the ${kind === "interaction" ? "Interaction" :
      `activity ${code}`} for “${data.subject}” would hold:` }), table(["Field", "Template", "Written", "Length"],
      data.fields.map((f) => el("tr", { class: f.truncated ? "truncated" : "", "data-field": f.field },
        el("td", { text: f.field }), el("td", { text: f.template }), el("td", { class: "written", text: f.value }),
        el("td", { text: f.truncated ? `cut to ${f.length} of ${f.full_length} (limit ${f.limit})`
          : `${f.length}${f.limit ? ` of ${f.limit}` : ""}` })))));
    say("results-message", "");
  } catch (error) {
    say("results-message", describe(error), "error");
    if (error.problem?.errors) showMappingErrors(error.problem.errors);
  }
}

function useFile(file) {
  if (!file) return;
  file.text().then((eml) => {
    sample = { eml };
    byId("results-sample").value = "";
    say("results-message", `Using ${file.name}.`);
    showResults();
  });
}

export function initMapping() {
  byId("mapping-type").addEventListener("change", (event) => { chosen = event.target.value; render(); });
  byId("results-sample").addEventListener("change", (event) => {
    sample = event.target.value ? { email: JSON.parse(event.target.value) } : null;
    showResults();
  });
  byId("results-show").addEventListener("click", showResults);
  byId("results-file").addEventListener("change", (event) => useFile(event.target.files[0]));
  const zone = byId("results-drop");
  zone.addEventListener("dragover", (event) => { event.preventDefault(); zone.classList.add("over"); });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("over");
    useFile(event.dataTransfer.files[0]);
  });
}
