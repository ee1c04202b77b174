// Citizen flow: province/session, consent, identity, ID photos, liveness, status.
"use strict";
const CONSENT_VERSION = "2026-1";  // the consent text shown on the first step
const S = { province: "", session: "", caseId: "", token: "", candidateId: "" };
const $ = (id) => document.getElementById(id);
function show(step) {
  for (const s of document.querySelectorAll("main > section")) s.hidden = s.id !== step;
  const h = document.querySelector("#" + step + " h2");
  if (h) { h.tabIndex = -1; h.focus(); }
}

async function loadProvinces() {
  await fillProvinces($("province"), "online", S.province, $("choose-error"));
  await loadSessions();
}
async function loadSessions() {
  S.province = $("province").value;
  await fillSessions($("session"), S.province);
  loadBusy();
}
function loadBusy() { return showBusy(S.province, $("busy")); }

async function openCase() {
  const err = $("identity-error");
  err.textContent = "";
  const name = $("name").value.trim(), id = $("idnum").value.trim().toUpperCase(), phone = $("phone").value.trim();
  const chk = idCheck(id);
  if (!name) { err.textContent = msg("请填写姓名", "Please enter your name"); $("name").focus(); return; }
  if (!chk || !chk.ok) { err.textContent = chk ? chk.text : msg("请填写身份证号", "Please enter your ID number"); $("idnum").focus(); return; }
  if (!/^1\d{10}$/.test(phone)) { err.textContent = msg("请填写11位手机号", "Please enter an 11-digit mobile number"); $("phone").focus(); return; }
  const sex = (id.charCodeAt(16) - 48) % 2 === 1 ? "M" : "F";
  const r = await api("POST", "/api/v1/provinces/" + encodeURIComponent(S.province) + "/cases",
    { name, id_number: id, sex, phone, exam_session: S.session, channel: "online",
      consent_text_version: CONSENT_VERSION });
  if (!r.ok) { err.textContent = apiError(r.body, r.status); return; }
  S.caseId = r.body.case_id; S.token = r.body.token; S.candidateId = r.body.candidate_id;
  sessionStorage.setItem("case", JSON.stringify(S));
  show("step-docs");
}

async function upload(kind, input, out) {
  const f = input.files[0];
  if (!f) return false;
  out.className = "hint";
  out.textContent = msg("正在上传…", "Uploading…");
  const r = await api("PUT", "/api/v1/cases/" + S.caseId + "/documents/" + kind, f,
                      { token: S.token, headers: { "Content-Type": f.type || "image/jpeg" } });
  if (!r.ok) { hint(out, { ok: false, text: apiError(r.body, r.status) }); return false; }
  hint(out, { ok: true, text: msg("已上传（" + Math.round(f.size / 1024) + " KB）", "Uploaded (" + Math.round(f.size / 1024) + " KB)") });
  return true;
}
const uploaded = { front: false, back: false };

// Liveness: challenge -> prompts with countdown -> frames from the camera as MJPEG (15 fps) -> upload.
let stream = null;
async function startCamera() {
  if (stream) return stream;
  stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480, facingMode: "user" }, audio: false });
  $("preview").srcObject = stream;
  await $("preview").play();
  return stream;
}
// Advice for reason codes whose finding carries none (the verifiers normally send their own).
const ADVICE = {
  TOO_DARK: ["光线太暗：请到明亮处，避免背光", "Too dark: move to a bright place, avoid back light"],
  BACKLIGHT: ["背光：请面向光源", "Back light: face the light"],
  BLURRY: ["画面模糊：请擦拭镜头并保持手机稳定", "Blurry: clean the lens and hold the phone still"],
  NO_FACE: ["未检测到人脸：请正对摄像头", "No face found: look straight at the camera"],
  PRINTED_PHOTO: ["检测到照片翻拍：请本人面对摄像头完成动作", "A photo was detected: please do the actions yourself in front of the camera"],
  STATIC_PHOTO: ["画面静止，疑似照片：请本人按提示完成动作", "The picture did not move like a person: please do the actions yourself as prompted"],
  SPOOF_TEXTURE: ["画面质感像打印照片或屏幕：请本人直接面对摄像头，不要翻拍", "The picture looks like a print or a screen: face the camera yourself, do not film a photo"],
  FACE_TOO_DARK: ["脸部太暗：请面向光源，避免背光，或擦拭镜头", "Your face is too dark: face the light, avoid back light, or clean the lens"],
  FACE_TOO_SMALL: ["脸部太小：请靠近摄像头，让脸部占满取景框", "Your face is too small: come closer so your face fills the frame"],
};
// One line per failed reason: what was found, then what to do (zh-CN or English).
function adviceFor(finding) {
  const out = [];
  for (const r of (finding && finding.reasons) || []) {
    const code = typeof r === "string" ? r : r.code;
    const what = typeof r === "object" ? (lang === "en" ? r.message || r.message_zh : r.message_zh || r.message) : "";
    const todo = typeof r === "object" ? (lang === "en" ? r.advice || r.advice_zh : r.advice_zh || r.advice) : "";
    const a = ADVICE[code];
    const line = [what, todo || (a ? msg(a[0], a[1]) : "")].filter(Boolean).join(" ");
    out.push(line || msg("有一项检查未通过：请按照拍摄要求重新拍摄，或换一台设备重试", "A check did not pass: follow the photo requirements and try again, or use another device"));
  }
  if (!out.length) out.push(msg("请换到光线均匀的地方，擦拭镜头，或换一台设备重试", "Try a place with even light, clean the lens, or use another device"));
  return out;
}
async function runLiveness() {
  const err = $("liveness-error");
  err.textContent = "";
  $("start-liveness").disabled = true;
  try {
    await startCamera();
    const ch = S.challenge ? { ok: true, body: S.challenge }
                           : await api("POST", "/api/v1/cases/" + S.caseId + "/liveness/challenge", undefined, { token: S.token });
    S.challenge = null;  // one clip per challenge: a retry asks for a new one
    if (!ch.ok) { err.textContent = apiError(ch.body, ch.status); return; }
    const up = await recordChallenge(ch.body, $("preview"), $("prompt"), $("countdown"), S.token);
    if (!up.ok) { err.textContent = apiError(up.body, up.status); $("prompt").textContent = ""; return; }
    $("prompt").textContent = "";
    stopCamera();
    await submitCase(err);
  } catch (e) {
    err.textContent = msg("无法打开摄像头：请允许使用摄像头，或换一台设备", "Cannot open the camera: allow camera access or use another device");
  } finally {
    $("start-liveness").disabled = false;
  }
}
async function submitCase(errEl) {
  const sub = await api("POST", "/api/v1/cases/" + S.caseId + "/submit", undefined, { token: S.token });
  if (!sub.ok) { errEl.textContent = apiError(sub.body, sub.status); return; }
  location.hash = "status";
  show("step-status");
  await pollStatus();
}
// After the ID photos: a liveness challenge when the channel's rules ask for one, else submit.
async function afterDocs() {
  const err = $("docs-error");
  err.textContent = "";
  const ch = await api("POST", "/api/v1/cases/" + S.caseId + "/liveness/challenge", undefined, { token: S.token });
  if (ch.ok) { S.challenge = ch.body; show("step-liveness"); return; }
  if (ch.body && ch.body.error && ch.body.error.code === "LIVENESS_NOT_REQUIRED") return submitCase(err);
  err.textContent = apiError(ch.body, ch.status);
}
function stopCamera() {
  if (stream) for (const tr of stream.getTracks()) tr.stop();
  stream = null;
}

async function refreshStatus() {
  const r = await api("GET", "/api/v1/cases/" + S.caseId, undefined, { token: S.token });
  if (!r.ok) { $("status-text").textContent = apiError(r.body, r.status); return null; }
  const c = r.body;
  $("status-text").textContent = statusText(c.status, c.status_zh);
  $("status-text").dataset.status = c.status;
  const ul = $("status-reasons");
  ul.textContent = "";
  $("status-next").textContent = "";
  $("ticket").hidden = true;
  $("retry").hidden = c.status !== "rejected";
  $("offices-link").hidden = !["rejected", "expired"].includes(c.status);
  if (c.status === "pending_review" || c.status === "submitted" || c.status === "processing") {
    if (c.due_at) $("status-next").textContent = msg("预计最晚于 " + c.due_at.slice(0, 10) + " 前给出结果。", "Expected by " + c.due_at.slice(0, 10) + ".");
  } else if (c.status === "verified") {
    const a = $("ticket");
    a.href = "/api/v1/candidates/" + encodeURIComponent(c.candidate_id || S.candidateId) + "/sessions/" +
             encodeURIComponent(c.exam_session) + "/admission-ticket";
    a.hidden = false;
    $("status-next").textContent = msg("认证已通过，可以下载准考证。", "You are verified; download your admission ticket.");
  } else if (c.status === "rejected" || c.status === "collecting") {
    const liveness = (c.findings || []).filter((f) => f.outcome !== "pass");
    for (const f of liveness) for (const a of adviceFor(f)) { const li = document.createElement("li"); li.textContent = a; ul.appendChild(li); }
    for (const t of await decisionReasons(c, S.token)) { const li = document.createElement("li"); li.textContent = t; ul.appendChild(li); }
    $("status-next").textContent = msg("您可以重新在线认证（补实名），或到就近的认证窗口办理加急认证，咨询电话 12345。",
      "You may verify online again, or go to a verification office for expedited verification; hotline 12345.");
  }
  return c;
}
async function pollStatus() {
  for (let i = 0; i < 120; i++) {
    const c = await refreshStatus();
    if (!c || !["submitted", "processing"].includes(c.status)) return;
    await sleep(1000);
  }
}

document.addEventListener("DOMContentLoaded", () => {
  const saved = sessionStorage.getItem("case");
  if (saved) Object.assign(S, JSON.parse(saved));
  loadProvinces();
  document.addEventListener("langchange", () => { loadProvinces(); if (S.caseId && !$("step-status").hidden) refreshStatus(); });
  $("province").addEventListener("change", loadSessions);
  $("to-identity").addEventListener("click", () => {
    S.session = $("session").value;
    if (!S.session) { $("choose-error").textContent = msg("请选择考试场次", "Please choose an exam session"); return; }
    if (!$("consent").checked) { $("choose-error").textContent = msg("请先阅读并同意个人信息处理说明", "Please read and accept the personal data notice first"); return; }
    S.consentAt = new Date().toISOString();
    $("choose-error").textContent = "";
    show("step-identity");
  });
  $("idnum").addEventListener("input", () => hint($("idnum-msg"), idCheck($("idnum").value)));
  $("phone").addEventListener("input", () => {
    const v = $("phone").value.trim();
    hint($("phone-msg"), v === "" ? null : /^1\d{10}$/.test(v) ? { ok: true, text: msg("手机号格式正确", "Phone number format is correct") }
                                            : { ok: false, text: msg("手机号应为以1开头的11位数字", "A mobile number is 11 digits starting with 1") });
  });
  $("open-case").addEventListener("click", openCase);
  const docs = async () => { $("to-liveness").disabled = !(uploaded.front && uploaded.back); };
  $("front").addEventListener("change", async () => { uploaded.front = await upload("id-front", $("front"), $("front-msg")); docs(); });
  $("back").addEventListener("change", async () => { uploaded.back = await upload("id-back", $("back"), $("back-msg")); docs(); });
  $("to-liveness").addEventListener("click", afterDocs);
  $("start-liveness").addEventListener("click", runLiveness);
  $("refresh").addEventListener("click", refreshStatus);
  // Another attempt (补实名) with the same details; the host refuses it past the channel's max_attempts.
  $("retry").addEventListener("click", () => {
    Object.assign(S, { caseId: "", token: "", challenge: null });
    uploaded.front = uploaded.back = false;
    for (const id of ["front", "back"]) { $(id).value = ""; hint($(id + "-msg"), null); }
    $("to-liveness").disabled = true;
    sessionStorage.removeItem("case");
    location.hash = "";
    show("step-identity");
  });
  if (S.caseId && location.hash === "#status") { show("step-status"); refreshStatus(); }
});
