// The clerk's counter (window channel): find or open the candidate's case, record the originals
// checked, upload their scans, take the face photo, submit, and print the signed receipt.
"use strict";
Object.assign(I18N.en, { counter: "Counter", office: "Office", idnum: "ID number", find: "Find the case",
  new_case: "New counter case", name: "Name", phone: "Mobile phone", session: "Exam session", open_case: "Open the case",
  originals: "Originals checked", save_originals: "Record the originals", scans: "Scans", face: "Face photo at the counter",
  camera: "Open the camera", snap: "Take the photo", c_submit: "Submit for verification", receipt: "Print the receipt",
  receipt_h: "Verification receipt", receipt_pdf: "Download the receipt (PDF)", print: "Print",
  fingerprint: "Fingerprint", fp_file: "Fingerprint template file (ISO/IEC 19794-2)",
  fp_hint: "Capture the finger with the counter's fingerprint reader and save the template in the ISO/IEC 19794-2 format (.ist/.fmr); choose that file here. Images of a fingerprint are not accepted." });
const C = { caseId: "", offices: null, stream: null };
const WIN = "/api/v1/channels/window/";
const KIND = { id_card: ["id-front", "id-back"] };  // scans per original; others: the code itself
// The counter's immediate face checks and their outcomes, for people.
const CHECKS = { face_quality: ["照片质量", "photo quality"], face_match: ["人证比对", "face against the ID card"] };
const OUTCOMES = { pass: ["通过", "passed"], fail: ["未通过", "failed"], review: ["需人工复核", "needs a reviewer"],
  not_available: ["本窗口未启用", "not enabled here"], not_run: ["尚未进行（先上传身份证扫描件）", "not run yet (scan the ID card first)"] };
const CAPTURED = { face: ["现场人脸照片", "face photo"], fingerprint: ["指纹", "fingerprint"] };
// An original's name (from the offices' required_originals) instead of its code.
function originalName(code) {
  const o = ((C.offices && C.offices.required_originals) || []).find((x) => x.code === code);
  return o ? (lang === "en" ? o.name_en || o.name : o.name) : code;
}
function cHint(id, ok, text) { hint($(id), { ok, text }); }
async function startCounter() {
  const r = await api("GET", WIN + "provinces/" + encodeURIComponent(T.province) + "/offices", undefined, { token: T.token });
  const sel = $("c-office");
  sel.textContent = "";
  if (!r.ok) { $("c-find-msg").textContent = apiError(r.body, r.status); return; }
  C.offices = r.body;
  await loadDocNames();
  // The offices answer says whether this province's counter must take a fingerprint.
  $("c-fp").classList.toggle("required", !!r.body.fingerprint_required);
  for (const o of r.body.offices) sel.appendChild(el("option", officeName(o), { value: o.id }));
  await fillSessions($("c-session"), T.province);
}
function officeName(o) { return lang === "en" ? o.name_en || o.name : o.name; }
// The language switch: names and texts built from answers are shown again; choices stay.
async function counterLangChange() {
  if (!C.offices || $("counter").hidden) return;
  for (const opt of $("c-office").options) {
    const o = C.offices.offices.find((x) => x.id === opt.value);
    if (o) opt.textContent = officeName(o);
  }
  const session = $("c-session").value;
  await fillSessions($("c-session"), T.province);
  if ([...$("c-session").options].some((o) => o.value === session && !o.disabled)) $("c-session").value = session;
  if (!$("c-case").hidden && C.caseId) await showCase(C.caseId);
  if (!$("c-receipt").hidden) await showReceipt();
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
  // Shown again for the same case: originals ticked but not yet saved stay ticked.
  const ticked = C.caseId === id && !$("c-case").hidden
    ? [...document.querySelectorAll("#c-originals input:checked")].map((x) => x.value) : [];
  C.caseId = id;
  $("c-error").textContent = "";
  const r = await api("GET", WIN + "counter/cases/" + encodeURIComponent(id), undefined, { token: T.token });
  if (!r.ok) { $("c-error").textContent = apiError(r.body, r.status); return; }
  const rec = r.body, checked = ((rec.counter && rec.counter.originals) || []).concat(ticked);
  const dl = $("c-facts");
  dl.textContent = "";
  for (const [k, v] of [["ID", rec.case_id], [msg("状态", "Status"), statusText(rec.status)]]) { dl.appendChild(el("dt", k)); dl.appendChild(el("dd", v)); }
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
      scans.appendChild(el("label", (KIND[o.code] ? docName(kind) : (lang === "en" ? o.name_en : o.name) + msg("扫描件", " scan")), { for: "c-scan-" + kind }));
      const input = el("input", undefined, { type: "file", id: "c-scan-" + kind, accept: "image/jpeg,image/png", "aria-describedby": "c-scan-" + kind + "-msg" });
      const out = el("p", (rec.evidence || []).includes(kind) ? msg("已上传", "Uploaded") : "", { id: "c-scan-" + kind + "-msg", class: "hint", "aria-live": "polite" });
      input.addEventListener("change", () => uploadScan(kind, input, out));
      scans.append(input, out);
    }
  }
  const fp = rec.counter && rec.counter.fingerprint;
  hint($("c-fp-msg"), fp ? { ok: true, text: fpText(fp) } : null);
  $("c-fp-file").value = "";
  $("c-case").hidden = false;
  setStatus(rec.status);
}
function setStatus(status) {
  $("c-status").dataset.status = status;
  $("c-status").textContent = msg("状态：", "Status: ") + statusText(status);
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
  cHint("c-originals-msg", missing.length === 0, missing.length ? msg("尚缺原件：", "Still missing: ") + missing.map(originalName).join(msg("、", ", "))
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
  const checks = Object.entries(r.body.checks || {}).map(([k, v]) => label(CHECKS, k) + msg("：", ": ") + label(OUTCOMES, v.outcome)).join(msg("；", "; "));
  cHint("c-face-msg", true, msg("照片已保存", "Photo stored") + (checks ? "（" + checks + "）" : ""));
  for (const t of C.stream.getTracks()) t.stop();
  C.stream = null;
  $("c-snap").disabled = true;
}
function fpText(fp) {
  return msg("指纹已采集：质量 " + fp.quality + "，特征点 " + fp.minutiae + " 个",
             "Fingerprint captured: quality " + fp.quality + ", " + fp.minutiae + " minutiae");
}
// The window channel takes a fingerprint template (ISO/IEC 19794-2) as exported by the reader's
// software, not an image: the clerk chooses that file.
async function uploadFingerprint() {
  const f = $("c-fp-file").files[0];
  if (!f) return;
  const r = await api("PUT", WIN + "counter/cases/" + C.caseId + "/fingerprint", f,
                      { token: T.token, headers: { "Content-Type": "application/octet-stream" } });
  hint($("c-fp-msg"), r.ok ? { ok: true, text: fpText(r.body) } : { ok: false, text: apiError(r.body, r.status) });
}
async function submitCounter() {
  $("c-error").textContent = "";
  const r = await api("POST", "/api/v1/cases/" + C.caseId + "/submit", undefined, { token: T.token });
  if (!r.ok) {
    $("c-error").textContent = apiError(r.body, r.status);
    // The province asks for a fingerprint: bring the clerk to that step.
    // (the host's own document check answers MISSING_DOCUMENT for it, the channel FINGERPRINT_REQUIRED)
    const e = (r.body && r.body.error) || {};
    if (e.code === "FINGERPRINT_REQUIRED" || (e.code === "MISSING_DOCUMENT" && e.field === "fingerprint")) {
      $("c-fp").classList.add("required");
      $("c-fp-file").focus();
    }
    return;
  }
  for (let i = 0; i < 60; i++) {
    const c = await api("GET", "/api/v1/cases/" + C.caseId, undefined, { token: T.token });
    if (!c.ok) { $("c-error").textContent = apiError(c.body, c.status); return; }
    setStatus(c.body.status);
    if (!["submitted", "processing"].includes(c.body.status)) return;
    await new Promise((res) => setTimeout(res, 500));
  }
}
// The signed token's payload (base64url JSON before the '.'): the facts the QR code carries.
function tokenPayload(token) {
  const b64 = token.split(".")[0].replace(/-/g, "+").replace(/_/g, "/");
  const bin = atob(b64 + "===".slice((b64.length + 3) % 4));
  return JSON.parse(new TextDecoder().decode(Uint8Array.from(bin, (ch) => ch.charCodeAt(0))));
}
async function showReceipt() {
  // The HTML receipt (same access checks as every receipt) carries the signed token in
  // X-Receipt-Token and the QR code as inline SVG. The SVG is shown as an image from a blob: URL,
  // which the page's CSP allows (the receipt's own inline styles would not be).
  const resp = await fetch(WIN + "counter/cases/" + C.caseId + "/receipt?format=html",
                           { headers: { Authorization: "Bearer " + T.token }, cache: "no-store" });
  const token = resp.headers.get("X-Receipt-Token");
  if (!resp.ok || !token) {
    let body = null;
    try { body = await resp.json(); } catch (_) { body = null; }
    $("c-error").textContent = apiError(body, resp.status);
    return;
  }
  const svg = new DOMParser().parseFromString(await resp.text(), "text/html").querySelector("svg");
  const img = $("c-receipt-qr");
  if (img.src.startsWith("blob:")) URL.revokeObjectURL(img.src);
  if (svg) img.src = URL.createObjectURL(new Blob([new XMLSerializer().serializeToString(svg)], { type: "image/svg+xml" }));
  img.hidden = !svg;
  const x = tokenPayload(token), dl = $("c-receipt-facts");
  dl.textContent = "";
  const office = (C.offices.offices.find((o) => o.id === x.office) || { name: x.office });
  for (const [k, v] of [[msg("回执编号", "Case number"), x.case], [msg("办理地点", "Office"), officeName(office)],
                        [msg("经办人", "Clerk"), x.clerk], [msg("办理时间", "Time"), x.at], [msg("姓名", "Name"), x.name],
                        [msg("身份证号", "ID number"), x.id_number], [msg("考试", "Exam session"), x.session],
                        [msg("状态", "Status"), statusText(x.status)], [msg("已核验原件", "Originals checked"), x.checked.map(originalName).join(msg("、", ", "))],
                        [msg("现场采集", "Captured"), x.captured.map((c) => (CAPTURED[c] ? msg(CAPTURED[c][0], CAPTURED[c][1]) : c)).join(msg("、", ", ")) || "—"],
                        [msg("校验码", "Check token"), token]]) {
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
  $("c-fp-file").addEventListener("change", uploadFingerprint);
  $("c-print").addEventListener("click", () => window.print());
  document.addEventListener("langchange", counterLangChange);
});
