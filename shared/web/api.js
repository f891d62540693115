// Calls to the admin API: the pasted function key goes in x-functions-key; errors become ApiError.
const KEY = "mailcapture.functionKey";
export const apiBase = new URL("../", document.baseURI); // the page lives at <prefix>/manage/ui/

export const getKey = () => sessionStorage.getItem(KEY) || "";
export function setKey(value) {
  if (value) sessionStorage.setItem(KEY, value);
  else sessionStorage.removeItem(KEY);
}

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

async function readBody(response) {
  const text = await response.text();
  const type = response.headers.get("content-type") || "";
  if (!text || !type.includes("json")) return text;
  try { return JSON.parse(text); } catch { return text; }
}

// call("GET", "status", {query: {...}}), call("PUT", "options", {json, headers}), call("POST", "explain", {body})
export async function call(method, path, { query = {}, json, body, headers = {} } = {}) {
  const url = new URL(path, apiBase);
  for (const [name, value] of Object.entries(query)) {
    if (value !== "" && value !== null && value !== undefined) url.searchParams.set(name, value);
  }
  const sent = new Headers(headers);
  if (getKey()) sent.set("x-functions-key", getKey());
  if (json !== undefined) {
    sent.set("content-type", "application/json");
    body = JSON.stringify(json);
  }
  const response = await fetch(url, { method, headers: sent, body, credentials: "same-origin" });
  const data = await readBody(response);
  if (!response.ok) {
    throw new ApiError(response.status, typeof data === "object" ? data : { title: response.statusText, detail: data });
  }
  return { data, response };
}

// One readable line for any failure of call().
export function describe(error) {
  if (!(error instanceof ApiError)) return `The request failed: ${error.message}`;
  if (error.status === 401) return "Not allowed: paste a function key above (or sign in). " + (error.problem.detail || "");
  if (error.status === 403) return `Not allowed: ${error.problem.detail}`;
  return `${error.problem.title || "Error"} (${error.status}): ${error.problem.detail || ""}`.trim();
}
