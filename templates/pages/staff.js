// Staff pages: login, review queue, case view with evidence, decision, audit; admin view.
"use strict";
const T = { token: "", role: "", province: "", caseId: "" };
const $ = (id) => document.getElementById(id);
Object.assign(I18N.en, { due: "Due", flags: "Flags", case: "Case", evidence: "Documents", findings: "Automatic checks",
  decide: "Decision", comment: "Comment", audit: "History", back_queue: "Back to the queue", province: "Province" });
const ROLES = { reviewer: ["审核员", "Reviewer"], admin: ["管理员", "Administrator"], clerk: ["窗口工作人员", "Counter clerk"],
  enterprise_hr: ["企业人事", "Employer HR"] };
const CHANNELS = { online: ["在线", "Online"], window: ["窗口", "Counter"], overseas: ["境外", "Abroad"],
  enterprise: ["企业集体", "Employer"], bank: ["银行网点", "Bank"] };
const label = (table, code) => (table[code] ? msg(table[code][0], table[code][1]) : code);
function section(id) { for (const s of document.querySelectorAll("main > section")) s.hidden = s.id !== id; }
function el(tag, text, attrs) {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  return e;
}
function slaLeft(due) {
  if (!due) return "";
  const h = Math.round((Date.parse(due) - Date.now()) / 3600000);
  return due.slice(0, 10) + (h < 0 ? msg("（已超期 " + -h + " 小时）", " (overdue " + -h + " h)") : msg("（剩 " + h + " 小时）", " (" + h + " h left)"));
}
async function login(ev) {
  ev.preventDefault();
  const r = await api("POST", "/api/v1/auth/login", { username: $("user").value, password: $("password").value });
  if (!r.ok) { $("login-error").textContent = apiError(r.body, r.status); return; }
  Object.assign(T, { token: r.body.token, role: r.body.role, province: r.body.province });
  sessionStorage.setItem("staff", JSON.stringify(T));
  start();
}
function showWho() {
  const role = ROLES[T.role] ? msg(ROLES[T.role][0], ROLES[T.role][1]) : T.role;
  $("who").textContent = role + (T.province ? " · " + T.province : "");
}
async function start() {
  $("logout").hidden = false;
  showWho();
  if (T.role === "admin") { section("admin"); return loadAdmin(); }
  if (T.role === "clerk") { section("counter"); return startCounter(); }
  if (T.role === "enterprise_hr") { section("hr"); return startHr(); }
  section("queue");
  return loadQueue();
}
async function loadQueue() {
  const ch = $("f-channel").value;
  const r = await api("GET", "/api/v1/review/queue" + (ch ? "?channel=" + encodeURIComponent(ch) : ""), undefined, { token: T.token });
  const body = $("queue-rows");
  body.textContent = "";
  if (!r.ok) { body.appendChild(el("tr")).appendChild(el("td", apiError(r.body, r.status), { colspan: "4" })); return; }
  for (const c of r.body.items) {
    if ($("f-overdue").checked && !c.overdue) continue;
    if ($("f-expedited").checked && !c.expedited) continue;
    const tr = el("tr");
    const a = el("a", c.id, { href: "#case/" + c.id });
    a.addEventListener("click", (e) => { e.preventDefault(); T.from = "queue"; openCase(c.id); });
    tr.appendChild(el("td")).appendChild(a);
    tr.appendChild(el("td", label(CHANNELS, c.channel)));
    tr.appendChild(el("td", slaLeft(c.due_at)));
    tr.appendChild(el("td", [c.overdue ? msg("超期", "overdue") : "", c.expedited ? msg("加急", "expedited") : ""].filter(Boolean).join(" ")));
    body.appendChild(tr);
  }
}
let reasonList = [];
async function openCase(id) {
  // Shown again (the language switch): the reasons ticked so far stay ticked.
  const ticked = T.caseId === id ? new Set([...document.querySelectorAll("#reasons input:checked")].map((x) => x.value)) : new Set();
  T.caseId = id;
  section("case");
  $("case-error").textContent = "";
  const r = await api("GET", "/api/v1/review/" + encodeURIComponent(id), undefined, { token: T.token });
  if (!r.ok) { $("case-error").textContent = apiError(r.body, r.status); return; }
  const c = r.body;
  const dl = $("case-facts");
  dl.textContent = "";
  for (const [k, v] of [["ID", c.id], [msg("状态", "Status"), statusText(c.status)], [msg("渠道", "Channel"), label(CHANNELS, c.channel)],
                        [msg("姓名", "Name"), c.candidate.name], [msg("身份证号", "ID number"), c.candidate.id_number],
                        [msg("期限", "Due"), slaLeft(c.due_at)]]) { dl.appendChild(el("dt", k)); dl.appendChild(el("dd", v || "")); }
  const ev = $("evidence");
  for (const u of ev.querySelectorAll("img")) URL.revokeObjectURL(u.src);
  ev.textContent = "";
  for (const d of c.documents) {
    if (!d.content_type.startsWith("image/")) { ev.appendChild(el("p", d.kind + " (" + d.content_type + ", " + d.size + " B)")); continue; }
    const resp = await fetch("/api/v1/review/" + encodeURIComponent(id) + "/evidence/" + encodeURIComponent(d.kind),
                             { headers: { Authorization: "Bearer " + T.token }, cache: "no-store" });
    if (!resp.ok) continue;
    const img = el("img", undefined, { alt: d.kind, width: "320" });
    img.src = URL.createObjectURL(await resp.blob());
    const fig = el("figure");
    fig.appendChild(img);
    fig.appendChild(el("figcaption", d.kind));
    ev.appendChild(fig);
  }
  const fl = $("findings");
  fl.textContent = "";
  for (const f of c.findings) fl.appendChild(el("li", f.verifier + ": " + f.outcome + (f.score != null ? " (" + Number(f.score).toFixed(2) + ")" : "") +
    (f.reasons && f.reasons.length ? " — " + f.reasons.map((x) => (typeof x === "string" ? x : x.code)).join(", ") : "")));
  if (!reasonList.length) {
    const rr = await api("GET", "/api/v1/review/reasons", undefined, { token: T.token });
    if (rr.ok) reasonList = rr.body.reasons;
  }
  const fs = $("reasons");
  for (const d of fs.querySelectorAll("div")) d.remove();
  for (const x of reasonList) {
    const d = el("div", undefined, { class: "check" });
    const cb = el("input", undefined, { type: "checkbox", id: "r-" + x.code, value: x.code });
    cb.checked = ticked.has(x.code);
    d.appendChild(cb);
    d.appendChild(el("label", lang === "en" ? x.message : x.message_zh, { for: "r-" + x.code }));
    fs.appendChild(d);
  }
  const ol = $("audit");
  ol.textContent = "";
  for (const a of c.audit || []) ol.appendChild(el("li", a.at + " " + a.actor + " " + a.action + " " + (a.from || "") + " → " + (a.to || "") + (a.reason ? " (" + a.reason + ")" : "")));
  const decidable = c.status === "pending_review";
  $("approve").disabled = !decidable;
  $("reject").disabled = !decidable;
}
async function decide(decision) {
  const reasons = [...document.querySelectorAll("#reasons input:checked")].map((x) => x.value);
  if (decision === "reject" && !reasons.length) { $("case-error").textContent = msg("请至少选择一个驳回原因", "Choose at least one reason"); return; }
  const body = { decision, comment: $("comment").value };
  if (reasons.length) body.reasons = reasons;
  const r = await api("POST", "/api/v1/review/" + encodeURIComponent(T.caseId) + "/decision", body, { token: T.token });
  if (!r.ok) { $("case-error").textContent = apiError(r.body, r.status); return; }
  await openCase(T.caseId);
  $("case-error").textContent = "";
  $("case-facts").setAttribute("data-decided", decision);
}
async function loadAdmin() {
  const r = await api("GET", "/api/v1/plugins", undefined, { token: T.token });
  const tb = $("plugin-rows");
  tb.textContent = "";
  if (r.ok) for (const p of r.body.plugins) {
    const tr = el("tr");
    for (const v of [p.name, p.kind, p.version, p.sdk]) tr.appendChild(el("td", v));
    tb.appendChild(tr);
  }
  const pr = await api("GET", "/api/v1/provinces");
  const sel = $("a-province");
  sel.textContent = "";
  // A provincial admin sees the own province only; a national admin chooses.
  if (pr.ok) for (const p of pr.body.provinces)
    if (!T.province || p.code === T.province) sel.appendChild(el("option", p.name + " (" + p.code + ")", { value: p.code }));
  await loadRules();
}
async function loadRules() {
  const code = $("a-province").value;
  if (!code) return;
  const r = await api("GET", "/api/v1/provinces/" + encodeURIComponent(code) + "/rules", undefined, { token: T.token });
  $("rules-json").textContent = r.ok ? JSON.stringify(r.body.rules, null, 2) : apiError(r.body, r.status);
}
document.addEventListener("DOMContentLoaded", () => {
  $("login-form").addEventListener("submit", login);
  for (const id of ["f-channel", "f-overdue", "f-expedited"]) $(id).addEventListener("change", loadQueue);
  $("approve").addEventListener("click", () => decide("approve"));
  $("reject").addEventListener("click", () => decide("reject"));
  // Back to where the case was opened from: the review queue or an enterprise batch.
  $("back").addEventListener("click", () => {
    if (T.from === "batch") { section("batches"); $("b-batch").hidden = false; loadBatchRows(); return; }
    section("queue");
    loadQueue();
  });
  $("logout").addEventListener("click", async () => {
    await api("POST", "/api/v1/auth/logout", undefined, { token: T.token });
    sessionStorage.removeItem("staff");
    Object.assign(T, { token: "", role: "" });
    $("logout").hidden = true;
    section("login");
  });
  $("a-province").addEventListener("change", loadRules);
  const channelOptions = () => { for (const o of $("f-channel").options) if (CHANNELS[o.value]) o.textContent = label(CHANNELS, o.value); };
  channelOptions();
  // What this page built from answers follows the language switch without a reload.
  document.addEventListener("langchange", () => {
    channelOptions();
    if (!T.token) return;
    showWho();
    if (!$("queue").hidden) loadQueue();
    if (!$("case").hidden && T.caseId) openCase(T.caseId);
  });
  const saved = sessionStorage.getItem("staff");
  if (saved) { Object.assign(T, JSON.parse(saved)); if (T.token) start(); }
});
