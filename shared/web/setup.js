// Guided first run: an installation whose options were never saved, or that watches no mailbox yet, sees the
// setup order (roles → activity types → field mappings → limits → first mailbox) with what each step is for.
import { call } from "./api.js";
import { byId, el } from "./dom.js";
import { STEPS } from "./labels.js";

export async function setupGuide(stored) {
  let mailboxes = 0;
  try {
    mailboxes = (await call("GET", "mailboxes")).data.mailboxes.length;
  } catch { /* the guide still shows the order */ }
  const saved = stored.version > 0;
  const steps = [...STEPS.map((s) => ({ ...s, done: saved })),
    { id: "mailboxes", title: "5. First mailbox", intro: "Watch a mailbox: its mail is saved from now on, and the "
      + "last days are imported.", done: mailboxes > 0 }];
  const next = steps.find((s) => !s.done);
  byId("setup").hidden = !next;
  byId("setup-steps").replaceChildren(...steps.map((s) => el("li", { class: s.done ? "done" : "" },
    el("a", { href: `${location.pathname}#${s.id}`, text: s.title }), ` ${s.done ? "(done) " : ""}— ${s.intro}`)));
  byId("setup-next").textContent = next ? `Next: ${next.title.replace(/^\d+\. /, "")}.` : "";
}
