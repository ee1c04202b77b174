// An employee's own page (enterprise channel): opened from the personal link HR hands out
// (/employee#case=ID&token=T; the fragment never reaches the server's logs). Shows the case and
// takes the employee's face photo through the host's document upload.
"use strict";
const $ = (id) => document.getElementById(id);
Object.assign(I18N.en, { emp_title: "Employee identity verification", emp_h: "Your employer registered you for the exam",
  emp_intro: "Please upload a frontal photo of yourself, bare-headed, to be compared with your ID card. This link is yours alone: do not forward it.",
  emp_face: "Your frontal photo", emp_face_hint: "Plain light background, even light, no mask or sunglasses, the whole face sharp.",
  emp_face_file: "Choose or take the photo" });
const P = { caseId: "", token: "" };
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
document.addEventListener("DOMContentLoaded", () => {
  const h = new URLSearchParams(location.hash.slice(1));
  P.caseId = h.get("case") || "";
  P.token = h.get("token") || "";
  $("emp-face").addEventListener("change", uploadFace);
  $("emp-refresh").addEventListener("click", refresh);
  document.addEventListener("langchange", refresh);
  refresh();
});
