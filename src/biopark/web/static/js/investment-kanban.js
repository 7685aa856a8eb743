// Project kanban: drag a card (or use "移到…") -> a dialog asks for what the stage rules need
// -> POST to the same service as the API. The rules come from the server (#stage-rules), so the
// dialog asks exactly what the service checks; the service's refusal is shown as it is.
(function () {
  "use strict";
  const board = document.getElementById("board");
  if (!board) return;
  const rules = JSON.parse(document.getElementById("stage-rules").textContent);
  const en = (document.documentElement.lang || "").startsWith("en");
  const byStage = Object.fromEntries(rules.map((r) => [r.stage, r]));
  const order = rules.filter((r) => r.rank >= 0).sort((a, b) => a.rank - b.rank);
  const csrf = document.querySelector("#kanban-csrf input[name=csrf_token]").value;
  const dialog = document.getElementById("move-dialog");
  const form = document.getElementById("move-form");
  const fields = document.getElementById("move-fields");
  const errorBox = document.getElementById("move-error");
  const today = new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
  const TEXT = en
    ? { move: "Move", to: "to", reasonJump: "Reason for skipping stages", reasonBack: "Reason",
        nothing: "No further facts are needed.", money: "e.g. 300000000", failed: "Request failed" }
    : { move: "移动", to: "到", reasonJump: "跳过阶段的原因", reasonBack: "原因",
        nothing: "无需填写其他信息。", money: "如：3亿元、5000万元", failed: "请求失败" };
  let current = null;

  function label(r) { return en ? r.stage + " (" + r.en + ")" : r.stage; }

  // What the move needs: the facts of every stage it enters that the card lacks, and a reason.
  function needs(card, target) {
    const from = card.dataset.stage;
    const facts = JSON.parse(card.dataset.facts || "{}");
    const rf = byStage[from].rank, rt = byStage[target].rank;
    let entered = [], reason = null;
    if (target === "终止") reason = TEXT.reasonBack;
    else if (from === "终止") { entered = order.filter((r) => r.rank <= rt); reason = TEXT.reasonBack; }
    else if (rt < rf) reason = TEXT.reasonBack;
    else {
      entered = order.filter((r) => r.rank > rf && r.rank <= rt);
      if (entered.length > 1) reason = TEXT.reasonJump;
    }
    const ask = [];
    entered.forEach((r) => r.facts.forEach((f) => { if (!facts[f.field]) ask.push(f); }));
    return { ask, reason };
  }

  function input(name, text, type, extra) {
    const wrap = document.createElement("label");
    wrap.textContent = text + " *";
    const el = document.createElement("input");
    el.name = name; el.type = type;
    Object.assign(el, extra || {});
    wrap.appendChild(el);
    return wrap;
  }

  function open(card, target) {
    if (!target || target === card.dataset.stage) return;
    current = { card, target };
    const { ask, reason } = needs(card, target);
    document.getElementById("move-title").textContent =
      TEXT.move + " “" + card.dataset.name + "” " + TEXT.to + " " + label(byStage[target]);
    errorBox.hidden = true;
    fields.replaceChildren();
    ask.forEach((f) => {
      const text = en ? f.en : f.zh;
      fields.appendChild(f.kind === "date"
        ? input(f.field, text, "date", { max: today })
        : input(f.field, text, "text", { placeholder: TEXT.money, inputMode: "decimal" }));
    });
    if (reason) fields.appendChild(input("reason", reason, "text", { maxLength: 300 }));
    if (!fields.children.length) {
      const p = document.createElement("p"); p.className = "muted"; p.textContent = TEXT.nothing;
      fields.appendChild(p);
    }
    dialog.showModal();
    const first = fields.querySelector("input"); if (first) first.focus();
  }

  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (!current) return;
    const body = { stage: current.target };
    fields.querySelectorAll("input").forEach((el) => { if (el.value.trim()) body[el.name] = el.value.trim(); });
    let resp;
    try {
      resp = await fetch("/investment/kanban/" + current.card.dataset.id + "/move", {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf, Accept: "application/json" },
        body: JSON.stringify(body),
      });
    } catch (e) { errorBox.textContent = TEXT.failed; errorBox.hidden = false; return; }
    if (resp.ok) { window.location.reload(); return; }
    let message = TEXT.failed;
    try { message = (await resp.json()).error.message; } catch (e) { /* keep the generic text */ }
    errorBox.textContent = message;
    errorBox.hidden = false;
  });

  document.getElementById("move-cancel").addEventListener("click", () => { dialog.close(); });
  dialog.addEventListener("close", () => {
    // A refused or cancelled move leaves the card where it was.
    if (current) current.card.querySelector("select.move").value = "";
    current = null;
  });

  board.querySelectorAll(".kcard").forEach((card) => {
    card.addEventListener("dragstart", (ev) => {
      ev.dataTransfer.setData("text/plain", card.dataset.id);
      ev.dataTransfer.effectAllowed = "move";
      card.classList.add("dragging");
    });
    card.addEventListener("dragend", () => card.classList.remove("dragging"));
    card.querySelector("select.move").addEventListener("change", (ev) => open(card, ev.target.value));
  });
  board.querySelectorAll(".column").forEach((col) => {
    col.addEventListener("dragover", (ev) => { ev.preventDefault(); col.classList.add("over"); });
    col.addEventListener("dragleave", () => col.classList.remove("over"));
    col.addEventListener("drop", (ev) => {
      ev.preventDefault();
      col.classList.remove("over");
      const card = document.getElementById("card-" + ev.dataTransfer.getData("text/plain"));
      if (card) open(card, col.dataset.stage);
    });
  });
})();
