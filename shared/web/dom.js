// Tiny DOM helpers: build elements without innerHTML, so no data is ever parsed as markup.
const PROPERTIES = new Set(["value", "checked", "selected"]);

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else if (name === "text") node.textContent = value;
    else if (PROPERTIES.has(name) || (name in node && typeof value !== "string")) node[name] = value;
    else node.setAttribute(name, value === true ? "" : value);
  }
  node.append(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return node;
}

export const byId = (id) => document.getElementById(id);

// Write a status line; kind "error" or "ok" styles it.
export function say(id, text, kind = "") {
  const node = byId(id);
  node.textContent = text;
  node.className = `message ${kind}`.trim();
}

export function table(headings, rows) {
  const head = el("thead", {}, el("tr", {}, headings.map((h) => el("th", { scope: "col", text: h }))));
  // Focusable: on a narrow window a table scrolls sideways, and keyboard users must be able to scroll it.
  return el("table", { tabindex: "0" }, head, el("tbody", {}, rows));
}

export function when(value) {
  if (!value) return "";
  const date = new Date(String(value).replace(" ", "T"));
  return Number.isNaN(date.getTime()) ? String(value) : date.toLocaleString();
}
