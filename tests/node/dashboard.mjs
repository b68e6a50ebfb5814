// The dashboard in a real browser: Debian's Chromium, headless, driven by puppeteer-core
// against the pjm serve that tests/cli/dashboard_test.sh started with real jobs. It checks what
// an operator sees against what the API answers (real HTTP, the same credentials), that a new
// event shows within 2 s, and that hostile job data stays text. Prints "ok N checks" or the
// failures, exits 1 on any. Screenshots of each page go to $SHOTS.
//
// Environment: BASE (http://127.0.0.1:PORT), API (BASE/actors/v2/ACTOR), BEARER (a message
// credential), VIEWER (a viewer credential), HOSTILE (the job with hostile data), LIVE and
// LIVE_TOKEN (a RUNNING job and its token, sent events during the test), QUIET and QUIET_TOKEN
// (an old CREATED job, run during the test), LONG (a job with 5,201 events), TOTAL (jobs in the database), DB_FIRST (the
// database's 25 most recently updated jobs, as pjm list reads them), SHOTS (folder for
// screenshots), CHROMIUM (the browser).
import puppeteer from "puppeteer-core";

const env = process.env;
const failures = [];
let checks = 0;
function check(ok, what) {
  checks++;
  if (!ok) failures.push(what);
}

async function apiGet(path) {
  const r = await fetch(env.API + path, {headers: {Authorization: "Bearer " + env.VIEWER}});
  const body = await r.json();
  if (!r.ok) throw new Error(path + ": " + r.status + " " + body.message);
  return body.result;
}

async function sendEvent(name, data, uuid = env.LIVE, token = env.LIVE_TOKEN) {
  const r = await fetch(env.API + "/messages", {
    method: "POST",
    headers: {Authorization: "Bearer " + env.BEARER, "Content-Type": "application/json"},
    body: JSON.stringify({uuid, name, token, data}),
  });
  if (r.status !== 200) throw new Error("sending " + name + ": " + r.status + " " + (await r.text()));
}

// Opens a job's page and waits until it is that job's (a hash change keeps the page before
// it on screen until the new one is ready).
async function openJob(page, uuid) {
  await page.goto(env.BASE + "/ui/#/job/" + uuid, {waitUntil: "networkidle0"});
  await page.waitForFunction(
    (u) => document.querySelector("h1 code")?.textContent === u.slice(0, 8) &&
           document.querySelector("#fields"), {timeout: 10000}, uuid);
}

const rowsOf = (page) =>
  page.$$eval("#jobs-table tbody tr[data-uuid]", (rs) => rs.map((r) => r.dataset.uuid));

async function waitForRows(page, expected, what) {
  try {
    await page.waitForFunction(
      (want) => JSON.stringify([...document.querySelectorAll("#jobs-table tbody tr[data-uuid]")]
                                 .map((r) => r.dataset.uuid)) === want,
      {timeout: 5000}, JSON.stringify(expected));
    check(true, what);
  } catch (e) {
    check(false, what + ": the table shows " + JSON.stringify(await rowsOf(page)) + ", the API " +
                 JSON.stringify(expected));
  }
}

const browser = await puppeteer.launch({
  executablePath: env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-dev-shm-usage"],
});
try {
  const page = await browser.newPage();
  await page.setViewport({width: 1280, height: 800});
  const consoleErrors = [];
  page.on("console", (m) => { if (m.type() === "error") consoleErrors.push(m.text()); });
  page.on("pageerror", (e) => consoleErrors.push(String(e)));
  const dialogs = [];
  page.on("dialog", async (d) => { dialogs.push(d.message()); await d.dismiss(); });

  // --- the page itself: headers, and a sign-in that refuses a wrong credential
  const first = await page.goto(env.BASE + "/ui/", {waitUntil: "networkidle0"});
  const h = first.headers();
  check(/script-src 'self'/.test(h["content-security-policy"] || "") &&
        !/unsafe-inline/.test(h["content-security-policy"]), "a strict Content-Security-Policy");
  check(h["x-content-type-options"] === "nosniff", "X-Content-Type-Options: nosniff");
  await page.waitForSelector("#sign-in");
  await page.type("#credential", "not-a-credential-of-this-manager");
  await page.click("#sign-in button[type=submit]");
  await page.waitForFunction(() => document.querySelector("#sign-in-error")?.textContent.length > 0,
                             {timeout: 5000});
  check(await page.$("#jobs-table") === null, "a wrong credential shows no jobs");
  check(!page.url().includes("not-a-credential"), "the credential is not in the URL");

  // --- the jobs table is exactly the API's first page, and the counts its totals
  await page.type("#credential", env.VIEWER);
  await page.click("#sign-in button[type=submit]");
  await page.waitForSelector("#jobs-table tbody tr[data-uuid]");
  const firstPage = await apiGet("/jobs?limit=25");
  await waitForRows(page, env.DB_FIRST.split(","), "the table shows the database's newest 25 jobs");
  check(JSON.stringify(firstPage.map((j) => j.uuid)) === JSON.stringify(env.DB_FIRST.split(",")),
        "the jobs route's first page is the database's");
  const counts = await apiGet("/jobs/counts");
  check(counts.total === Number(env.TOTAL), "the API counts every job (" + counts.total + ")");
  const shownTotal = await page.$eval("#counts .count .n", (n) => n.textContent);
  check(shownTotal === String(env.TOTAL), "the page counts " + shownTotal + " jobs of " + env.TOTAL);
  const failedShown = await page.$eval("#counts [data-state=FAILED] .n", (n) => n.textContent);
  check(failedShown === String(counts.counts.FAILED), "the FAILED count agrees");
  const stored = await page.evaluate(() => ({local: JSON.stringify(localStorage),
                                             cookie: document.cookie}));
  check(!stored.local.includes(env.VIEWER) && !stored.cookie.includes(env.VIEWER),
        "the credential is kept in neither localStorage nor a cookie");
  await page.screenshot({path: env.SHOTS + "/jobs.png"});

  // --- paging: the Older link is the API's next page by its cursor, Newer comes back
  await page.click("#older");
  const last = firstPage[firstPage.length - 1];
  const second = await apiGet("/jobs?limit=25&cursor=" + encodeURIComponent(last.updated + "," + last.uuid));
  await waitForRows(page, second.map((j) => j.uuid), "Older shows the API's second page");
  await page.click("#newer");
  await waitForRows(page, firstPage.map((j) => j.uuid), "Newer comes back to the first page");

  // --- filters agree with the route's
  await page.select("#f-state", "FAILED");
  await page.click("#filters button[type=submit]");
  const failed = await apiGet("/jobs?state=FAILED&limit=25");
  await waitForRows(page, failed.map((j) => j.uuid), "the FAILED filter shows the API's FAILED jobs");
  check(failed.length > 0, "there are FAILED jobs to show");
  const pipelines = await apiGet("/pipelines");
  const other = pipelines.find((p) => p.name === "other-pipeline");
  await page.select("#f-state", "");
  await page.select("#f-pipeline", other.uuid);
  await page.click("#filters button[type=submit]");
  const ofOther = await apiGet("/jobs?limit=25&pipeline=" + other.uuid);
  await waitForRows(page, ofOther.map((j) => j.uuid), "the pipeline filter agrees with the API");

  // --- live: an event sent now shows in the table within 2 s, the filter and scroll kept
  await page.goto(env.BASE + "/ui/#/jobs", {waitUntil: "networkidle0"});
  await page.waitForSelector("#jobs-table tbody tr[data-uuid]");
  await page.setViewport({width: 1280, height: 500});
  await page.evaluate(() => window.scrollTo(0, 120));
  const scrolled = await page.evaluate(() => window.scrollY);
  // A CREATED job far down the list runs: it comes first, RUNNING.
  check(!(await rowsOf(page)).includes(env.QUIET), "the quiet job is not on the first page yet");
  let t0 = Date.now();
  await sendEvent("run", {step: "live-table"}, env.QUIET, env.QUIET_TOKEN);
  try {
    await page.waitForFunction(
      (uuid) => document.querySelector("#jobs-table tbody tr")?.dataset.uuid === uuid &&
                document.querySelector("#jobs-table tbody tr .state").textContent === "RUNNING",
      {timeout: 2000, polling: 50}, env.QUIET);
    check(true, "live table");
  } catch (e) {
    check(false, "the jobs table did not show the new event within 2 s");
  }
  const tableMs = Date.now() - t0;
  check(await page.evaluate(() => window.scrollY) === scrolled, "the live update kept the scroll");
  await page.setViewport({width: 1280, height: 800});

  // --- the job page: every field, the whole history, the lifecycle, the executions
  await openJob(page, env.LIVE);
  const live = await apiGet("/jobs/" + env.LIVE + "?history=1000");
  const entries = await page.$$eval("#timeline li", (li) => li.map((x) => x.dataset.event));
  check(entries.length === live.event_count && live.event_count > 100,
        "the job page shows the whole history: " + entries.length + " of " + live.event_count);
  check(JSON.stringify(entries.slice(-live.history.length)) ===
        JSON.stringify(live.history.map((e) => e.name)), "the history in order");
  const current = await page.$eval("#lifecycle g.current title", (t) => t.textContent).catch(() => "");
  check(current === live.state, "the lifecycle picture highlights " + live.state + " (" + current + ")");
  const next = await page.$$eval("#next-events code", (c) => c.map((x) => x.textContent));
  check(next.includes("finish") && next.includes("fail") && !next.includes("validate"),
        "the events a RUNNING job can take: " + next.join(","));
  check((await page.$$("section tr[data-execution]")).length > 0, "the job's executions are listed");
  await page.screenshot({path: env.SHOTS + "/job.png", fullPage: false});
  t0 = Date.now();
  await sendEvent("update", {step: "live-job"});
  try {
    await page.waitForFunction((n) => document.querySelectorAll("#timeline li").length === n,
                               {timeout: 2000, polling: 50}, entries.length + 1);
    check(true, "live job");
  } catch (e) {
    check(false, "the job page did not show the new event within 2 s");
  }
  const jobMs = Date.now() - t0;

  // --- a long history: the newest 5,000 first, the rest on asking, states from the start
  await openJob(page, env.LONG);
  const longJob = await apiGet("/jobs/" + env.LONG + "?history=0");
  let shownLong = await page.$$eval("#timeline li", (li) => li.length);
  check(shownLong === 5000 && longJob.event_count === 5201,
        "a 5,201-event job shows its newest 5,000 first (" + shownLong + ")");
  check(await page.$eval("#older-events", (b) => b.textContent) === "Show 201 older events",
        "a button offers the older events");
  await page.click("#older-events");
  await page.waitForFunction(() => document.querySelectorAll("#timeline li").length === 5201,
                             {timeout: 10000}).catch(() => null);
  shownLong = await page.$$eval("#timeline li", (li) => li.length);
  check(shownLong === 5201, "then the whole history (" + shownLong + ")");
  check(await page.$("#older-events") === null, "and no more button");
  const firstState = await page.$eval("#timeline li .state", (s) => s.textContent);
  check(firstState === "CREATED", "with the states replayed from the create event (" + firstState + ")");

  // --- hostile data is shown as text and runs nothing
  await openJob(page, env.HOSTILE);
  await page.$$eval("details", (ds) => ds.forEach((d) => { d.open = true; }));
  const text = await page.$eval("main", (m) => m.textContent);
  check(text.includes("<script>window.__pwned=1</script>"), "the script tag shows as text");
  check(text.includes('onerror=\\"window.__pwned=2'), "the attribute breaker shows as text");
  check(text.includes("<img src=x onerror=window.__pwned=3>"), "the img tag shows as text");
  const pwned = await page.evaluate(() => window.__pwned);
  check(pwned === undefined, "no hostile script ran (window.__pwned = " + pwned + ")");
  check(dialogs.length === 0, "no dialog opened");
  const scripts = await page.$$eval("script", (s) => s.map((x) => x.getAttribute("src")));
  check(JSON.stringify(scripts) === JSON.stringify(["app.js"]), "the only script is app.js: " + scripts);
  check((await page.$$("main img, main [onerror], main iframe")).length === 0, "no element from the data");
  await page.screenshot({path: env.SHOTS + "/hostile.png"});

  // --- keyboard: Tab reaches a job link, Enter opens it
  await page.goto(env.BASE + "/ui/#/jobs", {waitUntil: "networkidle0"});
  await page.waitForSelector("#jobs-table tbody tr[data-uuid]");
  await page.evaluate(() => document.activeElement?.blur());
  let reached = false;
  for (let i = 0; i < 60 && !reached; i++) {
    await page.keyboard.press("Tab");
    reached = await page.evaluate(() => document.activeElement?.classList.contains("uuid"));
  }
  check(reached, "Tab reaches a job link");
  if (reached) {
    await page.keyboard.press("Enter");
    await page.waitForSelector("#timeline", {timeout: 5000}).catch(() => null);
    check(page.url().includes("#/job/"), "Enter opens the job");
  }

  // --- executions and health
  await page.goto(env.BASE + "/ui/#/executions", {waitUntil: "networkidle0"});
  await page.waitForFunction(() => document.querySelector("h1")?.textContent === "Executions" &&
                                   document.querySelector("tr[data-execution]"), {timeout: 10000});
  const execs = await apiGet("/executions?limit=50");
  const shown = await page.$$eval("tr[data-execution]", (r) => r.map((x) => x.dataset.execution));
  check(JSON.stringify(shown) === JSON.stringify(execs.executions.map((e) => e.id)),
        "the executions page lists the API's executions");
  await page.screenshot({path: env.SHOTS + "/executions.png"});
  await page.goto(env.BASE + "/ui/#/health", {waitUntil: "networkidle0"});
  await page.waitForSelector("#chart-outcomes rect");
  check((await page.$eval("#health-status", (s) => s.textContent)).includes("healthy"),
        "the health page says healthy");
  check((await page.$$("#chart-handling rect")).length > 3, "a chart of handling times");
  await page.screenshot({path: env.SHOTS + "/health.png"});

  // --- a phone, and the dark scheme
  await page.setViewport({width: 390, height: 844, isMobile: true, hasTouch: true});
  await page.goto(env.BASE + "/ui/#/jobs", {waitUntil: "networkidle0"});
  await page.waitForSelector("#jobs-table tbody tr[data-uuid]");
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  check(overflow <= 0, "nothing wider than a phone's screen (" + overflow + " px over)");
  await page.screenshot({path: env.SHOTS + "/jobs-phone.png"});
  await page.setViewport({width: 1280, height: 800});
  await page.emulateMediaFeatures([{name: "prefers-color-scheme", value: "dark"}]);
  await openJob(page, env.LIVE);
  const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  check(bg === "rgb(18, 21, 27)", "the dark scheme applies (" + bg + ")");
  await page.screenshot({path: env.SHOTS + "/job-dark.png"});

  // --- sign out forgets the credential
  await page.click("#sign-out");
  await page.waitForSelector("#sign-in");
  check(await page.evaluate(() => sessionStorage.length) === 0, "sign out forgets the credential");

  const csp = consoleErrors.filter((e) => /Content Security Policy|Refused to/.test(e));
  check(csp.length === 0, "no CSP violation: " + csp.join(" | "));
  const otherErrors = consoleErrors.filter((e) => !/401|Unauthorized|Content Security Policy|Refused to/.test(e));
  check(otherErrors.length === 0, "no script error: " + otherErrors.join(" | "));
  console.log("live updates shown after " + tableMs + " ms (table) and " + jobMs + " ms (job page)");
} catch (e) {
  failures.push("the browser test stopped: " + (e.stack || e));
} finally {
  await browser.close();
}
for (const f of failures) console.log("FAIL: " + f);
console.log(failures.length ? failures.length + " of " + checks + " checks failed" : "ok " + checks + " checks");
process.exit(failures.length ? 1 : 0);
