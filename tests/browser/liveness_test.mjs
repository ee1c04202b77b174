// The citizen's liveness step in Debian chromium with a fake camera fed from generated clips
// (browser_liveness_clip: the face of astronaut.png performing the actions, made with the face
// plugins' test kit). The test host sets testing.predictable_liveness_challenge (accepted only with
// --allow-testing), so the challenge is the rule's first actions, blink then turn_left, which the
// clip performs. A live clip passes and the case is verified; a static-photo clip is refused and
// the status page shows the verifier's advice.
//
// node liveness_test.mjs --host BIN --ctl BIN --plugins DIR --config FILE --clip-tool BIN --out DIR
import { spawnSync } from "node:child_process";
import path from "node:path";
import { Run, parseArgs, withCheck, canvasJpeg } from "./harness.mjs";

const run = new Run(parseArgs(["host", "ctl", "plugins", "config", "clip-tool", "out"]), "liveness");
const check = run.check.bind(run);
const expectedFailures = [/\/load$/];

// Open a case in liveprov up to the liveness step; returns the page.
async function upToLiveness(browser, idNumber, shotPrefix) {
  const ctx = await run.context(browser, { permissions: ["camera"] });
  const page = await ctx.newPage();
  run.watch(page, shotPrefix, expectedFailures);
  await page.goto(run.base + "/");
  await page.waitForSelector("#province option[value=liveprov]", { state: "attached" });
  await page.selectOption("#province", "liveprov");
  await page.waitForSelector("#session option[value='2026-11']", { state: "attached" });
  await page.check("#consent");
  await page.click("#to-identity");
  await page.fill("#name", "张三");
  await page.fill("#idnum", idNumber);
  await page.fill("#phone", "13800138000");
  await page.click("#open-case");
  await page.waitForSelector("#step-docs:not([hidden])");
  await page.setInputFiles("#front", { name: "front.jpg", mimeType: "image/jpeg", buffer: await canvasJpeg(page, "居民身份证 front") });
  await page.waitForFunction(() => document.querySelector("#front-msg").classList.contains("good"));
  await page.setInputFiles("#back", { name: "back.jpg", mimeType: "image/jpeg", buffer: await canvasJpeg(page, "居民身份证 back") });
  await page.waitForFunction(() => !document.querySelector("#to-liveness").disabled);
  const challenge = page.waitForResponse((r) => r.url().endsWith("/liveness/challenge"));
  await page.click("#to-liveness");
  const body = await (await challenge).json();
  check(JSON.stringify(body.actions) === '["blink","turn_left"]', "the test host's challenge is the rule's first actions: " + JSON.stringify(body.actions));
  await page.waitForSelector("#step-liveness:not([hidden])");
  return page;
}

// Starts the capture; resolves when the status page shows a final status.
async function capture(page, shotPrefix) {
  const upload = page.waitForResponse((r) => r.url().includes("/documents/liveness-video"), { timeout: 60000 });
  await page.click("#start-liveness");
  await page.waitForFunction(() => document.querySelector("#prompt").textContent.length > 0 &&
                                   document.querySelector("#preview").videoWidth > 0, null, { timeout: 20000 });
  await run.shot(page, shotPrefix + "-capture");
  const up = await upload;
  const stored = await up.json();
  check(up.status() === 200 && stored.size > 0, "clip uploaded (" + up.status() + ", " + stored.size + " bytes, " +
        new URL(up.url()).searchParams.get("fps") + " fps)");
  await page.waitForSelector("#step-status:not([hidden])", { timeout: 30000 });
  await page.waitForFunction(() => ["verified", "rejected", "pending_review"].includes(document.querySelector("#status-text").dataset.status),
                             null, { timeout: 180000 });
  return page.evaluate(() => document.querySelector("#status-text").dataset.status);
}

try {
  // The testing switch is refused without --allow-testing.
  {
    const r = spawnSync(run.args.host, ["--config", run.args.config, "--listen", "127.0.0.1:0", "--data-dir", run.work,
                                        "--plugin-dir", run.args.plugins, "--database", run.db], { encoding: "utf8", timeout: 60000 });
    check(r.status === 2 && r.stderr.includes("testing.predictable_liveness_challenge") && r.stderr.includes("--allow-testing"),
          "a host without --allow-testing refuses the predictable challenge (exit " + r.status + ")");
  }

  const live = path.join(run.work, "live.y4m"), still = path.join(run.work, "static.y4m");
  run.cleanup.push(live, still);
  const gen = spawnSync(run.args["clip-tool"], ["--live", live, "--actions", "blink,turn_left", "--static", still], { encoding: "utf8" });
  if (gen.status !== 0) throw new Error("browser_liveness_clip failed: " + gen.stdout + gen.stderr);
  process.stdout.write(gen.stdout);

  try {
    await run.startHost(["--allow-testing"]);
  } catch (e) {
    // The liveness plugin needs the face descriptor model that scripts/fetch-face-model.sh fetches.
    if (String(e.message).includes("fetch-face-model.sh")) {
      console.log("SKIP the face model is not fetched (scripts/fetch-face-model.sh)");
      process.exit(77);
    }
    throw e;
  }
  const camera = (file) => ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream", "--use-file-for-fake-video-capture=" + file];

  // A live face doing the actions: passes, verified at once (auto_when_all_pass).
  {
    const browser = await run.launch(camera(live));
    const page = await upToLiveness(browser, withCheck("11010119900307123"), "liveness-live");
    await run.axe(page, "citizen: liveness");
    const status = await capture(page, "liveness-live");
    const reasons = await page.textContent("#status-reasons");
    check(status === "verified", "a live clip performing the challenge is verified (status " + status + (reasons ? "; " + reasons : "") + ")");
    check(!(await page.isHidden("#ticket")), "the admission-ticket link is shown");
    await run.shot(page, "liveness-live-status");

    // An enterprise employee records the clip on the employee page (personal link from HR).
    run.ctl(["enterprise", "add", "--province", "liveprov", "--id", "acme", "--name", "活体测试企业",
             "--credit-code", "91110105MA01ABCD13", "--valid-from", "2020-01-01", "--valid-until", "2099-12-31"]);
    run.addUser("hr1", "liveprov", "enterprise_hr", "Hr-Pass-2026!", ["--enterprise", "acme"]);
    const call = async (method, p, token, body, type) => {
      const r = await fetch(run.base + p, { method, headers: { Authorization: "Bearer " + token, ...(type ? { "Content-Type": type } : {}) }, body });
      return { status: r.status, body: await r.json() };
    };
    const hr = (await call("POST", "/api/v1/auth/login", "", JSON.stringify({ username: "hr1", password: "Hr-Pass-2026!" }), "application/json")).body.token;
    const ENT = "/api/v1/channels/enterprise/batches";
    const up = await call("POST", ENT, hr, "姓名,身份证号,手机号,考试场次\r\n李四," + withCheck("11010119880808123") + ",13900139000,2026-11\r\n", "text/csv");
    let batch = {};
    for (let i = 0; i < 200 && !["ready", "failed"].includes(batch.state); i++) {
      await new Promise((r) => setTimeout(r, 100));
      batch = (await call("GET", ENT + "/" + up.body.batch_id, hr)).body;
    }
    const emp = (await call("GET", ENT + "/" + up.body.batch_id + "/employees?links=true", hr)).body.employees[0];
    // A browser of its own: the fake camera plays the clip from its start for the first capture only.
    const ectx = await run.context(await run.launch(camera(live)), { permissions: ["camera"] });
    const epage = await ectx.newPage();
    run.watch(epage, "employee liveness");
    await epage.goto(run.base + "/employee#case=" + emp.case_id + "&token=" + encodeURIComponent(emp.token));
    await epage.waitForSelector("#emp-live:not([hidden])");
    await run.axe(epage, "employee: liveness");
    const clip = epage.waitForResponse((r) => r.url().includes("/documents/liveness-video"), { timeout: 60000 });
    await epage.click("#emp-live-start");
    await epage.waitForFunction(() => document.querySelector("#emp-prompt").textContent.length > 0, null, { timeout: 20000 });
    await run.shot(epage, "employee-liveness-capture");
    check((await clip).status() === 200, "the employee's clip uploaded from the employee page");
    await epage.waitForFunction(() => document.querySelector("#emp-live-msg").classList.contains("good"));
    const progress = (await call("GET", ENT + "/" + up.body.batch_id + "/employees", hr)).body.employees[0];
    check(progress.liveness === true && progress.complete === true, "HR sees the employee complete (liveness clip)");
    const sub = await call("POST", ENT + "/" + up.body.batch_id + "/submit", hr);
    check(sub.status === 202 && sub.body.submitted === 1, "HR submits the employee");
    for (let i = 0; i < 240; i++) {
      await epage.click("#emp-refresh");
      if (["verified", "rejected", "pending_review"].includes(await epage.getAttribute("#emp-status", "data-status"))) break;
      await epage.waitForTimeout(500);
    }
    check((await epage.getAttribute("#emp-status", "data-status")) === "verified",
          "the employee's live clip is verified: " + await epage.textContent("#emp-status"));
    await ectx.close();
  }

  // A photo held up to the camera: refused, with the verifier's advice on the status page.
  {
    const browser = await run.launch(camera(still));
    const page = await upToLiveness(browser, withCheck("11010119850611234"), "liveness-static");
    const status = await capture(page, "liveness-static");
    const reasons = await page.textContent("#status-reasons");
    check(status === "rejected", "a static-photo clip is refused (status " + status + ")");
    check(reasons.includes("静态照片") && reasons.includes("请本人现场录制"),
          "the status page shows why and what to do: " + reasons);
    await run.axe(page, "citizen: status rejected");
    await run.shot(page, "liveness-static-status");
    // Another attempt (补实名) from the status page: a new case with the same details.
    const first = await page.evaluate(() => S.caseId);
    await page.click("#retry");
    await page.waitForSelector("#step-identity:not([hidden])");
    await page.click("#open-case");
    await page.waitForSelector("#step-docs:not([hidden])");
    const second = await page.evaluate(() => S.caseId);
    check(second && second !== first, "retry opens a new attempt (" + first + " -> " + second + ")");
    // The recorded frame rate the page reports must be plausible.
    const token = await page.evaluate(() => S.token);
    for (const fps of ["0", "500", "x"]) {
      const r = await fetch(run.base + "/api/v1/cases/" + second + "/documents/liveness-video?nonce=n&fps=" + fps,
                            { method: "PUT", headers: { Authorization: "Bearer " + token, "Content-Type": "video/x-motion-jpeg" }, body: "x" });
      const b = await r.json();
      check(r.status === 400 && b.error.code === "FPS_INVALID", "fps=" + fps + " refused (" + r.status + " " + b.error.code + ")");
    }
  }
  await run.finish();
} catch (e) {
  await run.finish(e);
}
