// Enterprise batch views (enterprise channel): HR uploads the roster, follows the import, reads the
// per-row report (and downloads it as CSV), follows each employee's progress, hands out the personal
// links and submits the batch; reviewers of the province list the submitted batches, read the rows
// with their flags, accept the clean ones in one call and open a flagged case in the case view.
"use strict";
Object.assign(I18N.en, { hr_title: "Collective verification (employer)", hr_upload: "Upload the employee roster",
  hr_upload_hint: "A CSV file (UTF-8 or GBK) with the header name,id_number,phone,exam_session[,scan_file] or 姓名,身份证号,手机号,考试场次[,扫描件].",
  hr_file: "Roster file (CSV)", hr_upload_btn: "Upload and import", hr_batch: "Batch", hr_progress: "Import progress",
  hr_report: "Row-by-row report", hr_report_csv: "Download the report (CSV)", row: "Row", field: "Field", problem: "Problem",
  hr_employees: "Employees' progress", hr_links: "Show the employees' personal links",
  hr_links_hint: "Each link opens only that employee's own case: send it to that person alone, never to a group.",
  status_col: "Status", progress_col: "Documents", link: "Personal link", hr_submit: "Submit this batch",
  batches: "Enterprise batches", b_list: "Submitted batches", batch: "Batch", enterprise: "Enterprise",
  submitted_at: "Submitted", rows: "Rows", b_flagged: "Flagged rows only", b_rows: "Rows of the batch",
  b_accept: "Approve every unflagged case", hr_zip_h: "ID card scans (optional)",
  hr_zip_hint: "One ZIP file with the images (JPEG or PNG) named in the roster's scan_file column; upload it once imported and before submitting.",
  hr_zip: "Scans (ZIP)" });
const E = { batch: "", poll: 0, reviewBatch: "" };
const ENT = "/api/v1/channels/enterprise/";
// Flags on a roster row, for people (the codes stay in the data attributes).
const FLAGS = {
  DUPLICATE_IN_ROSTER: ["同一身份证号在名单中出现多次", "The same ID number appears more than once in the roster"],
  SCAN_MISSING: ["压缩包中缺少该员工的身份证扫描件", "The ZIP lacks this employee's ID scan"],
  SCAN_REFUSED: ["身份证扫描件无法使用", "The ID scan could not be used"],
  LINK_LOST_ON_RESTART: ["导入中断，该员工的个人链接未保存", "The import was interrupted: this employee's personal link was not kept"],
  INCOMPLETE_AT_SUBMISSION: ["提交时材料不全，未随本批次提交", "Incomplete at submission: not sent with the batch"],
};
const BATCH_STATE = {
  queued: ["排队等待导入", "Queued for import"], importing: ["正在导入", "Importing"], ready: ["导入完成，可提交", "Imported, ready to submit"],
  failed: ["导入失败", "Import failed"], submitted: ["已提交", "Submitted"],
};
const FIELDS = { name: ["姓名", "Name"], id_number: ["身份证号", "ID number"], phone: ["手机号", "Phone"],
  exam_session: ["考试场次", "Exam session"], scan_file: ["扫描件", "Scan file"] };
function flagText(code) {
  return FLAGS[code] ? msg(FLAGS[code][0], FLAGS[code][1]) : msg("需人工核对", "Needs a manual check") + " (" + code + ")";
}
function flagCell(flags) {
  const td = el("td");
  (flags || []).forEach((f, i) => {
    if (i) td.appendChild(document.createTextNode("；"));
    td.appendChild(el("span", flagText(f), { "data-flag": f }));
  });
  return td;
}
function errText(o) { return lang === "en" ? o.message || o.code : o.message_zh || o.message || o.code; }

// ---- HR ---------------------------------------------------------------------------------
async function startHr() {
  const me = await api("GET", ENT + "me", undefined, { token: T.token });
  $("hr-refusal").textContent = "";
  if (!me.ok) { $("hr-refusal").textContent = apiError(me.body, me.status); $("hr-upload").disabled = true; return; }
  const q = me.body.qualification || {};
  $("hr-me").textContent = (q.name || me.body.enterprise_id) + (q.valid_until ? msg("（资格有效期至 ", " (qualified until ") + q.valid_until + msg("）", ")") : "");
  if (!me.body.qualified && me.body.refusal) $("hr-refusal").textContent = errText(me.body.refusal);
  $("hr-upload").disabled = !me.body.qualified;
  await loadHrBatches();
}
async function loadHrBatches(select) {
  const r = await api("GET", ENT + "batches", undefined, { token: T.token });
  const sel = $("hr-batch");
  sel.textContent = "";
  if (!r.ok) { hint($("hr-upload-msg"), { ok: false, text: apiError(r.body, r.status) }); return; }
  // Newest first: the batch HR works on is usually the last upload.
  const batches = [...r.body.batches].sort((a, b) => (a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : 0));
  for (const b of batches)
    sel.appendChild(el("option", b.created_at.replace("T", " ").slice(0, 16) + " · " + label(BATCH_STATE, b.state) + " · " + b.id, { value: b.id }));
  if (select) sel.value = select;
  if (sel.value) await showHrBatch(sel.value);
}
async function uploadRoster() {
  const f = $("hr-file").files[0];
  if (!f) { hint($("hr-upload-msg"), { ok: false, text: msg("请先选择名单文件", "Choose the roster file first") }); return; }
  hint($("hr-upload-msg"), { ok: true, text: msg("正在上传…", "Uploading…") });
  const r = await api("POST", ENT + "batches", f, { token: T.token, headers: { "Content-Type": "text/csv" } });
  if (!r.ok) { hint($("hr-upload-msg"), { ok: false, text: apiError(r.body, r.status) }); return; }
  hint($("hr-upload-msg"), { ok: true, text: msg("已上传，正在导入。", "Uploaded; importing.") });
  await loadHrBatches(r.body.batch_id);
}
async function showHrBatch(id) {
  E.batch = id;
  clearTimeout(E.poll);
  $("hr-batch-view").hidden = false;
  const r = await api("GET", ENT + "batches/" + encodeURIComponent(id), undefined, { token: T.token });
  if (!r.ok) { $("hr-state").textContent = apiError(r.body, r.status); return; }
  const b = r.body, p = b.progress || {};
  const pct = p.bytes_total ? Math.round((100 * p.bytes_read) / p.bytes_total) : 0;
  $("hr-progress").value = ["ready", "submitted"].includes(b.state) ? 100 : pct;
  $("hr-state").dataset.state = b.state;
  $("hr-state").textContent = label(BATCH_STATE, b.state) + msg("：已读 ", ": ") + (p.rows_read || 0) +
    msg(" 行，已建立 ", " rows read, ") + (p.cases_opened || 0) + msg(" 份申请", " cases opened") +
    (b.error ? " — " + errText(b.error) : "");
  const busy = b.state === "queued" || b.state === "importing";
  $("hr-submit").disabled = b.state !== "ready" && b.state !== "submitted";
  if (busy) { E.poll = setTimeout(() => showHrBatch(id), 500); return; }
  const dl = $("hr-summary");
  dl.textContent = "";
  const s = b.summary || {};
  for (const [k, v] of [[msg("名单行数", "Rows"), s.rows], [msg("无问题的行", "Clean rows"), s.clean_rows],
                        [msg("有问题的行", "Rows with problems"), s.flagged_rows], [msg("文件编码", "Encoding"), s.encoding]])
    if (v !== undefined) { dl.appendChild(el("dt", k)); dl.appendChild(el("dd", String(v))); }
  await showReport(id);
  await showEmployees(false);
}
async function showReport(id) {
  const tb = $("hr-report-rows");
  tb.textContent = "";
  const r = await api("GET", ENT + "batches/" + encodeURIComponent(id) + "/report", undefined, { token: T.token });
  if (!r.ok) { tb.appendChild(el("tr")).appendChild(el("td", apiError(r.body, r.status), { colspan: "3" })); return; }
  const issues = r.body.issues || [];
  if (r.body.error) issues.unshift(r.body.error);
  if (!issues.length) tb.appendChild(el("tr")).appendChild(el("td", msg("没有发现问题。", "No problems found."), { colspan: "3" }));
  for (const i of issues) {
    const tr = el("tr", undefined, { "data-code": i.code });
    tr.append(el("td", String(i.row)), el("td", i.field ? label(FIELDS, i.field) : "—"), el("td", errText(i)));
    tb.appendChild(tr);
  }
  // The CSV report needs the bearer token: fetched here and offered as a download.
  const csv = await fetch(ENT + "batches/" + encodeURIComponent(id) + "/report?format=csv",
                          { headers: { Authorization: "Bearer " + T.token }, cache: "no-store" });
  const a = $("hr-report-csv");
  if (a.href) URL.revokeObjectURL(a.href);
  if (csv.ok) { a.href = URL.createObjectURL(await csv.blob()); a.download = id + "-report.csv"; }
}
async function showEmployees(links) {
  const tb = $("hr-employee-rows");
  tb.textContent = "";
  const rows = [];
  for (let offset = 0; ; offset += 1000) {
    const r = await api("GET", ENT + "batches/" + encodeURIComponent(E.batch) + "/employees?limit=1000&offset=" + offset +
                        (links ? "&links=true" : ""), undefined, { token: T.token });
    if (!r.ok) { tb.appendChild(el("tr")).appendChild(el("td", apiError(r.body, r.status), { colspan: "7" })); return; }
    rows.push(...r.body.employees);
    if (!r.body.employees.length || rows.length >= r.body.total) break;
  }
  for (const e of rows) {
    const tr = el("tr", undefined, { "data-case": e.case_id, "data-status": e.status, "data-complete": String(!!e.complete) });
    // What the employee has sent so far; "complete" weighs it against the province's rules.
    const have = [[msg("人脸照片", "face photo"), e.face], [msg("活体视频", "liveness video"), e.liveness], [msg("身份证扫描件", "ID scan"), e.id_scan]]
      .filter(([, ok]) => ok).map(([n]) => n);
    const docs = have.length ? msg("已有：", "has: ") + have.join(msg("、", ", ")) : msg("尚无材料", "nothing yet");
    tr.append(el("td", String(e.row)), el("td", e.name), el("td", e.id_number), el("td", statusText(e.status)),
              el("td", (e.complete ? msg("齐全", "complete") : msg("未齐", "incomplete")) + " · " + docs), flagCell(e.flags));
    const td = el("td");
    if (e.token) {
      const url = location.origin + "/employee#case=" + encodeURIComponent(e.case_id) + "&token=" + encodeURIComponent(e.token);
      const input = el("input", undefined, { readonly: "", value: url, "aria-label": msg("个人链接：第 ", "Personal link: row ") + e.row + msg(" 行", ""), class: "link-field" });
      td.appendChild(input);
    }
    tr.appendChild(td);
    tb.appendChild(tr);
  }
}
// The ZIP of ID scans, matched to rows by the roster's scan_file column.
async function uploadScans() {
  const f = $("hr-zip").files[0];
  if (!f) return;
  hint($("hr-zip-msg"), { ok: true, text: msg("正在上传…", "Uploading…") });
  const r = await api("PUT", ENT + "batches/" + encodeURIComponent(E.batch) + "/scans", f,
                      { token: T.token, headers: { "Content-Type": "application/zip" } });
  $("hr-zip").value = "";
  if (!r.ok) { hint($("hr-zip-msg"), { ok: false, text: apiError(r.body, r.status) }); return; }
  const problems = r.body.problems || [];
  hint($("hr-zip-msg"), { ok: problems.length === 0, text: msg("已匹配 " + r.body.attached + " 份扫描件。", r.body.attached + " scan(s) matched. ") +
    problems.map((p) => msg("第 " + p.row + " 行（" + p.scan_file + "）：", "row " + p.row + " (" + p.scan_file + "): ") +
                        flagText(p.code === "SCAN_MISSING" ? p.code : "SCAN_REFUSED")).join(msg("；", "; ")) });
  $("hr-zip-msg").dataset.attached = String(r.body.attached);
  await showEmployees(false);
}
async function submitBatch() {
  const r = await api("POST", ENT + "batches/" + encodeURIComponent(E.batch) + "/submit", undefined, { token: T.token });
  if (!r.ok) {
    let t = apiError(r.body, r.status);
    if (r.body && r.body.rows) t += msg("（行号：", " (rows: ") + r.body.rows.join(", ") + msg("）", ")");
    hint($("hr-submit-msg"), { ok: false, text: t });
    return;
  }
  const x = r.body;
  hint($("hr-submit-msg"), { ok: true, text: msg("已提交 " + x.submitted + " 名员工；" + x.incomplete + " 名材料不全，可补齐后再次提交。",
    x.submitted + " employee(s) submitted; " + x.incomplete + " incomplete (submit again once they finish).") +
    (x.refused && x.refused.length ? " " + x.refused.map((f) => msg("第 ", "row ") + f.row + msg(" 行：", ": ") + errText(f)).join("；") : "") });
  $("hr-submit-msg").dataset.submitted = String(x.submitted);
  await showHrBatch(E.batch);
}

// ---- reviewers --------------------------------------------------------------------------
async function showBatches() {
  section("batches");
  $("b-batch").hidden = true;
  const tb = $("b-rows");
  tb.textContent = "";
  const r = await api("GET", ENT + "batches", undefined, { token: T.token });
  if (!r.ok) { tb.appendChild(el("tr")).appendChild(el("td", apiError(r.body, r.status), { colspan: "4" })); return; }
  if (!r.body.batches.length) tb.appendChild(el("tr")).appendChild(el("td", msg("暂无已提交的批次。", "No submitted batch yet."), { colspan: "4" }));
  for (const b of r.body.batches) {
    const tr = el("tr", undefined, { "data-batch": b.id });
    const a = el("a", b.id, { href: "#batch/" + b.id });
    a.addEventListener("click", (ev) => { ev.preventDefault(); openBatch(b); });
    tr.appendChild(el("td")).appendChild(a);
    tr.append(el("td", b.enterprise_name || b.enterprise_id), el("td", (b.submitted_at || "").replace("T", " ").slice(0, 16)),
              el("td", String((b.summary && b.summary.rows) || "")));
    tb.appendChild(tr);
  }
}
async function openBatch(b) {
  E.reviewBatch = b.id;
  $("b-title").textContent = (b.enterprise_name || b.enterprise_id) + " · " + b.id;
  $("b-batch").hidden = false;
  $("b-msg").textContent = "";
  await loadBatchRows();
}
async function loadBatchRows() {
  const tb = $("b-case-rows");
  tb.textContent = "";
  const rows = [];
  for (let offset = 0; ; offset += 1000) {
    const r = await api("GET", ENT + "batches/" + encodeURIComponent(E.reviewBatch) + "/rows?limit=1000&offset=" + offset +
                        ($("b-flagged").checked ? "&flagged=true" : ""), undefined, { token: T.token });
    if (!r.ok) { tb.appendChild(el("tr")).appendChild(el("td", apiError(r.body, r.status), { colspan: "6" })); return; }
    rows.push(...r.body.rows);
    if (r.body.rows.length < 1000) break;
  }
  for (const x of rows) {
    const tr = el("tr", undefined, { "data-case": x.case_id, "data-status": x.status, "data-flagged": String(!!x.flagged) });
    tr.append(el("td", String(x.row)), el("td", x.name), el("td", x.id_number), el("td", statusText(x.status)), flagCell(x.flags));
    const a = el("a", msg("查看", "Open") + " " + x.case_id, { href: "#case/" + x.case_id });
    a.addEventListener("click", (ev) => { ev.preventDefault(); T.from = "batch"; openCase(x.case_id); });
    tr.appendChild(el("td")).appendChild(a);
    tb.appendChild(tr);
  }
}
async function acceptClean() {
  const r = await api("POST", ENT + "batches/" + encodeURIComponent(E.reviewBatch) + "/accept-clean", undefined, { token: T.token });
  if (!r.ok) { hint($("b-msg"), { ok: false, text: apiError(r.body, r.status) }); return; }
  const left = r.body.left_for_review || [];
  hint($("b-msg"), { ok: true, text: msg("已通过 " + r.body.accepted + " 份申请；" + left.length + " 份需逐一审核。",
    r.body.accepted + " case(s) approved; " + left.length + " to review one by one.") });
  $("b-msg").dataset.accepted = String(r.body.accepted);
  await loadBatchRows();
}

document.addEventListener("DOMContentLoaded", () => {
  $("hr-upload").addEventListener("click", uploadRoster);
  $("hr-batch").addEventListener("change", () => showHrBatch($("hr-batch").value));
  $("hr-refresh").addEventListener("click", () => showHrBatch(E.batch));
  $("hr-links").addEventListener("click", () => showEmployees(true));
  $("hr-submit").addEventListener("click", submitBatch);
  $("hr-zip").addEventListener("change", uploadScans);
  $("to-batches").addEventListener("click", showBatches);
  $("b-back").addEventListener("click", () => { section("queue"); loadQueue(); });
  $("b-flagged").addEventListener("change", loadBatchRows);
  $("b-refresh").addEventListener("click", loadBatchRows);
  $("b-accept").addEventListener("click", acceptClean);
  // The texts built here follow the language switch.
  document.addEventListener("langchange", () => {
    if (!$("hr").hidden && E.batch) showHrBatch(E.batch);
    if (!$("batches").hidden && !$("b-batch").hidden) loadBatchRows();
  });
});
