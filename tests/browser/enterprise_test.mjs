// The enterprise batch views in Debian chromium against the real host with the enterprise plugin:
// HR of a qualified enterprise uploads a generated roster (clean rows, a bad check character, a
// duplicate), follows the import, reads the per-row report and downloads it as CSV, hands out the
// personal links; two employees upload their face photo on their own page; HR submits (the third
// employee is left incomplete). A reviewer of the province lists the submitted batch, reads the
// rows with their flags, accepts the clean case in one call and opens a flagged one in the case
// view. Every page at 360 px and 1280 px, axe-core, no console errors.
//
// node enterprise_test.mjs --host BIN --ctl BIN --plugins DIR --config FILE --out DIR
import fs from "node:fs";
import zlib from "node:zlib";
import { Run, parseArgs, withCheck, canvasJpeg } from "./harness.mjs";

const run = new Run(parseArgs(["host", "ctl", "plugins", "config", "out"]), "enterprise");
const check = run.check.bind(run);
const PROVINCE = "entbrow";

// A ZIP (stored entries) of named files, as HR's scanning software would make.
function zip(files) {
  const locals = [], central = [];
  let offset = 0;
  for (const [name, data] of files) {
    const n = Buffer.from(name), crc = zlib.crc32(data);
    const h = Buffer.alloc(30);
    h.writeUInt32LE(0x04034b50, 0); h.writeUInt16LE(20, 4); h.writeUInt16LE(0x21, 12);
    h.writeUInt32LE(crc, 14); h.writeUInt32LE(data.length, 18); h.writeUInt32LE(data.length, 22); h.writeUInt16LE(n.length, 26);
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0); c.writeUInt16LE(20, 4); c.writeUInt16LE(20, 6); c.writeUInt16LE(0x21, 14);
    c.writeUInt32LE(crc, 16); c.writeUInt32LE(data.length, 20); c.writeUInt32LE(data.length, 24); c.writeUInt16LE(n.length, 28);
    c.writeUInt32LE(offset, 42);
    locals.push(h, n, data);
    central.push(c, n);
    offset += 30 + n.length + data.length;
  }
  const cd = Buffer.concat(central), end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(files.length, 8); end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(cd.length, 12); end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

try {
  const base = await run.startHost();
  run.ctl(["enterprise", "add", "--province", PROVINCE, "--id", "acme", "--name", "页面测试科技有限公司",
           "--credit-code", "91110105MA01ABCD13", "--valid-from", "2020-01-01", "--valid-until", "2099-12-31"]);
  run.addUser("hr1", PROVINCE, "enterprise_hr", "Hr-Pass-2026!", ["--enterprise", "acme"]);
  run.addUser("rev1", PROVINCE, "reviewer", "Rev-Pass-2026!");
  const browser = await run.launch();
  const ctx = await run.context(browser, { acceptDownloads: true });

  // The roster: three clean rows, a wrong check character, the first employee's number again.
  const idA = withCheck("11010119900101123"), idB = withCheck("11010119910202124"), idC = withCheck("11010119920303125");
  const badCheck = idC.slice(0, 17) + (idC[17] === "0" ? "1" : "0");
  const roster = ["姓名,身份证号,手机号,考试场次,扫描件", `张三,${idA},13800138001,2026-11,a.jpg`, `李四,${idB},13800138002,2026-11,b.jpg`,
                  `王五,${idC},13800138003,2026-11,c.jpg`, `赵六,${badCheck},13800138004,2026-11,`, `钱七,${idA},13800138005,2026-11,`].join("\r\n") + "\r\n";

  // 1. HR: enterprise, upload, progress, report.
  const hr = await ctx.newPage();
  run.watch(hr, "hr");
  await hr.goto(base + "/staff");
  await hr.fill("#user", "hr1");
  await hr.fill("#password", "Hr-Pass-2026!");
  await hr.click("#login-form button[type=submit]");
  await hr.waitForSelector("#hr:not([hidden])");
  await hr.waitForFunction(() => document.querySelector("#hr-me").textContent.length > 0);
  check((await hr.textContent("#hr-me")).includes("页面测试科技有限公司") && !(await hr.isDisabled("#hr-upload")),
        "HR sees its qualified enterprise: " + await hr.textContent("#hr-me"));
  await hr.click("#lang");
  check((await hr.textContent("#h-hr")) === "Collective verification (employer)" &&
        (await hr.textContent("label[for=hr-file]")) === "Roster file (CSV)", "English switch on the HR view");
  await hr.click("#lang");
  check((await hr.textContent("#h-hr")) === "企业集体认证", "back to Chinese");
  await run.shot(hr, "enterprise-1-hr");
  await run.axe(hr, "enterprise: HR");
  await hr.click("#hr-upload");
  check((await hr.textContent("#hr-upload-msg")).includes("请先选择"), "upload asks for a file first");
  await hr.setInputFiles("#hr-file", { name: "roster.csv", mimeType: "text/csv", buffer: Buffer.from(roster, "utf8") });
  await hr.click("#hr-upload");
  await hr.waitForFunction(() => document.querySelector("#hr-state").dataset.state === "ready", null, { timeout: 60000 });
  await hr.waitForFunction(() => document.querySelectorAll("#hr-employee-rows tr").length === 3);
  check(await hr.evaluate(() => document.querySelector("#hr-progress").value === 100), "import progress at 100 %");
  const state = await hr.textContent("#hr-state");
  check(state.includes("导入完成") && state.includes("已读 5 行") && state.includes("已建立 3 份申请"), "import state: " + state);
  const report = await hr.evaluate(() => [...document.querySelectorAll("#hr-report-rows tr")].map((tr) => ({
    code: tr.dataset.code, text: tr.textContent })));
  const dup = report.find((r) => r.code === "ROSTER_ID_DUPLICATE"), bad = report.find((r) => r.code && r.code.startsWith("ID_"));
  check(report.length === 2 && dup && dup.text.startsWith("6") && dup.text.includes("重复") && bad && bad.text.startsWith("5") &&
        bad.text.includes("身份证号"), "report rows in words with row and field: " + JSON.stringify(report));
  check(report.every((r) => !/[A-Z]{2,}_[A-Z]/.test(r.text) && !r.text.includes("id_number")), "no raw codes or field names in the report");
  const download = hr.waitForEvent("download");
  await hr.click("#hr-report-csv");
  const csv = fs.readFileSync(await (await download).path(), "utf8");
  check(csv.startsWith("\uFEFFrow,field,code") && csv.includes("ROSTER_ID_DUPLICATE") && csv.includes("该身份证号在本名单中重复出现"),
        "report CSV downloaded (BOM, codes, zh-CN messages)");
  const flagged = await hr.evaluate(() => [...document.querySelectorAll("#hr-employee-rows [data-flag]")].map((s) => s.dataset.flag + ":" + s.textContent));
  check(flagged.length === 1 && flagged[0].startsWith("DUPLICATE_IN_ROSTER:") && flagged[0].includes("多次"),
        "the first employee's row is flagged as duplicated, in words: " + flagged);
  check((await hr.textContent("#hr-employee-rows")).includes("张*") && !(await hr.textContent("#hr-employee-rows")).includes(idA),
        "employees shown masked");
  // The ZIP of ID scans: two match, the third row's scan is not in it.
  await hr.setInputFiles("#hr-zip", { name: "scans.zip", mimeType: "application/zip",
    buffer: zip([["scans/a.jpg", await canvasJpeg(hr, "ID A")], ["b.jpg", await canvasJpeg(hr, "ID B")]]) });
  await hr.waitForFunction(() => document.querySelector("#hr-zip-msg").dataset.attached !== undefined);
  const zipMsg = await hr.textContent("#hr-zip-msg");
  check((await hr.getAttribute("#hr-zip-msg", "data-attached")) === "2" && zipMsg.includes("第 4 行（c.jpg）：压缩包中缺少"),
        "ZIP of scans: two attached, the missing one named in words: " + zipMsg);
  await hr.waitForFunction(() => document.querySelector("#hr-employee-rows [data-flag=SCAN_MISSING]"));
  check((await hr.textContent("#hr-employee-rows")).includes("已有：身份证扫描件"), "employees show the attached scans");
  await hr.click("#lang");
  await hr.waitForFunction(() => document.querySelector("#hr-report-rows").textContent.includes("appears more than once"));
  await hr.waitForFunction(() => document.querySelector("#hr-employee-rows").textContent.includes("Collecting documents"));
  check(true, "the report and the employees follow the English switch");
  await hr.click("#lang");
  await hr.waitForFunction(() => document.querySelector("#hr-report-rows").textContent.includes("重复出现"));
  await hr.waitForFunction(() => document.querySelector("#hr-employee-rows").textContent.includes("资料收集中"));
  await run.shot(hr, "enterprise-2-report");
  await run.axe(hr, "enterprise: report and employees");

  // 2. Personal links; two employees upload their face photo on their own page.
  await hr.click("#hr-links");
  await hr.waitForFunction(() => document.querySelectorAll("#hr-employee-rows input.link-field").length === 3);
  const links = await hr.evaluate(() => [...document.querySelectorAll("#hr-employee-rows tr")].map((tr) => ({
    row: tr.firstChild.textContent, caseId: tr.dataset.case, url: tr.querySelector("input.link-field").value })));
  check(links.every((l) => l.url.startsWith(base + "/employee#case=" + l.caseId + "&token=")), "a personal link per employee");
  for (const [i, l] of links.slice(0, 2).entries()) {
    const emp = await ctx.newPage();
    // The page asks for a liveness challenge; this province's pipeline has no liveness step (409).
    run.watch(emp, "employee " + l.row, [/\/liveness\/challenge$/]);
    await emp.goto(l.url);
    await emp.waitForFunction(() => document.querySelector("#emp-status").dataset.status === "collecting");
    if (i === 0) {
      check((await emp.textContent("#emp-facts")).includes("2026-11"), "the employee's page shows the case");
      await run.shot(emp, "enterprise-3-employee");
      await run.axe(emp, "employee page");
    }
    await emp.setInputFiles("#emp-face", { name: "face.jpg", mimeType: "image/jpeg", buffer: await canvasJpeg(emp, "FACE " + l.row, 640, 800) });
    await emp.waitForFunction(() => document.querySelector("#emp-face-msg").classList.contains("good") &&
                                    document.querySelector("#emp-face-msg").textContent.includes("已上传，"));
    check(true, "employee of row " + l.row + " uploaded the face photo");
    await emp.close();
  }
  // A link with another case's token opens nothing.
  {
    const emp = await ctx.newPage();
    run.watch(emp, "employee (wrong token)", [/\/api\/v1\/cases\//]);
    const tokenB = new URLSearchParams(links[1].url.split("#")[1]).get("token");
    await emp.goto(base + "/employee#case=" + links[0].caseId + "&token=" + encodeURIComponent(tokenB));
    await emp.waitForFunction(() => document.querySelector("#emp-error").textContent.length > 0);
    check(!(await emp.textContent("#emp-facts")).includes("2026-11"), "another employee's token opens nothing: " + await emp.textContent("#emp-error"));
    await emp.close();
  }

  // 3. HR: progress, submission of the complete rows.
  await hr.click("#hr-refresh");
  await hr.waitForFunction(() => [...document.querySelectorAll("#hr-employee-rows tr")].filter((tr) => tr.dataset.complete === "true").length === 2);
  check(true, "HR sees two employees complete");
  await hr.click("#hr-submit");
  await hr.waitForFunction(() => document.querySelector("#hr-submit-msg").dataset.submitted !== undefined);
  check((await hr.getAttribute("#hr-submit-msg", "data-submitted")) === "2" && (await hr.textContent("#hr-submit-msg")).includes("1 名材料不全"),
        "submitted: " + await hr.textContent("#hr-submit-msg"));
  await hr.waitForFunction(() => [...document.querySelectorAll("#hr-employee-rows [data-flag]")].some((s) => s.dataset.flag === "INCOMPLETE_AT_SUBMISSION"));
  check(true, "the incomplete employee is flagged in words: " + await hr.textContent("#hr-employee-rows [data-flag=INCOMPLETE_AT_SUBMISSION]"));
  await run.shot(hr, "enterprise-4-submitted");
  // A second upload with a wrong header: listed first, refused with the reason in words.
  const firstBatch = await hr.inputValue("#hr-batch");
  await hr.setInputFiles("#hr-file", { name: "wrong.csv", mimeType: "text/csv", buffer: Buffer.from("工号,部门\r\n1,研发\r\n", "utf8") });
  await hr.click("#hr-upload");
  await hr.waitForFunction(() => document.querySelector("#hr-state").dataset.state === "failed", null, { timeout: 60000 });
  const failed = await hr.textContent("#hr-state");
  check(failed.includes("导入失败") && failed.includes("表头") && !failed.includes("ROSTER_"), "a wrong header fails the import, in words: " + failed);
  check(await hr.evaluate((first) => { const o = document.querySelector("#hr-batch").options; return o.length === 2 && o[0].value !== first && o[0].selected; }, firstBatch),
        "the new batch is listed first and shown");
  await hr.selectOption("#hr-batch", firstBatch);
  await hr.waitForFunction(() => document.querySelector("#hr-state").dataset.state === "submitted");

  // 4. Reviewer: the batch, its rows and flags, accept clean, a flagged case in the case view.
  const rev = await ctx.newPage();
  run.watch(rev, "reviewer");
  await rev.goto(base + "/staff");
  await rev.evaluate(() => sessionStorage.clear());
  await rev.fill("#user", "rev1");
  await rev.fill("#password", "Rev-Pass-2026!");
  await rev.click("#login-form button[type=submit]");
  await rev.waitForSelector("#queue:not([hidden])");
  await rev.click("#to-batches");
  await rev.waitForSelector("#b-rows tr[data-batch] a");
  check((await rev.textContent("#b-rows")).includes("页面测试科技有限公司"), "the reviewer lists the submitted batch");
  await rev.click("#b-rows tr[data-batch] a");
  await rev.waitForFunction(() => document.querySelectorAll("#b-case-rows tr").length === 3);
  // The clean case waits for review once the pipeline has run.
  const clean = links[1].caseId, dupCase = links[0].caseId;
  for (let i = 0; i < 120; i++) {
    if (await rev.evaluate((c) => { const tr = document.querySelector(`#b-case-rows tr[data-case="${c}"]`); return tr && tr.dataset.status === "pending_review"; }, clean)) break;
    await rev.click("#b-refresh");
    await rev.waitForTimeout(250);
  }
  const rows = await rev.evaluate(() => [...document.querySelectorAll("#b-case-rows tr")].map((tr) => ({
    c: tr.dataset.case, s: tr.dataset.status, f: tr.dataset.flagged, t: tr.textContent })));
  check(rows.find((r) => r.c === clean).s === "pending_review" && rows.find((r) => r.c === clean).t.includes("人工审核中"),
        "the clean case waits for review: " + JSON.stringify(rows.map((r) => [r.s, r.f])));
  check(rows.filter((r) => r.f === "true").length === 2 && rows.find((r) => r.c === dupCase).t.includes("多次"),
        "the duplicated and the incomplete rows are flagged, in words");
  await run.shot(rev, "enterprise-5-batch");
  await run.axe(rev, "enterprise: reviewer batch");
  await rev.check("#b-flagged");
  await rev.waitForFunction(() => [...document.querySelectorAll("#b-case-rows tr")].every((tr) => tr.dataset.flagged === "true") &&
                                  document.querySelectorAll("#b-case-rows tr").length === 2);
  check(true, "the flagged-only filter");
  await rev.uncheck("#b-flagged");
  await rev.waitForFunction(() => document.querySelectorAll("#b-case-rows tr").length === 3);
  await rev.click("#b-accept");
  await rev.waitForFunction(() => document.querySelector("#b-msg").dataset.accepted !== undefined);
  check((await rev.getAttribute("#b-msg", "data-accepted")) === "1", "accept clean approves the one clean case: " + await rev.textContent("#b-msg"));
  await rev.waitForFunction((c) => document.querySelector(`#b-case-rows tr[data-case="${c}"]`).dataset.status === "verified", clean);
  check(true, "the clean case is verified");
  await rev.click(`#b-case-rows tr[data-case="${dupCase}"] a`);
  await rev.waitForSelector("#case:not([hidden])");
  await rev.waitForFunction((c) => document.querySelector("#case-facts").textContent.includes(c), dupCase);
  await rev.waitForFunction(() => !document.querySelector("#approve").disabled);
  check(true, "the flagged case opens in the case view, ready for a decision");
  await rev.check("#r-IDENTITY_MISMATCH");
  await rev.click("#reject");
  await rev.waitForFunction(() => document.querySelector("#case-facts").dataset.decided === "reject");
  await rev.click("#back");
  await rev.waitForSelector("#batches:not([hidden])");
  await rev.waitForFunction((c) => document.querySelector(`#b-case-rows tr[data-case="${c}"]`)?.dataset.status === "rejected", dupCase);
  check(true, "back to the batch; the flagged case decided individually is rejected");
  // The employee sees the rejection and its reason in words (not the reviewer's code).
  {
    const emp = await ctx.newPage();
    run.watch(emp, "employee (rejected)");
    await emp.goto(links[0].url);
    await emp.waitForFunction(() => document.querySelector("#emp-status").dataset.status === "rejected" &&
                                    document.querySelector("#emp-reasons").textContent.length > 0);
    const why = await emp.textContent("#emp-reasons");
    check(why.includes("填报信息与证件不一致") && !why.includes("IDENTITY_MISMATCH"), "the employee reads the reason: " + why);
    await run.shot(emp, "enterprise-6-employee-rejected");
    await emp.close();
  }
  await run.finish();
} catch (e) {
  await run.finish(e);
}
