// Offices of a province (window channel) with free places per slot on a day, and booking.
"use strict";
const $ = (id) => document.getElementById(id);
Object.assign(I18N.en, { offices_title: "Book an office visit", back_online: "← Back to online verification",
  offices_h: "Verification offices", offices_hint: "If you cannot verify online or need it fast, book a visit to an exam office.",
  date: "Date", bring_h: "Bring these originals", book_h: "Your details for the booking", book: "Book" });
const W = "/api/v1/channels/window/provinces/";
function el(tag, text, attrs) {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  return e;
}
function isoDay(d) { return d.toISOString().slice(0, 10); }
async function loadOffices() {
  const province = $("province").value;
  showBusy(province, $("busy"));
  const list = $("office-list");
  list.textContent = "";
  $("offices-error").textContent = "";
  if (!province) return;
  const r = await api("GET", W + encodeURIComponent(province) + "/offices?date=" + encodeURIComponent($("date").value));
  if (!r.ok) { $("offices-error").textContent = apiError(r.body, r.status); return; }
  const ul = $("originals");
  ul.textContent = "";
  for (const o of r.body.required_originals) ul.appendChild(el("li", lang === "en" ? o.name_en : o.name));
  const last = new Date(Date.now() + r.body.booking_days_ahead * 86400000);
  $("date").max = isoDay(last);
  for (const o of r.body.offices) {
    const fs = el("fieldset", undefined, { class: "office" });
    fs.appendChild(el("legend", lang === "en" ? o.name_en || o.name : o.name));
    fs.appendChild(el("p", (lang === "en" ? o.address_en || o.address : o.address)));
    fs.appendChild(el("p", (lang === "en" ? o.opening_hours_en || o.opening_hours : o.opening_hours)));
    for (const s of o.slots) {
      const id = "slot-" + o.id + "-" + s.slot.replace(/[^0-9]/g, "");
      const d = el("div", undefined, { class: "check" });
      const rb = el("input", undefined, { type: "radio", name: "slot", id, value: o.id + "|" + s.slot });
      if (s.available === 0) rb.disabled = true;
      d.appendChild(rb);
      d.appendChild(el("label", s.slot + " · " + (s.available === 0 ? msg("已约满", "full")
                                 : msg("余 " + s.available + " 个", s.available + " free")), { for: id }));
      fs.appendChild(d);
    }
    list.appendChild(fs);
  }
}
async function book() {
  const err = $("book-error");
  err.textContent = "";
  $("book-result").hidden = true;
  const chosen = document.querySelector("input[name=slot]:checked");
  if (!chosen) { err.textContent = msg("请先选择窗口和时段", "Choose an office and a time slot first"); return; }
  const name = $("name").value.trim(), id = $("idnum").value.trim().toUpperCase(), phone = $("phone").value.trim();
  const chk = idCheck(id);
  if (!name) { err.textContent = msg("请填写姓名", "Please enter your name"); $("name").focus(); return; }
  if (!chk || !chk.ok) { err.textContent = chk ? chk.text : msg("请填写身份证号", "Please enter your ID number"); $("idnum").focus(); return; }
  if (!/^1\d{10}$/.test(phone)) { err.textContent = msg("请填写11位手机号", "Please enter an 11-digit mobile number"); $("phone").focus(); return; }
  const [officeId, slot] = chosen.value.split("|");
  const r = await api("POST", W + encodeURIComponent($("province").value) + "/appointments",
                      { office_id: officeId, date: $("date").value, slot, name, id_number: id, phone });
  if (!r.ok) { err.textContent = apiError(r.body, r.status); return; }
  const b = r.body, out = $("book-result");
  out.textContent = "";
  out.dataset.appointment = b.appointment_id;
  out.appendChild(el("p", msg("预约成功：", "Booked: ") + (lang === "en" ? b.office.name_en || b.office.name : b.office.name) +
                          " " + b.date + " " + b.slot));
  out.appendChild(el("p", msg("预约号 ", "Booking number ") + b.appointment_id));
  out.appendChild(el("p", msg("请携带：", "Bring: ") + b.required_originals.map((o) => (lang === "en" ? o.name_en : o.name)).join("、")));
  out.hidden = false;
  await loadOffices();
}
async function init() {
  const p = new URLSearchParams(location.search).get("province") || "";
  await fillProvinces($("province"), "window", p, $("offices-error"));
  await loadOffices();
}
document.addEventListener("DOMContentLoaded", () => {
  const tomorrow = new Date(Date.now() + 86400000);
  $("date").value = isoDay(tomorrow);
  $("date").min = isoDay(tomorrow);
  $("province").addEventListener("change", loadOffices);
  $("date").addEventListener("change", loadOffices);
  $("idnum").addEventListener("input", () => hint($("idnum-msg"), idCheck($("idnum").value)));
  $("book").addEventListener("click", book);
  document.addEventListener("langchange", init);
  init();
});
