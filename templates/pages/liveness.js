// The liveness capture shared by the citizen page and the employee page: the server's challenge
// shown as large prompts with a countdown while the camera preview is recorded as MJPEG, then the
// clip uploaded with the challenge's nonce and the frame rate reached.
"use strict";
const ACTIONS = {
  blink: ["眨眨眼", "Blink"], turn_left: ["向左转头", "Turn your head left"],
  turn_right: ["向右转头", "Turn your head right"], nod: ["点点头", "Nod"],
  open_mouth: ["张张嘴", "Open your mouth"], smile: ["微笑", "Smile"],
};
function sleep(ms) { return new Promise((r) => setTimeout(r, ms)); }
// Records `seconds` of the preview as JPEG frames at up to `fps`; returns the clip and the frame
// rate actually reached (a slow phone records fewer frames, and the server must know).
async function recordMjpeg(video, seconds, fps) {
  const c = document.createElement("canvas");
  c.width = video.videoWidth || 640; c.height = video.videoHeight || 480;
  const g = c.getContext("2d");
  const parts = [];
  const t0 = performance.now(), end = t0 + seconds * 1000;
  for (let i = 0; performance.now() < end; i++) {
    g.drawImage(video, 0, 0, c.width, c.height);
    parts.push(await new Promise((res) => c.toBlob(res, "image/jpeg", 0.85)));
    const wait = t0 + ((i + 1) * 1000) / fps - performance.now();
    if (wait > 0) await sleep(wait);
  }
  const elapsed = (performance.now() - t0) / 1000;
  return { blob: new Blob(parts, { type: "video/x-motion-jpeg" }),
           fps: Math.min(fps, Math.max(1, Math.round((parts.length / elapsed) * 10) / 10)) };
}
// Counts down, prompts each action in turn while one clip records (kept under the rules' longest
// clip: 6 s by default for three actions), uploads it; resolves to the upload's api() result.
async function recordChallenge(challenge, video, promptEl, countdownEl, token) {
  for (let i = 3; i > 0; i--) { countdownEl.textContent = String(i); await sleep(1000); }
  countdownEl.textContent = "";
  const per = 1.6, lead = 0.5, fps = 15;
  const rec = recordMjpeg(video, lead + per * challenge.actions.length, fps);
  await sleep(lead * 1000);
  for (const a of challenge.actions) {
    const p = ACTIONS[a] || [a, a];
    promptEl.textContent = msg(p[0], p[1]);
    await sleep(per * 1000);
  }
  promptEl.textContent = msg("请保持不动", "Hold still");
  const clip = await rec;
  promptEl.textContent = msg("正在上传…", "Uploading…");
  const up = await api("PUT", challenge.upload + "&fps=" + clip.fps, clip.blob,
                       { token, headers: { "Content-Type": "video/x-motion-jpeg" } });
  promptEl.textContent = "";
  return up;
}
