// The sign-in session ran out while the page was open (App Service Authentication in Azure; api.js raises
// "session-expired"): say so at the top with a "Sign in again" link back to this page. Unsaved edits are not lost
// silently: each section registered with keepOnSignIn() stores its draft in this tab's sessionStorage first (it
// survives the trip to Entra ID and back) and restores it when the page loads again.
import { byId, el } from "./dom.js";

const keepers = [];

// keep() stores the section's unsaved edits and returns what it kept ("" when nothing was unsaved), or throws
// when they cannot be stored (then the banner says they will be lost).
export function keepOnSignIn(keep) {
  keepers.push(keep);
}

function keepAll() {
  const kept = [];
  const lost = [];
  for (const keep of keepers) {
    try {
      const what = keep();
      if (what) kept.push(what);
    } catch (error) {
      lost.push(error.message);
    }
  }
  return { kept, lost };
}

function show(signIn) {
  const { kept, lost } = keepAll();
  const link = el("a", { href: signIn, id: "sign-in-again", text: "Sign in again" });
  link.addEventListener("click", keepAll); // the latest edits, just before leaving the page
  byId("session").replaceChildren(
    el("strong", { text: "Your sign-in session has expired." }), " ", link, " to go on working here.",
    kept.length ? ` Your unsaved ${kept.join(" and ")} are kept in this tab and come back after signing in.` : "",
    lost.length ? ` Not kept (copy them first): ${lost.join("; ")}.` : "");
  byId("session").hidden = false;
}

export function initSession() {
  window.addEventListener("session-expired", (event) => show(event.detail.signIn));
}
