// Calls to the admin API: the pasted function key goes in x-functions-key; errors become ApiError. A sign-in
// session that ran out while the page was open (App Service Authentication, Azure) becomes a "session-expired" event.
const KEY = "mailcapture.functionKey";
// App Service Authentication's sign-in link and its return parameter, "Customize sign-in and sign-out":
// https://learn.microsoft.com/en-us/azure/app-service/configure-authentication-customize-sign-in-out
const LOGIN_PATH = "/.auth/login/aad";
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

// An API call without a live session: this app answers 401 with the sign-in link (functions/_admin.py); a platform set
// to redirect unauthenticated requests answers 302 to its login, which fetch must not follow (it would end
// cross-origin at Entra ID and fail as a bare network error), hence redirect: "manual" and the opaque redirect.
function sessionExpired(link) {
  const signIn = typeof link === "string" && link.startsWith(`${LOGIN_PATH}?`) ? link
    : `${LOGIN_PATH}?post_login_redirect_uri=${encodeURIComponent(location.pathname).replaceAll("%2F", "/")}`;
  window.dispatchEvent(new CustomEvent("session-expired", { detail: { signIn } }));
  const error = new ApiError(401, { title: "Sign-in session expired", sign_in: signIn,
    detail: "Your sign-in session has expired: sign in again (link at the top); this request changed nothing." });
  error.sessionExpired = true;
  return error;
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
  const response = await fetch(url, { method, headers: sent, body, credentials: "same-origin", redirect: "manual" });
  if (response.type === "opaqueredirect") throw sessionExpired(null);
  const data = await readBody(response);
  if (!response.ok) {
    const problem = typeof data === "object" ? data : { title: response.statusText, detail: data };
    // A 401 without sign_in is the host refusing the function key: the key prompt below, never a sign-in link.
    if (response.status === 401 && problem.sign_in) throw sessionExpired(problem.sign_in);
    throw new ApiError(response.status, problem);
  }
  return { data, response };
}

// One readable line for any failure of call().
export function describe(error) {
  if (!(error instanceof ApiError)) return `The request failed: ${error.message}`;
  if (error.sessionExpired) return error.problem.detail;
  if (error.status === 401) return "Not allowed: paste a function key above (or sign in). " + (error.problem.detail || "");
  if (error.status === 403) return `Not allowed: ${error.problem.detail}`;
  return `${error.problem.title || "Error"} (${error.status}): ${error.problem.detail || ""}`.trim();
}
