// The clerk's counter (window channel): find or open the candidate's case, record the originals
// checked, upload their scans, take the face photo, submit, and print the signed receipt.
"use strict";
Object.assign(I18N.en, { counter: "Counter", office: "Office", idnum: "ID number", find: "Find the case",
  new_case: "New counter case", name: "Name", phone: "Mobile phone", session: "Exam session", open_case: "Open the case",
  originals: "Originals checked", save_originals: "Record the originals", scans: "Scans", face: "Face photo at the counter",
  camera: "Open the camera", snap: "Take the photo", c_submit: "Submit for verification", receipt: "Print the receipt",
  receipt_h: "Verification receipt", receipt_pdf: "Download the receipt (PDF)", print: "Print" });
const C = { caseId: "", offices: null, stream: null };
const WIN = "/api/v1/channels/window/";
const KIND = { id_card: ["id-front", "id-back"] };  // scans per original; others: the code itself
function cHint(id, ok, text) { hint($(id), { ok, text }); }
async function startCounter() {
  const r = await api("GET", WIN + "provinces/" + encodeURIComponent(T.province) + "/offices", undefined, { token: T.token });
  const sel = $("c-office");
  sel.textContent = "";
  if (!r.ok) { $("c-find-msg").textContent = apiError(r.body, r.status); return; }
  C.offices = r.body;
  for (const o of r.body.offices) sel.appendChild(el("option", lang === "en" ? o.name_en || o.name : o.name, { value: o.id }));
  await fillSessions($("c-session"), T.province);
}
async function findCase() {
  const id = $("c-idnum").value.trim().toUpperCase(), chk = idCheck(id);
  $("c-case").hidden = true;
  $("c-receipt").hidden = true;
  $("c-new").hidden = true;
  if (!chk || !chk.ok) { cHint("c-find-msg", false, chk ? chk.text : msg("请填写身份证号", "Enter the ID number")); return; }
  const r = await api("POST", WIN + "counter/lookup", { id_number: id }, { token: T.token });
  if (r.status === 404) {
    cHint("c-find-msg", true, msg("没有该考生的申请：请新建窗口申请。", "No case for this ID number: open a counter case."));
    $("c-new").hidden = false;
    $("c-name").focus();
    return;
  }
  if (!r.ok) { cHint("c-find-msg", false, apiError(r.body, r.status)); return; }
  cHint("c-find-msg", true, msg("已找到申请 ", "Found case ") + r.body.case_id);
  await showCase(r.body.case_id);
}
async function openCounterCase() {
  const id = $("c-idnum").value.trim().toUpperCase();
  const r = await api("POST", "/api/v1/provinces/" + encodeURIComponent(T.province) + "/cases",
    { name: $("c-name").value.trim(), id_number: id, sex: (id.charCodeAt(16) - 48) % 2 === 1 ? "M" : "F",
      phone: $("c-phone").value.trim(), exam_session: $("c-session").value, channel: "window" }, { token: T.token });
  if (!r.ok) { cHint("c-find-msg", false, apiError(r.body, r.status)); return; }
  $("c-new").hidden = true;
  cHint("c-find-msg", true, msg("已新建申请 ", "Opened case ") + r.body.case_id);
  await showCase(r.body.case_id);
}
async function showCase(id) {
  C.caseId = id;
  $("c-error").textContent = "";
  const r = await api("GET", WIN + "counter/cases/" + encodeURIComponent(id), undefined, { token: T.token });
  if (!r.ok) { $("c-error").textContent = apiError(r.body, r.status); return; }
  const rec = r.body, checked = (rec.counter && rec.counter.originals) || [];
  const dl = $("c-facts");
  dl.textContent = "";
  for (const [k, v] of [["ID", rec.case_id], [msg("状态", "Status"), rec.status]]) { dl.appendChild(el("dt", k)); dl.appendChild(el("dd", v)); }
  const fs = $("c-originals");
  for (const d of fs.querySelectorAll("div")) d.remove();
  const scans = $("c-scans");
  scans.textContent = "";
  for (const o of C.offices.required_originals) {
    const d = el("div", undefined, { class: "check" });
    const cb = el("input", undefined, { type: "checkbox", id: "c-orig-" + o.code, value: o.code });
    cb.checked = checked.includes(o.code);
    d.append(cb, el("label", lang === "en" ? o.name_en : o.name, { for: cb.id }));
    fs.appendChild(d);
    for (const kind of KIND[o.code] || [o.code]) {
      scans.appendChild(el("label", (lang === "en" ? o.name_en : o.name) + " · " + kind, { for: "c-scan-" + kind }));
      const input = el("input", undefined, { type: "file", id: "c-scan-" + kind, accept: "image/jpeg,image/png", "aria-describedby": "c-scan-" + kind + "-msg" });
      const out = el("p", (rec.evidence || []).includes(kind) ? msg("已上传", "Uploaded") : "", { id: "c-scan-" + kind + "-msg", class: "hint", "aria-live": "polite" });
      input.addEventListener("change", () => uploadScan(kind, input, out));
      scans.append(input, out);
    }
  }
  $("c-case").hidden = false;
  setStatus(rec.status);
}
function setStatus(status) {
  $("c-status").dataset.status = status;
  $("c-status").textContent = msg("状态：", "Status: ") + status;
  $("c-receipt-btn").disabled = status === "collecting";
  $("c-submit").disabled = status !== "collecting";
}
async function uploadScan(kind, input, out) {
  const f = input.files[0];
  if (!f) return;
  const r = await api("PUT", "/api/v1/cases/" + C.caseId + "/documents/" + kind, f,
                      { token: T.token, headers: { "Content-Type": f.type || "image/jpeg" } });
  hint(out, r.ok ? { ok: true, text: msg("已上传", "Uploaded") } : { ok: false, text: apiError(r.body, r.status) });
}
async function saveOriginals() {
  const checked = [...document.querySelectorAll("#c-originals input:checked")].map((x) => x.value);
  const r = await api("POST", WIN + "counter/cases/" + C.caseId + "/originals", { office_id: $("c-office").value, checked },
                      { token: T.token });
  if (!r.ok) { cHint("c-originals-msg", false, apiError(r.body, r.status)); return; }
  const missing = r.body.missing_originals || [];
  cHint("c-originals-msg", missing.length === 0, missing.length ? msg("尚缺原件：", "Still missing: ") + missing.join(", ")
                                                                : msg("原件已登记", "Originals recorded"));
}
async function openCamera() {
  try {
    C.stream = C.stream || await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 }, audio: false });
    $("c-video").srcObject = C.stream;
    await $("c-video").play();
    $("c-snap").disabled = false;
  } catch (_) {
    cHint("c-face-msg", false, msg("无法打开摄像头：请检查设备连接和浏览器权限", "Cannot open the camera: check the device and the browser's permission"));
  }
}
async function snap() {
  const v = $("c-video"), c = document.createElement("canvas");
  c.width = v.videoWidth || 640; c.height = v.videoHeight || 480;
  c.getContext("2d").drawImage(v, 0, 0, c.width, c.height);
  const blob = await new Promise((res) => c.toBlob(res, "image/jpeg", 0.9));
  const r = await api("PUT", WIN + "counter/cases/" + C.caseId + "/face", blob, { token: T.token, headers: { "Content-Type": "image/jpeg" } });
  if (!r.ok) { cHint("c-face-msg", false, apiError(r.body, r.status)); return; }
  const checks = Object.entries(r.body.checks || {}).map(([k, v]) => k + ": " + v.outcome).join(", ");
  cHint("c-face-msg", true, msg("照片已保存", "Photo stored") + (checks ? "（" + checks + "）" : ""));
  for (const t of C.stream.getTracks()) t.stop();
  C.stream = null;
  $("c-snap").disabled = true;
}
async function submitCounter() {
  $("c-error").textContent = "";
  const r = await api("POST", "/api/v1/cases/" + C.caseId + "/submit", undefined, { token: T.token });
  if (!r.ok) { $("c-error").textContent = apiError(r.body, r.status); return; }
  for (let i = 0; i < 60; i++) {
    const c = await api("GET", "/api/v1/cases/" + C.caseId, undefined, { token: T.token });
    if (!c.ok) { $("c-error").textContent = apiError(c.body, c.status); return; }
    setStatus(c.body.status);
    if (!["submitted", "processing"].includes(c.body.status)) return;
    await new Promise((res) => setTimeout(res, 500));
  }
}
async function showReceipt() {
  const r = await api("GET", WIN + "counter/cases/" + C.caseId + "/receipt?format=json", undefined, { token: T.token });
  if (!r.ok) { $("c-error").textContent = apiError(r.body, r.status); return; }
  const x = r.body.receipt, dl = $("c-receipt-facts");
  dl.textContent = "";
  const office = (C.offices.offices.find((o) => o.id === x.office) || { name: x.office });
  for (const [k, v] of [[msg("回执编号", "Case number"), x.case], [msg("办理地点", "Office"), lang === "en" ? office.name_en || office.name : office.name],
                        [msg("经办人", "Clerk"), x.clerk], [msg("办理时间", "Time"), x.at], [msg("姓名", "Name"), x.name],
                        [msg("身份证号", "ID number"), x.id_number], [msg("考试", "Exam session"), x.session],
                        [msg("状态", "Status"), x.status], [msg("已核验原件", "Originals checked"), x.checked.join(", ")],
                        [msg("现场采集", "Captured"), x.captured.join(", ")], [msg("校验码", "Check token"), r.body.token]]) {
    dl.appendChild(el("dt", k));
    dl.appendChild(el("dd", v));
  }
  const pdf = await fetch(WIN + "counter/cases/" + C.caseId + "/receipt?format=pdf", { headers: { Authorization: "Bearer " + T.token } });
  const a = $("c-receipt-pdf");
  if (pdf.ok) {
    if (a.href) URL.revokeObjectURL(a.href);
    a.href = URL.createObjectURL(await pdf.blob());
    a.download = "receipt-" + C.caseId + ".pdf";
  }
  $("c-receipt").hidden = false;
}
document.addEventListener("DOMContentLoaded", () => {
  $("c-idnum").addEventListener("input", () => hint($("c-idnum-msg"), idCheck($("c-idnum").value)));
  $("c-find").addEventListener("click", findCase);
  $("c-open").addEventListener("click", openCounterCase);
  $("c-save-originals").addEventListener("click", saveOriginals);
  $("c-camera").addEventListener("click", openCamera);
  $("c-snap").addEventListener("click", snap);
  $("c-submit").addEventListener("click", submitCounter);
  $("c-receipt-btn").addEventListener("click", showReceipt);
  $("c-print").addEventListener("click", () => window.print());
});
