// Texts in zh-CN (default) and English; elements carry data-t="key".
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
    status: "Verification status", ticket: "Download the admission ticket", refresh: "Refresh",
    hotline: "Hotline: 12345 (working days 9:00–17:00)",
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
function apiError(body, status) {
  const e = body && body.error;
  if (!e) return msg("服务暂时不可用（" + status + "）", "Service unavailable (" + status + ")");
  return lang === "en" ? (e.message || e.code) : (e.message_zh || e.message || e.code);
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
