// Texts in zh-CN (default) and English (elements carry data-t="key"), and helpers the pages share.
"use strict";
const I18N = {
  en: {
    title: "Candidate identity verification", switch: "中文", choose: "Choose province and exam",
    province: "Province", session: "Exam session", why_h: "Why we verify your identity",
    why1: "Fairness: nobody can sit the exam in your place.", why2: "The law requires candidates' identity to be verified.",
    why3: "Validity: results and certificates are bound to you.", need_h: "What you need",
    need1: "Your valid resident ID card (front and back).", need2: "A plain light background and good light.",
    need3: "No mask or sunglasses; your whole face visible.",
    consent: "I agree that my personal data (name, ID number, phone, ID photos and face video) is processed for identity verification for this exam only and kept as the law requires.",
    next: "Next", identity: "Your details", name: "Name", idnum: "ID number", phone: "Mobile phone",
    docs: "Photos of your ID card", docs_hint: "Lay the card flat, all four corners visible, no glare.",
    front: "ID card, photo side", back: "ID card, emblem side", liveness: "Face liveness check",
    liveness_hint: "Look straight at the camera and follow the prompts.", start: "Start",
    status: "Verification status", retry: "Verify again", ticket: "Download the admission ticket", refresh: "Refresh",
    hotline: "Hotline: 12345 (working days 9:00–17:00)",
    other_h: "Other ways to verify", other_offices: "Book a visit to an office (also for expedited verification)",
    other_overseas: "Abroad: passport and video verification",
    staff_title: "Staff", user: "User name", password: "Password", login: "Log in", logout: "Log out",
    queue: "Review queue", channel: "Channel", overdue: "Overdue only", expedited: "Expedited only",
    approve: "Approve", reject: "Reject", reason: "Reason", plugins: "Loaded plugins", rules: "Effective rules",
  },
};
const ZH = {};
let lang = localStorage.getItem("lang") === "en" ? "en" : "zh";
function t(key, zh) {
  if (lang === "en" && I18N.en[key]) return I18N.en[key];
  return ZH[key] || zh || key;
}
function applyLang() {
  document.documentElement.lang = lang === "en" ? "en" : "zh-CN";
  document.querySelectorAll("[data-t]").forEach((el) => {
    const k = el.dataset.t;
    if (!(k in ZH)) ZH[k] = el.textContent;
    el.textContent = lang === "en" && I18N.en[k] ? I18N.en[k] : ZH[k];
  });
}
// Picks the message in the current language from {zh, en} or an API error.
function msg(zh, en) { return lang === "en" ? en : zh; }
// Case states for people (every page shows these, never the code).
const STATUS_TEXT = {
  collecting: ["资料收集中", "Collecting documents"], submitted: ["已提交，等待处理", "Submitted, waiting to be processed"],
  processing: ["自动核验中", "Automatic checks running"], pending_review: ["人工审核中", "Waiting for a reviewer"],
  verified: ["已通过认证", "Verified"], rejected: ["未通过认证", "Not verified"], expired: ["已过期", "Expired"],
  unknown: ["未知", "Unknown"],
};
function statusText(s, zh) { return STATUS_TEXT[s] ? msg(STATUS_TEXT[s][0], STATUS_TEXT[s][1]) : zh || s; }
// Names of document kinds for people, from the host's one list (GET /api/v1/document-kinds);
// a page awaits loadDocNames() before it labels documents. An unknown kind shows its code.
const docNames = {};
async function loadDocNames() {
  if (Object.keys(docNames).length) return;
  const r = await api("GET", "/api/v1/document-kinds");
  if (r.ok) for (const k of r.body.kinds) docNames[k.kind] = [k.name, k.name_en];
}
function docName(kind) { return docNames[kind] ? msg(docNames[kind][0], docNames[kind][1]) : kind; }
// The message of an API error envelope in the page's language (the host names things for people,
// e.g. the document a MISSING_DOCUMENT asks for).
function apiError(body, status) {
  const e = body && body.error;
  if (!e) return msg("服务暂时不可用（" + status + "）", "Service unavailable (" + status + ")");
  return lang === "en" ? (e.message || e.message_zh || e.code) : (e.message_zh || e.message || e.code);
}
// A reviewer's reasons in a case's decisions come as codes: their texts (GET /api/v1/review/reasons,
// open to the case's own citizen token) in the page's language.
let reviewReasons = null;  // code -> {message, message_zh}
async function decisionReasons(c, token) {
  const codes = (c.decisions || []).flatMap((d) => d.reasons || []);
  if (codes.length && !reviewReasons) {
    const r = await api("GET", "/api/v1/review/reasons", undefined, { token });
    reviewReasons = r.ok ? Object.fromEntries(r.body.reasons.map((x) => [x.code, x])) : {};
  }
  return codes.map((rr) => {
    const x = typeof rr === "string" ? reviewReasons[rr] || {} : rr;
    return (lang === "en" ? x.message || x.message_zh : x.message_zh || x.message) ||
           msg("审核未通过，详情请咨询考试机构", "Not approved by the reviewer; ask the exam office for details");
  });
}
// GB 11643 check character: weights 2^(17-i) mod 11, "10X98765432".
function idCheck(v) {
  v = v.trim().toUpperCase();
  if (v.length === 0) return null;
  if (!/^\d{17}[\dX]$/.test(v)) {
    if (v.length < 18 && /^\d*$/.test(v)) return { ok: false, text: msg("还需输入 " + (18 - v.length) + " 位", (18 - v.length) + " more characters") };
    return { ok: false, text: msg("身份证号应为18位：17位数字加1位数字或X", "An ID number is 17 digits followed by a digit or X") };
  }
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (v.charCodeAt(i) - 48) * w[i];
  const c = "10X98765432"[sum % 11];
  if (c !== v[17]) return { ok: false, text: msg("最后一位校验码不对，请核对（应为 " + c + "）", "The last character (check character) does not match: please check the number") };
  return { ok: true, text: msg("身份证号格式正确", "ID number format is correct") };
}
function hint(el, r) {
  el.textContent = r ? r.text : "";
  el.className = "hint" + (r ? (r.ok ? " good" : " bad") : "");
}

// Busy-time notice from GET /api/v1/provinces/{p}/load, shown in `el` (hidden when it has nothing).
async function showBusy(province, el) {
  el.hidden = true;
  if (!province) return;
  try {
    const r = await api("GET", "/api/v1/provinces/" + encodeURIComponent(province) + "/load");
    if (!r.ok || !r.body) return;
    const b = r.body;
    const busy = b.busy || b.level === "high" || b.level === "busy";
    if (!busy && !b.message && !b.message_zh) return;
    el.textContent = lang === "en" ? (b.message || "Many candidates are verifying now; it may take longer than usual.")
                                   : (b.message_zh || "当前认证人数较多，处理时间可能延长。");
    el.hidden = false;
  } catch (_) { /* no load endpoint: no notice */ }
}
// Fills a <select> with the provinces that offer `channel`; keeps `current` selected when listed.
async function fillProvinces(sel, channel, current, errEl) {
  const r = await api("GET", "/api/v1/provinces");
  sel.textContent = "";
  if (!r.ok) { if (errEl) errEl.textContent = apiError(r.body, r.status); return; }
  for (const p of r.body.provinces) {
    if (!p.channels.includes(channel)) continue;
    const o = document.createElement("option");
    o.value = p.code;
    o.textContent = lang === "en" ? p.name_en || p.name : p.name;
    sel.appendChild(o);
  }
  if (current) sel.value = current;
}
// Fills a <select> with a province's exam sessions (closed ones disabled) and picks the first open.
async function fillSessions(sel, province) {
  sel.textContent = "";
  if (!province) return;
  const r = await api("GET", "/api/v1/provinces/" + encodeURIComponent(province) + "/sessions");
  if (r.ok) for (const s of r.body.sessions) {
    const o = document.createElement("option");
    o.value = s.id;
    o.textContent = (lang === "en" ? s.name_en || s.name : s.name) + (s.registration_is_open ? "" : msg("（未开放）", " (closed)"));
    o.disabled = !s.registration_is_open;
    sel.appendChild(o);
  }
  const firstOpen = [...sel.options].find((o) => !o.disabled);
  if (firstOpen) sel.value = firstOpen.value;
}
async function api(method, path, body, opts) {
  const o = Object.assign({ method, headers: {} }, opts || {});
  const token = o.token;
  delete o.token;
  if (token) o.headers["Authorization"] = "Bearer " + token;
  if (body instanceof Blob || body instanceof ArrayBuffer) {
    o.body = body;
  } else if (body !== undefined) {
    o.headers["Content-Type"] = "application/json";
    o.body = JSON.stringify(body);
  }
  const r = await fetch(path, o);
  let j = null;
  try { j = await r.json(); } catch (_) { j = null; }
  return { ok: r.ok, status: r.status, body: j };
}
document.addEventListener("DOMContentLoaded", () => {
  applyLang();
  const b = document.getElementById("lang");
  if (b) b.addEventListener("click", () => {
    lang = lang === "en" ? "zh" : "en";
    localStorage.setItem("lang", lang);
    applyLang();
    document.dispatchEvent(new Event("langchange"));
  });
});
