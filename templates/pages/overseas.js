// Overseas path: passport identity, passport page and embassy certificate, domestic contact,
// video-verification booking (times in the candidate's zone and Beijing time), submit, status.
"use strict";
const $ = (id) => document.getElementById(id);
Object.assign(I18N.en, { ov_title: "Candidates abroad", back_online: "← Back to online verification",
  ov_identity: "Passport and identity", ov_phone: "Phone (may be a foreign number)", passport_no: "Passport number",
  surname: "Surname (as in the passport)", given: "Given names (as in the passport)", offset: "Your time zone",
  ov_docs: "Documents", f_passport: "Passport data page (photo)", f_embassy: "Embassy or consulate certification",
  contact_h: "Contact person in China", c_name: "Contact's name", c_rel: "Relationship to you", c_phone: "Contact's phone",
  save: "Save the contact", video_h: "Video verification appointment", video_book: "Book the video call",
  submit: "Submit" });
const O = { caseId: "", token: "", embassyRequired: false, videoOffered: false, booked: false };
const OV = "/api/v1/channels/overseas/";
function show(id) {
  for (const s of document.querySelectorAll("main > section")) s.hidden = s.id !== id;
  const h = document.querySelector("#" + id + " h2");
  if (h) { h.tabIndex = -1; h.focus(); }
}
function offsetText(min) {
  const s = min < 0 ? "-" : "+", a = Math.abs(min);
  return s + String(Math.floor(a / 60)).padStart(2, "0") + ":" + String(a % 60).padStart(2, "0");
}
async function loadProvince() {
  await fillSessions($("session"), $("province").value);
  showBusy($("province").value, $("busy"));
}
async function openCase() {
  const err = $("ov-identity-error");
  err.textContent = "";
  const id = $("idnum").value.trim().toUpperCase(), chk = idCheck(id);
  if (!$("consent").checked) { err.textContent = msg("请先阅读并同意个人信息处理说明", "Please read and accept the personal data notice first"); return; }
  if (!$("name").value.trim()) { err.textContent = msg("请填写姓名", "Please enter your name"); $("name").focus(); return; }
  if (!chk || !chk.ok) { err.textContent = chk ? chk.text : msg("请填写身份证号", "Please enter your ID number"); $("idnum").focus(); return; }
  if (!/^[A-Za-z0-9]{5,9}$/.test($("passport").value.trim())) {
    err.textContent = msg("护照号码应为 5 至 9 位字母或数字", "A passport number has 5 to 9 letters and digits"); $("passport").focus(); return;
  }
  const r = await api("POST", OV + "cases", {
    province: $("province").value, exam_session: $("session").value, name: $("name").value.trim(), id_number: id,
    sex: (id.charCodeAt(16) - 48) % 2 === 1 ? "M" : "F", phone: $("phone").value.trim(),
    passport_number: $("passport").value.trim().toUpperCase(), surname: $("surname").value.trim(),
    given_names: $("given").value.trim(), utc_offset: $("offset").value });
  if (!r.ok) { err.textContent = apiError(r.body, r.status); return; }
  Object.assign(O, { caseId: r.body.case_id, token: r.body.citizen_token, embassyRequired: !!r.body.embassy_certificate_required });
  $("f-embassy").required = O.embassyRequired;
  $("f-embassy-msg").textContent = O.embassyRequired ? msg("本省要求提供使领馆认证文件。", "This province requires the certification.") : "";
  show("ov-docs");
  await loadSlots();
}
async function upload(kind, input, out) {
  const f = input.files[0];
  if (!f) return;
  out.className = "hint";
  out.textContent = msg("正在上传…", "Uploading…");
  const r = await api("PUT", "/api/v1/cases/" + O.caseId + "/documents/" + kind, f,
                      { token: O.token, headers: { "Content-Type": f.type || "image/jpeg" } });
  hint(out, r.ok ? { ok: true, text: msg("已上传", "Uploaded") } : { ok: false, text: apiError(r.body, r.status) });
}
async function saveContact() {
  const r = await api("PUT", OV + "cases/" + O.caseId + "/contact",
                      { name: $("c-name").value.trim(), relationship: $("c-rel").value.trim(), phone: $("c-phone").value.trim() },
                      { token: O.token });
  hint($("c-msg"), r.ok ? { ok: true, text: msg("已保存：", "Saved: ") + r.body.contact.name + " " + r.body.contact.phone }
                        : { ok: false, text: apiError(r.body, r.status) });
}
async function loadSlots() {
  const box = $("slots");
  box.textContent = "";
  const r = await api("GET", OV + "provinces/" + encodeURIComponent($("province").value) + "/video-slots?utc_offset=" +
                      encodeURIComponent($("offset").value));
  if (!r.ok) { box.textContent = apiError(r.body, r.status); return; }
  O.videoOffered = r.body.video_verification;
  $("v-book").hidden = !O.videoOffered;
  if (!O.videoOffered) { box.textContent = msg("本省不需要视频核验。", "This province needs no video verification."); return; }
  const fs = document.createElement("fieldset");
  const lg = document.createElement("legend");
  lg.textContent = msg("选择时间（您当地时间 / 北京时间）", "Choose a time (your time / Beijing time)");
  fs.appendChild(lg);
  r.body.slots.forEach((s, i) => {
    const d = document.createElement("div");
    d.className = "check";
    const rb = document.createElement("input");
    Object.assign(rb, { type: "radio", name: "vslot", id: "vslot-" + i, value: s.slot, disabled: s.free === 0 });
    const l = document.createElement("label");
    l.htmlFor = rb.id;
    l.textContent = s.start.replace("T", " ").slice(0, 16) + " / " + msg("北京 ", "Beijing ") + s.start_beijing.replace("T", " ").slice(0, 16) +
                    " · " + s.minutes + msg(" 分钟 · 余 ", " min · free ") + s.free;
    d.append(rb, l);
    fs.appendChild(d);
  });
  box.appendChild(fs);
}
async function bookVideo() {
  const chosen = document.querySelector("input[name=vslot]:checked");
  if (!chosen) { hint($("v-msg"), { ok: false, text: msg("请选择一个时间", "Choose a time") }); return; }
  const r = await api("POST", OV + "cases/" + O.caseId + "/video-booking", { slot: chosen.value }, { token: O.token });
  O.booked = r.ok;
  hint($("v-msg"), r.ok ? { ok: true, text: msg("已预约，请按时参加视频核验。", "Booked: please join the video call on time.") }
                        : { ok: false, text: apiError(r.body, r.status) });
  if (r.ok) await loadSlots();
}
async function submit() {
  const err = $("ov-docs-error");
  err.textContent = "";
  if (O.videoOffered && !O.booked) { err.textContent = msg("请先预约视频核验", "Book the video verification first"); return; }
  const r = await api("POST", "/api/v1/cases/" + O.caseId + "/submit", undefined, { token: O.token });
  if (!r.ok) { err.textContent = apiError(r.body, r.status); return; }
  show("ov-status");
  for (let i = 0; i < 60; i++) {
    const c = await api("GET", "/api/v1/cases/" + O.caseId, undefined, { token: O.token });
    if (!c.ok) { $("ov-status-text").textContent = apiError(c.body, c.status); return; }
    $("ov-status-text").dataset.status = c.body.status;
    $("ov-status-text").textContent = statusText(c.body.status, c.body.status_zh);
    if (c.body.due_at) $("ov-status-next").textContent = msg("视频核验后由审核员处理，预计最晚于 " + c.body.due_at.slice(0, 10) + " 前给出结果。",
      "A reviewer decides after the video call; expected by " + c.body.due_at.slice(0, 10) + ".");
    if (!["submitted", "processing"].includes(c.body.status)) return;
    await new Promise((res) => setTimeout(res, 1000));
  }
}
document.addEventListener("DOMContentLoaded", async () => {
  const sel = $("offset"), mine = -new Date().getTimezoneOffset();
  for (let m = -12 * 60; m <= 14 * 60; m += 30) {
    const o = document.createElement("option");
    o.value = o.textContent = offsetText(m);
    sel.appendChild(o);
  }
  sel.value = offsetText(Math.round(mine / 30) * 30);
  $("province").addEventListener("change", loadProvince);
  $("idnum").addEventListener("input", () => hint($("idnum-msg"), idCheck($("idnum").value)));
  $("ov-open").addEventListener("click", openCase);
  $("f-passport").addEventListener("change", () => upload("passport", $("f-passport"), $("f-passport-msg")));
  $("f-embassy").addEventListener("change", () => upload("embassy-certificate", $("f-embassy"), $("f-embassy-msg")));
  $("c-save").addEventListener("click", saveContact);
  $("v-book").addEventListener("click", bookVideo);
  $("ov-submit").addEventListener("click", submit);
  $("offset").addEventListener("change", () => { if (O.caseId) loadSlots(); });
  await fillProvinces($("province"), "overseas", "", $("ov-identity-error"));
  await loadProvince();
});
