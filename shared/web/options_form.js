// The options form: one control per simple option (from the JSON the API returns, typed by its schema), an
// "advanced JSON" textarea for the rest, and validation errors shown next to the control of their field path.
import { el } from "./dom.js";
import { OPTION_LABELS, UNCHOSEN, choiceLabel } from "./labels.js";
import { resolve } from "./schema.js";

const isScalar = (v) => v === null || ["string", "number", "boolean"].includes(typeof v);
const humanise = (key) => key.replaceAll("_", " ").replace(/^./, (c) => c.toUpperCase());
const domId = (path) => `opt-${path.replaceAll(".", "-")}`;
const MAPPING_KEYS = new Set(["activity_types", "interaction"]); // edited by the field-mapping editor
const labelOf = (path, schema) => OPTION_LABELS[path]?.label || schema.title || humanise(path.split(".").pop());
const helpOf = (path, schema) => OPTION_LABELS[path]?.help || schema.description;

function kindOf(value, schema) {
  if (typeof value === "boolean") return "checkbox";
  if (typeof value === "number") return "number";
  if (typeof value === "string") return schema.enum ? "select" : "text";
  if (Array.isArray(value) && value.every((v) => typeof v === "string")) {
    return resolve(schema.items).enum ? "choices" : "lines";
  }
  return null;
}

function input(kind, path, value, schema) {
  const id = domId(path);
  if (kind === "checkbox") return el("input", { id, type: "checkbox", checked: value });
  if (kind === "number") {
    return el("input", { id, type: "number", value: String(value), min: schema.minimum, max: schema.maximum });
  }
  if (kind === "select") {
    return el("select", { id }, schema.enum.map((o) =>
      el("option", { value: o, text: choiceLabel(o), selected: o === value })));
  }
  if (kind === "lines") return el("textarea", { id, rows: 3, value: value.join("\n"), spellcheck: "false" });
  if (kind === "choices") {
    const offered = resolve(schema.items).enum.filter((o) => !UNCHOSEN.has(o));
    return el("div", { id, class: "choices", role: "group" }, offered.map((o) =>
      el("label", {}, el("input", { type: "checkbox", value: o, checked: value.includes(o) }), ` ${choiceLabel(o)}`)));
  }
  return el("input", { id, type: "text", value, spellcheck: "false" });
}

function read(kind, node) {
  if (kind === "checkbox") return node.checked;
  if (kind === "number") return node.value === "" ? null : Number(node.value);
  if (kind === "lines") return node.value.split("\n").map((s) => s.trim()).filter(Boolean);
  if (kind === "choices") return [...node.querySelectorAll("input:checked")].map((i) => i.value);
  return node.value;
}

export class OptionsForm {
  // containers: {stepId: element} for each setup step, and "advanced" for the JSON view.
  constructor(containers, doc, schema) {
    this.controls = new Map(); // field path -> {kind, node, error}
    this.advancedKeys = [];
    const placed = Object.fromEntries(Object.keys(containers).map((k) => [k, []]));
    for (const [key, value] of Object.entries(doc)) {
      const property = resolve(schema.properties?.[key]);
      const group = MAPPING_KEYS.has(key) ? null : this.group(key, value, property);
      if (group) placed[OPTION_LABELS[key]?.step in placed ? OPTION_LABELS[key].step : "step-limits"].push(group);
      else this.advancedKeys.push(key);
    }
    const advanced = Object.fromEntries(this.advancedKeys.map((k) => [k, doc[k]]));
    this.advanced = el("textarea", { id: "opt-advanced", rows: 12, spellcheck: "false",
      value: JSON.stringify(advanced, null, 2) });
    this.advancedError = el("p", { id: "opt-advanced-error", class: "field-error", role: "alert" });
    placed.advanced.push(el("div", { class: "field wide", "data-path": "(advanced)" },
      el("label", { for: "opt-advanced", text: `Advanced (JSON): ${this.advancedKeys.join(", ")}` }),
      el("p", { class: "hint", text: "The same document the field-mapping editor changes." }),
      this.advanced, this.advancedError));
    for (const [key, node] of Object.entries(containers)) node.replaceChildren(...placed[key]);
  }

  // The advanced part as an object (the mapping editor reads and writes it); null while its JSON is broken.
  advancedDoc() {
    try { return JSON.parse(this.advanced.value || "{}"); } catch { return null; }
  }

  setAdvanced(doc) {
    this.advanced.value = JSON.stringify(doc, null, 2);
  }

  group(key, value, schema) {
    if (value && typeof value === "object" && !Array.isArray(value) && Object.values(value).every(isScalar)) {
      const inner = Object.entries(value).map(([k, v]) =>
        this.field(`${key}.${k}`, k, v, resolve(schema.properties?.[k])));
      if (inner.includes(null)) return null;
      return el("fieldset", { class: "field wide" }, el("legend", { text: labelOf(key, schema) }), inner);
    }
    return this.field(key, key, value, schema);
  }

  field(path, key, value, schema) {
    const kind = kindOf(value, schema);
    if (!kind) return null;
    const id = domId(path);
    const node = input(kind, path, value, schema);
    const error = el("p", { id: `${id}-error`, class: "field-error", role: "alert" });
    const help = [helpOf(path, schema), kind === "lines" && "One per line."].filter(Boolean).join(" ");
    const hint = help ? el("p", { id: `${id}-hint`, class: "hint", text: help }) : null;
    const described = [hint && `${id}-hint`, `${id}-error`].filter(Boolean).join(" ");
    node.setAttribute(kind === "choices" ? "aria-labelledby" : "aria-describedby",
      kind === "choices" ? `${id}-label` : described);
    const label = kind === "choices"
      ? el("span", { id: `${id}-label`, class: "label", text: labelOf(path, schema) })
      : el("label", { for: id, text: labelOf(path, schema) });
    this.controls.set(path, { kind, node, error });
    const wrapper = kind === "checkbox" ? el("div", { class: "check" }, node, label) : [label, node];
    return el("div", { class: `field ${kind}`, "data-path": path }, wrapper, hint, error);
  }

  // The whole options document; throws SyntaxError (shown next to the textarea) for bad advanced JSON.
  value() {
    let advanced;
    try {
      advanced = JSON.parse(this.advanced.value || "{}");
    } catch (error) {
      this.showErrors([{ field: "(advanced)", message: `Not valid JSON: ${error.message}` }]);
      throw error;
    }
    const doc = { ...advanced };
    for (const [path, { kind, node }] of this.controls) {
      const [key, child] = path.split(".");
      if (child === undefined) doc[key] = read(kind, node);
      else doc[key] = { ...(doc[key] || {}), [child]: read(kind, node) };
    }
    return doc;
  }

  clearErrors() {
    for (const { node, error } of [...this.controls.values(), { node: this.advanced, error: this.advancedError }]) {
      error.textContent = "";
      node.removeAttribute("aria-invalid");
    }
  }

  // errors: [{field, message}] from a 400 problem; returns those that fit no control (shown by the caller).
  showErrors(errors) {
    this.clearErrors();
    const unplaced = [];
    for (const { field, message } of errors) {
      const target = this.target(field);
      if (!target) {
        unplaced.push(`${field || "document"}: ${message}`);
        continue;
      }
      const text = target.node === this.advanced && field !== "(advanced)" ? `${field}: ${message}` : message;
      target.error.textContent = [target.error.textContent, text].filter(Boolean).join(" · ");
      target.node.setAttribute("aria-invalid", "true");
    }
    return unplaced;
  }

  target(field) {
    let best = null;
    for (const [path, control] of this.controls) {
      if ((field === path || field.startsWith(`${path}.`)) && (!best || path.length > best[0].length)) {
        best = [path, control];
      }
    }
    if (best) return best[1];
    if (field === "(advanced)" || this.advancedKeys.includes(field.split(".")[0])) {
      return { node: this.advanced, error: this.advancedError };
    }
    return null;
  }
}
