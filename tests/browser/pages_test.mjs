// Citizen and staff pages in Debian chromium (headless, playwright-core) against the real
// shiming-host on loopback: the citizen opens a case (consent, live ID-number check, ID photos),
// submits; a reviewer logs in, finds the case in the queue, sees the evidence images and
// approves; the citizen's status page then shows "verified" and the admission-ticket link; an
// admin sees the loaded plugins and the effective rules. Screenshots at 360 px and 1280 px,
// no console errors, axe-core: no serious or critical violations.
//
// node pages_test.mjs --host BIN --ctl BIN --plugins DIR --config FILE --out DIR
import { Run, parseArgs, withCheck, canvasJpeg } from "./harness.mjs";

const run = new Run(parseArgs(["host", "ctl", "plugins", "config", "out"]), "pages");
const check = run.check.bind(run);
const shot = run.shot.bind(run);
const axe = run.axe.bind(run);
// Failed loads the test provokes or the pages expect: the deliberately wrong password (401), the
// optional load endpoint (may be absent), the 409 LIVENESS_NOT_REQUIRED that steers the flow.
const expectedFailures = [/\/load$/, /\/liveness\/challenge$/, /\/auth\/login$/];

try {
  const base = await run.startHost();
  run.addUser("rev1", "testprov", "reviewer", "Review-Pass-2026!");
  run.addUser("adm1", "testprov", "admin", "Admin-Pass-2026!");

  // Static route: content types, cache headers, refusals.
  {
    const idx = await fetch(base + "/");
    check(idx.status === 200 && idx.headers.get("content-type").startsWith("text/html"), "GET / is HTML");
    check(idx.headers.get("cache-control") === "no-cache", "GET / is revalidated (no-cache)");
    const js = await fetch(base + "/static/citizen.js");
    check(js.status === 200 && js.headers.get("content-type").startsWith("text/javascript"), "script content type");
    check((js.headers.get("cache-control") || "").includes("max-age"), "script is cacheable");
    for (const bad of ["/static/..%2fhost.yaml", "/static/%2e%2e/%2e%2e/etc/passwd", "/static/nothing.js", "/static/index.html"]) {
      const r = await fetch(base + bad);
      check(r.status === 400 || r.status === 404, "refused " + bad + " (" + r.status + ")");
    }
  }

  const browser = await run.launch();
  const ctx = await run.context(browser);
  const page = await ctx.newPage();
  run.watch(page, "citizen", expectedFailures);

  // 1. Province, session, reasons, consent.
  await page.goto(base + "/");
  await page.waitForSelector("#province option[value=testprov]", { state: "attached" });
  await page.selectOption("#province", "testprov");
  await page.waitForSelector("#session option[value='2026-11']", { state: "attached" });
  await shot(page, "citizen-1-choose");
  await axe(page, "citizen: choose");
  await page.click("#to-identity");
  check((await page.textContent("#choose-error")).includes("同意"), "consent is required before going on");
  await page.check("#consent");
  await page.click("#to-identity");
  await page.waitForSelector("#step-identity:not([hidden])");

  // English switch and back.
  await page.click("#lang");
  check((await page.textContent("#h-identity")) === "Your details", "English switch");
  await page.click("#lang");
  check((await page.textContent("#h-identity")) === "填写身份信息", "back to Chinese");

  // 2. Identity with the live check-character message.
  const id = withCheck("11010119900307123");
  const wrong = id.slice(0, 17) + (id[17] === "0" ? "1" : "0");
  await page.fill("#name", "张三");
  await page.fill("#idnum", wrong);
  check((await page.textContent("#idnum-msg")).includes("校验码"), "wrong check character is reported as typed");
  await page.fill("#idnum", id.slice(0, 10));
  check((await page.textContent("#idnum-msg")).includes("还需输入 8 位"), "a short number says how many are missing");
  await page.fill("#idnum", id);
  check((await page.textContent("#idnum-msg")).includes("正确"), "valid number accepted as typed");
  await page.fill("#phone", "13800138000");
  await shot(page, "citizen-2-identity");
  await axe(page, "citizen: identity");
  const opened = page.waitForResponse((r) => r.url().endsWith("/api/v1/provinces/testprov/cases") && r.request().method() === "POST");
  await page.click("#open-case");
  const openedBody = await (await opened).json();
  check(openedBody.consent && openedBody.consent.text_version === "2026-1" && /^\d{4}-\d\d-\d\dT/.test(openedBody.consent.given_at),
        "consent recorded with its text version and time: " + JSON.stringify(openedBody.consent));
  await page.waitForSelector("#step-docs:not([hidden])");

  // 3. ID card photos (JPEGs drawn by the browser itself).
  const jpeg = (label) => canvasJpeg(page, label);
  await page.setInputFiles("#front", { name: "front.jpg", mimeType: "image/jpeg", buffer: await jpeg("居民身份证 front") });
  await page.waitForFunction(() => document.querySelector("#front-msg").classList.contains("good"));
  await page.setInputFiles("#back", { name: "back.jpg", mimeType: "image/jpeg", buffer: await jpeg("居民身份证 back") });
  await page.waitForFunction(() => !document.querySelector("#to-liveness").disabled);
  check((await page.textContent("#front-msg")).includes("已上传"), "upload feedback shown");
  await shot(page, "citizen-3-docs");
  await axe(page, "citizen: documents");
  const caseId = await page.evaluate(() => JSON.parse(sessionStorage.getItem("case")).caseId);

  // 4. No liveness in this province's rules: submitted straight away; status page.
  await page.click("#to-liveness");
  await page.waitForSelector("#step-status:not([hidden])");
  await page.waitForFunction(() => document.querySelector("#status-text").dataset.status === "pending_review", null, { timeout: 30000 });
  check((await page.textContent("#status-next")).includes("预计"), "pending review shows the expected date");
  await shot(page, "citizen-4-status-pending");
  await axe(page, "citizen: status");

  // 5. Reviewer: login, queue, case with evidence images (no-store), approve.
  const staff = await ctx.newPage();
  run.watch(staff, "staff", expectedFailures);
  await staff.goto(base + "/staff");
  await shot(staff, "staff-1-login");
  await axe(staff, "staff: login");
  await staff.fill("#user", "rev1");
  await staff.fill("#password", "wrong-password");
  await staff.click("#login-form button[type=submit]");
  await staff.waitForFunction(() => document.querySelector("#login-error").textContent.length > 0);
  check(true, "wrong password refused: " + (await staff.textContent("#login-error")));
  await staff.fill("#password", "Review-Pass-2026!");
  await staff.click("#login-form button[type=submit]");
  await staff.waitForSelector("#queue:not([hidden])");
  await staff.waitForSelector(`#queue-rows a:text("${caseId}")`);
  await shot(staff, "staff-2-queue");
  await axe(staff, "staff: queue");
  const evidence = staff.waitForResponse((r) => r.url().includes("/evidence/id-front"));
  await staff.click(`#queue-rows a:text("${caseId}")`);
  const ev = await evidence;
  check(ev.status() === 200 && ev.headers()["cache-control"] === "no-store", "evidence image served with no-store");
  await staff.waitForSelector("#evidence img[alt=id-back]");
  check((await staff.textContent("#case-facts")).includes("*"), "identity is masked in the case view");
  await shot(staff, "staff-3-case");
  await axe(staff, "staff: case");
  // The language switch re-renders the case without a reload; a reason ticked so far stays ticked.
  const firstReason = await staff.getAttribute("#reasons input", "value");
  await staff.check("#r-" + firstReason);
  await staff.click("#lang");
  await staff.waitForFunction(() => document.querySelector("#case-facts").textContent.includes("Status") &&
                              !/[\u4e00-\u9fff]/.test(document.querySelector("#reasons label").textContent));
  check((await staff.textContent("#who")).includes("Reviewer") && await staff.isChecked("#r-" + firstReason),
        "the reviewer's case follows the English switch and keeps the ticked reason: " + await staff.textContent("#reasons label"));
  await staff.uncheck("#r-" + firstReason);
  await staff.click("#lang");
  await staff.waitForFunction(() => document.querySelector("#case-facts").textContent.includes("状态") &&
                              /[\u4e00-\u9fff]/.test(document.querySelector("#reasons label").textContent));
  await staff.click("#approve");
  await staff.waitForFunction(() => document.querySelector("#case-facts").dataset.decided === "approve");
  check((await staff.textContent("#audit")).includes("verified"), "audit history lists the decision");

  // 6. Citizen status: verified with the ticket link.
  await page.click("#refresh");
  await page.waitForFunction(() => document.querySelector("#status-text").dataset.status === "verified");
  const href = await page.getAttribute("#ticket", "href");
  check(!(await page.isHidden("#ticket")) && /\/api\/v1\/candidates\/[^/]+\/sessions\/2026-11\/admission-ticket$/.test(href),
        "verified status shows the admission-ticket link " + href);
  await shot(page, "citizen-5-status-verified");

  // 7. Admin: loaded plugins and effective rules.
  await staff.click("#logout");
  await staff.waitForSelector("#login:not([hidden])");
  await staff.fill("#user", "adm1");
  await staff.fill("#password", "Admin-Pass-2026!");
  await staff.click("#login-form button[type=submit]");
  await staff.waitForSelector("#admin:not([hidden])");
  await staff.waitForSelector("#plugin-rows td:text('id_number')");
  await staff.waitForFunction(() => document.querySelector("#rules-json").textContent.includes("online"));
  check(true, "admin page lists plugins and the effective rules");
  await shot(staff, "staff-4-admin");
  await axe(staff, "staff: admin");

  await run.finish();
} catch (e) {
  await run.finish(e);
}
