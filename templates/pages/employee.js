// An employee's own page (enterprise channel): opened from the personal link HR hands out
// (/employee#case=ID&token=T; the fragment never reaches the server's logs). Shows the case and
// takes the employee's face photo through the host's document upload.
"use strict";
const $ = (id) => document.getElementById(id);
Object.assign(I18N.en, { emp_title: "Employee identity verification", emp_h: "Your employer registered you for the exam",
  emp_intro: "Please upload a frontal photo of yourself, bare-headed, to be compared with your ID card. This link is yours alone: do not forward it.",
  emp_face: "Your frontal photo", emp_face_hint: "Plain light background, even light, no mask or sunglasses, the whole face sharp.",
  emp_face_file: "Choose or take the photo" });
const P = { caseId: "", token: "", challenge: null, liveAsked: false };
async function refresh() {
  $("emp-error").textContent = "";
  if (!P.caseId || !P.token) {
    $("emp-error").textContent = msg("链接不完整：请使用单位发给您的完整个人链接。", "The link is incomplete: use the whole personal link from your employer.");
    $("emp-face").disabled = true;
    return;
  }
  const r = await api("GET", "/api/v1/cases/" + encodeURIComponent(P.caseId), undefined, { token: P.token });
  if (!r.ok) { $("emp-error").textContent = apiError(r.body, r.status); return; }
  const c = r.body, dl = $("emp-facts");
  dl.textContent = "";
  for (const [k, v] of [[msg("姓名", "Name"), c.candidate.name], [msg("身份证号", "ID number"), c.candidate.id_number],
                        [msg("考试场次", "Exam session"), c.exam_session]]) {
    dl.appendChild(Object.assign(document.createElement("dt"), { textContent: k }));
    dl.appendChild(Object.assign(document.createElement("dd"), { textContent: v }));
  }
  $("emp-status").dataset.status = c.status;
  $("emp-status").textContent = statusText(c.status, c.status_zh);
  const hasFace = (c.documents || []).some((d) => d.kind === "face");
  if (hasFace && !$("emp-face-msg").textContent) hint($("emp-face-msg"), { ok: true, text: msg("照片已上传", "Photo uploaded") });
  $("emp-face").disabled = c.status !== "collecting";
  // The liveness clip, where the province's enterprise pipeline asks for one: the host answers a
  // challenge then (LIVENESS_NOT_REQUIRED otherwise). Asked once per visit.
  const hasClip = (c.documents || []).some((d) => d.kind === "liveness-video");
  if (hasClip && !$("emp-live-msg").textContent) hint($("emp-live-msg"), { ok: true, text: msg("活体视频已上传", "Liveness clip uploaded") });
  if (c.status === "collecting" && !hasClip && !P.liveAsked) {
    P.liveAsked = true;
    const ch = await api("POST", "/api/v1/cases/" + encodeURIComponent(P.caseId) + "/liveness/challenge", undefined, { token: P.token });
    if (ch.ok) P.challenge = ch.body;
    $("emp-live").hidden = !ch.ok;
  }
  $("emp-live-start").disabled = c.status !== "collecting";
  const ul = $("emp-reasons");
  ul.textContent = "";
  for (const t of await decisionReasons(c, P.token)) ul.appendChild(Object.assign(document.createElement("li"), { textContent: t }));
}
async function uploadFace() {
  const f = $("emp-face").files[0];
  if (!f) return;
  hint($("emp-face-msg"), { ok: true, text: msg("正在上传…", "Uploading…") });
  const r = await api("PUT", "/api/v1/cases/" + encodeURIComponent(P.caseId) + "/documents/face", f,
                      { token: P.token, headers: { "Content-Type": f.type || "image/jpeg" } });
  hint($("emp-face-msg"), r.ok ? { ok: true, text: msg("照片已上传，单位提交后进入核验。", "Photo uploaded; checks start once your employer submits.") }
                               : { ok: false, text: apiError(r.body, r.status) });
  await refresh();
}
async function runLiveness() {
  $("emp-live-start").disabled = true;
  let stream = null;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480, facingMode: "user" }, audio: false });
    $("emp-preview").srcObject = stream;
    await $("emp-preview").play();
    // One clip per challenge: a retry asks for a new one.
    const ch = P.challenge ? { ok: true, body: P.challenge }
                           : await api("POST", "/api/v1/cases/" + encodeURIComponent(P.caseId) + "/liveness/challenge", undefined, { token: P.token });
    P.challenge = null;
    if (!ch.ok) { hint($("emp-live-msg"), { ok: false, text: apiError(ch.body, ch.status) }); return; }
    const up = await recordChallenge(ch.body, $("emp-preview"), $("emp-prompt"), $("emp-countdown"), P.token);
    hint($("emp-live-msg"), up.ok ? { ok: true, text: msg("活体视频已上传，单位提交后进入核验。", "Liveness clip uploaded; checks start once your employer submits.") }
                                  : { ok: false, text: apiError(up.body, up.status) });
  } catch (_) {
    hint($("emp-live-msg"), { ok: false, text: msg("无法打开摄像头：请允许使用摄像头，或换一台设备", "Cannot open the camera: allow camera access or use another device") });
  } finally {
    if (stream) for (const t of stream.getTracks()) t.stop();
    $("emp-live-start").disabled = false;
  }
  await refresh();
}
document.addEventListener("DOMContentLoaded", () => {
  const h = new URLSearchParams(location.hash.slice(1));
  P.caseId = h.get("case") || "";
  P.token = h.get("token") || "";
  $("emp-face").addEventListener("change", uploadFace);
  $("emp-refresh").addEventListener("click", refresh);
  $("emp-live-start").addEventListener("click", runLiveness);
  document.addEventListener("langchange", refresh);
  refresh();
});
