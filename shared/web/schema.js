// The admin API's OpenAPI document (anonymous): enums, titles and reason descriptions for the forms.
import { apiBase } from "./api.js";

let doc = null;

export async function loadSchema() {
  if (doc) return doc;
  try {
    const response = await fetch(new URL("openapi.json", apiBase));
    doc = response.ok ? await response.json() : {};
  } catch {
    doc = {};
  }
  return doc;
}

export function component(name) {
  return doc?.components?.schemas?.[name] || {};
}

// Follow $ref and unwrap "anyOf [X, null]" so a form sees the useful part.
export function resolve(schema) {
  let current = schema || {};
  for (let i = 0; i < 5; i += 1) {
    if (current.$ref) current = { ...component(current.$ref.split("/").pop()), ...omitRef(current) };
    else if (current.anyOf) current = { ...current.anyOf.find((s) => s.type !== "null"), ...label(current) };
    else break;
  }
  return current;
}

function label({ title, description }) {
  return { ...(title && { title }), ...(description && { description }) };
}

function omitRef(schema) {
  const { $ref, ...rest } = schema;
  return rest;
}

export const enumOf = (name) => component(name).enum || [];
export const reasonText = (code) => component("Reason")["x-enum-descriptions"]?.[code] || "";
