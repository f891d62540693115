// Explain section: drop (or choose) an .eml and show what capture would decide, without touching the CRM.
import { call, describe } from "./api.js";
import { byId, el, say } from "./dom.js";
import { reasonText } from "./schema.js";

function render(name, answer) {
  const reason = answer.reason ? `${answer.reason}: ${reasonText(answer.reason)}` : "—";
  return el("dl", { class: "explained" },
    el("dt", { text: "File" }), el("dd", { text: name }),
    el("dt", { text: "Decision" }), el("dd", { class: `decision-${answer.decision}`, text: answer.decision }),
    el("dt", { text: "Reason" }), el("dd", { class: "reason", text: reason }),
    el("dt", { text: "Detail" }), el("dd", { text: answer.detail }),
    el("dt", { text: "Participants" }), el("dd", { text: answer.participants.join(", ") || "—" }));
}

async function explain(file) {
  if (!file) return;
  say("explain-message", `Reading ${file.name}…`);
  try {
    const query = { mailbox: byId("explain-mailbox").value, folder: byId("explain-folder").value };
    const { data } = await call("POST", "explain", { query, body: await file.arrayBuffer(),
      headers: { "content-type": "message/rfc822" } });
    byId("explain-result").replaceChildren(render(file.name, data));
    say("explain-message", "");
  } catch (error) {
    say("explain-message", describe(error), "error");
  }
}

export function initExplain() {
  const zone = byId("drop-zone");
  const picker = byId("explain-file");
  for (const type of ["dragenter", "dragover"]) {
    zone.addEventListener(type, (event) => { event.preventDefault(); zone.classList.add("over"); });
  }
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("over");
    explain(event.dataTransfer?.files?.[0]);
  });
  zone.addEventListener("keydown", (event) => {
    if (event.key === "Enter" || event.key === " ") { event.preventDefault(); picker.click(); }
  });
  picker.addEventListener("change", () => { explain(picker.files[0]); picker.value = ""; });
}
