// The pjm dashboard: a read-only view of one manager, written for pjm serve (docs/dashboard.md).
// Everything it shows comes from the read routes of the actors API with the credential the
// operator gives (kept in sessionStorage: this tab only). Job data is user-supplied, so text
// only ever reaches the page through textContent and attribute values, never as markup.
"use strict";

const TOKEN_KEY = "pjm.credential";
const PAGE_SIZE = 25;
const POLL_MS = 1000; // a new event shows within a second or two
const COUNTS_EVERY = 5; // polls between two counts of the jobs (a count reads every job)
const POLL_MAX_MS = 30000;
const EXIT_NAMES = {0: "ok", 1: "internal", 2: "usage", 3: "invalid", 4: "not found",
                    5: "unauthorized", 6: "conflict", 7: "remote", 8: "storage", 75: "queued"};

const app = {
  config: null,     // {actor_id, api}
  lifecycle: null,  // {states: [{name, meaning}], events: [{name, from: {STATE: TO}}]}
  meaning: {},      // state -> meaning
  pipelines: {},    // uuid -> name
  svg: null,        // the lifecycle picture's text
  timer: null,
  delay: POLL_MS,
  view: null,       // the page shown: {refresh()} polled while it is up
  shown: 0,         // the number of the route() call whose page is shown; a later call wins
};

// --- DOM helpers: text is always text ---------------------------------------------------------

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat(2)) {
    if (c === undefined || c === null || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}

function stateBadge(state) {
  return el("span", {class: "state state-" + String(state).toLowerCase(),
                     title: app.meaning[state] || ""}, state);
}

// "3 minutes ago" with the exact UTC time beside it (and on hover).
function when(iso) {
  if (!iso) return el("span", {class: "muted"}, "—");
  const t = Date.parse(iso);
  const ago = Math.round((Date.now() - t) / 1000);
  const units = [[86400 * 365, "year"], [86400 * 30, "month"], [86400, "day"], [3600, "hour"],
                 [60, "minute"], [1, "second"]];
  let text = "just now";
  for (const [s, name] of units) {
    const n = Math.floor(Math.abs(ago) / s);
    if (n >= 1) {
      text = n + " " + name + (n === 1 ? "" : "s") + (ago >= 0 ? " ago" : " from now");
      break;
    }
  }
  return el("time", {datetime: iso, title: iso}, el("span", {class: "rel"}, text), " ",
            el("span", {class: "abs"}, iso.replace("T", " ").replace(/\.\d+Z$/, "Z")));
}

function pipelineName(uuid) {
  return app.pipelines[uuid] || uuid;
}

// --- the API ------------------------------------------------------------------------------------

class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function api(path, params) {
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {}))
    if (v !== undefined && v !== null && v !== "") query.set(k, v);
  const url = app.config.api + path + (query.toString() ? "?" + query : "");
  const res = await fetch(url, {
    headers: {"Authorization": "Bearer " + sessionStorage.getItem(TOKEN_KEY)},
    cache: "no-store",
    credentials: "omit",
  });
  let body = null;
  try {
    body = await res.json();
  } catch (e) {
    throw new ApiError(res.status, "the manager sent something that is not JSON");
  }
  if (res.status === 401) {
    signIn(body && body.message);
    throw new ApiError(401, body && body.message);
  }
  if (!res.ok) throw new ApiError(res.status, (body && body.message) || res.statusText);
  return body && "result" in body ? body.result : body;
}

async function publicJson(path) {
  const res = await fetch(path, {cache: "no-store"});
  if (!res.ok) throw new Error(path + ": " + res.status);
  return res.json();
}

// --- polling with backoff -----------------------------------------------------------------------

function setLive(text, bad) {
  const live = document.getElementById("live");
  live.textContent = text;
  live.classList.toggle("bad", !!bad);
}

function schedule() {
  clearTimeout(app.timer);
  app.timer = setTimeout(poll, app.delay);
}

async function poll() {
  if (!app.view || !app.view.refresh || document.hidden) return schedule();
  try {
    await app.view.refresh();
    app.delay = POLL_MS;
    setLive("live");
  } catch (e) {
    if (e.status === 401) return;
    app.delay = Math.min(app.delay * 2, POLL_MAX_MS);
    setLive("cannot reach the manager; trying again in " + Math.round(app.delay / 1000) + " s",
            true);
  }
  schedule();
}

// --- sign in ------------------------------------------------------------------------------------

function signIn(message) {
  sessionStorage.removeItem(TOKEN_KEY);
  app.shown++;
  app.view = null;
  clearTimeout(app.timer);
  document.getElementById("sign-out").hidden = true;
  const main = clear(document.getElementById("main"));
  main.append(document.getElementById("sign-in-template").content.cloneNode(true));
  const form = document.getElementById("sign-in");
  if (message) document.getElementById("sign-in-error").textContent = message;
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    sessionStorage.setItem(TOKEN_KEY, form.credential.value);
    form.credential.value = "";
    route();
  });
  document.getElementById("credential").focus();
}

// --- the jobs page ------------------------------------------------------------------------------

function hashParams() {
  const q = location.hash.indexOf("?");
  return new URLSearchParams(q < 0 ? "" : location.hash.slice(q + 1));
}

function jobsHash(p) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(p)) if (v) q.set(k, v);
  const s = q.toString();
  return "#/jobs" + (s ? "?" + s : "");
}

// datetime-local (the operator's clock) <-> RFC 3339 UTC
function toUtc(local) {
  if (!local) return "";
  const t = new Date(local);
  return isNaN(t) ? "" : t.toISOString();
}
function toLocal(iso) {
  if (!iso) return "";
  const t = new Date(iso);
  if (isNaN(t)) return "";
  const pad = (n) => String(n).padStart(2, "0");
  return t.getFullYear() + "-" + pad(t.getMonth() + 1) + "-" + pad(t.getDate()) + "T" +
         pad(t.getHours()) + ":" + pad(t.getMinutes());
}

async function jobsPage(main) {
  const p = hashParams();
  const filter = {state: p.get("state") || "", pipeline: p.get("pipeline") || "",
                  since: p.get("since") || "", until: p.get("until") || "",
                  cursor: p.get("cursor") || ""};
  const back = p.get("back") || ""; // the cursors of the pages before this one, '|'-joined
  try {
    const list = await api("/pipelines");
    for (const pl of list || []) app.pipelines[pl.uuid] = pl.name;
  } catch (e) {
    if (e.status === 401) return;
  }

  const counts = el("div", {class: "counts", id: "counts", role: "group",
                            "aria-label": "Jobs per state"});
  const stateSelect = el("select", {id: "f-state", name: "state"}, el("option", {value: ""}, "any"));
  for (const s of app.lifecycle.states)
    stateSelect.append(el("option", {value: s.name, selected: s.name === filter.state}, s.name));
  const pipelineSelect = el("select", {id: "f-pipeline", name: "pipeline"},
                            el("option", {value: ""}, "any"));
  for (const [uuid, name] of Object.entries(app.pipelines).sort((a, b) => a[1] < b[1] ? -1 : 1))
    pipelineSelect.append(el("option", {value: uuid, selected: uuid === filter.pipeline}, name));
  const since = el("input", {id: "f-since", type: "datetime-local", value: toLocal(filter.since)});
  const until = el("input", {id: "f-until", type: "datetime-local", value: toLocal(filter.until)});
  const form = el("form", {class: "filters", id: "filters", role: "search"},
                  el("label", {for: "f-state"}, "State"), stateSelect,
                  el("label", {for: "f-pipeline"}, "Pipeline"), pipelineSelect,
                  el("label", {for: "f-since"}, "Updated from"), since,
                  el("label", {for: "f-until"}, "to"), until,
                  el("button", {type: "submit"}, "Filter"),
                  el("a", {href: "#/jobs", class: "button"}, "Clear"));
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    location.hash = jobsHash({state: stateSelect.value, pipeline: pipelineSelect.value,
                              since: toUtc(since.value), until: toUtc(until.value)});
  });

  const tbody = el("tbody");
  const table = el("table", {class: "jobs", id: "jobs-table"},
                   el("caption", {class: "visually-hidden"}, "Jobs, most recently updated first"),
                   el("thead", {}, el("tr", {},
                      el("th", {scope: "col"}, "State"), el("th", {scope: "col"}, "Job"),
                      el("th", {scope: "col", class: "wide"}, "Pipeline"),
                      el("th", {scope: "col", class: "wide"}, "Last event"),
                      el("th", {scope: "col"}, "Updated"))),
                   tbody);
  const pager = el("nav", {class: "pager", "aria-label": "Pages of jobs"});
  main.append(el("h1", {tabindex: "-1"}, "Jobs"), counts, form,
              el("div", {class: "scroll"}, table), pager);

  let shown = "", shownCounts = "", polls = 0;
  async function refresh() {
    const base = {pipeline: filter.pipeline, since: filter.since, until: filter.until};
    const [jobs, tally] = await Promise.all([
      api("/jobs", {...base, state: filter.state, cursor: filter.cursor, limit: PAGE_SIZE}),
      polls++ % COUNTS_EVERY === 0 ? api("/jobs/counts", base) : null,
    ]);
    const key = tally ? JSON.stringify(tally) : shownCounts;
    if (key !== shownCounts) {
      shownCounts = key;
      clear(counts);
      counts.append(el("a", {href: jobsHash({...base}), class: "count" + (filter.state ? "" : " on")},
                       el("span", {class: "n"}, tally.total), " all"));
      for (const s of app.lifecycle.states) {
        const n = tally.counts[s.name] || 0;
        counts.append(el("a", {href: jobsHash({...base, state: s.name}), title: s.meaning,
                               class: "count state-" + s.name.toLowerCase() +
                                      (filter.state === s.name ? " on" : "") + (n ? "" : " zero"),
                               "data-state": s.name},
                         el("span", {class: "n"}, n), " " + s.name));
      }
    }
    const rows = JSON.stringify(jobs);
    if (rows === shown) {
      for (const t of tbody.querySelectorAll("time")) t.replaceWith(when(t.getAttribute("datetime")));
      return;
    }
    shown = rows;
    clear(tbody);
    for (const j of jobs) {
      tbody.append(el("tr", {"data-uuid": j.uuid},
        el("td", {}, stateBadge(j.state)),
        el("td", {}, el("a", {href: "#/job/" + j.uuid, class: "uuid", title: j.uuid},
                        j.uuid.slice(0, 8)),
           j.visible === false ? el("span", {class: "muted"}, " (hidden)") : null),
        el("td", {class: "wide"}, pipelineName(j.pipeline_uuid)),
        el("td", {class: "wide"}, j.last_event),
        el("td", {}, when(j.updated))));
    }
    if (!jobs.length)
      tbody.append(el("tr", {}, el("td", {colspan: 5, class: "muted"}, "No job matches.")));
    clear(pager);
    const backs = back ? back.split("|") : [];
    if (filter.cursor) {
      const prev = backs.slice(0, -1);
      pager.append(el("a", {href: jobsHash({...base, state: filter.state,
                                            cursor: backs[backs.length - 1] || "",
                                            back: prev.join("|")}),
                            rel: "prev", id: "newer"}, "← Newer"));
    }
    if (jobs.length === PAGE_SIZE) {
      const last = jobs[jobs.length - 1];
      pager.append(el("a", {href: jobsHash({...base, state: filter.state,
                                            cursor: last.updated + "," + last.uuid,
                                            back: [...backs, filter.cursor].join("|")}),
                            rel: "next", id: "older"}, "Older →"));
    }
  }
  await refresh();
  return {refresh};
}

// --- the job page -------------------------------------------------------------------------------

// A job's history is read a page (up to 1,000 entries) at a time, newest first: the whole of
// it up to WHOLE_HISTORY entries, then more on asking ("Show older events").
const HISTORY_PAGE = 1000;
const WHOLE_HISTORY = 5000;

async function olderPage(uuid, job) {
  const older = await api("/jobs/" + encodeURIComponent(uuid),
                          {history: HISTORY_PAGE, before: job.history_start});
  job.history = (older.history || []).concat(job.history);
  job.history_start = older.history_start || 1;
}

async function readJob(uuid) {
  const job = await api("/jobs/" + encodeURIComponent(uuid), {history: HISTORY_PAGE});
  job.history = job.history || [];
  job.history_start = job.history_start || 1;
  while (job.history_start > 1 && job.history.length < WHOLE_HISTORY) await olderPage(uuid, job);
  return job;
}

// The job again, its newest page joined to the older entries already read (when the new page
// reaches back to them; otherwise from the new page on).
async function rereadJob(uuid, known) {
  const job = await api("/jobs/" + encodeURIComponent(uuid), {history: HISTORY_PAGE});
  job.history = job.history || [];
  job.history_start = job.history_start || 1;
  const knownEnd = known.history_start + known.history.length; // the number after the last
  if (job.history_start > known.history_start && job.history_start <= knownEnd) {
    job.history = known.history.slice(0, job.history_start - known.history_start)
                    .concat(job.history);
    job.history_start = known.history_start;
  }
  return job;
}

function replayStates(history) {
  const states = [];
  let state = null;
  for (const [i, e] of history.entries()) {
    if (i === 0 && e.name === "create") state = "CREATED";
    else if (state) {
      const ev = app.lifecycle.events.find((x) => x.name === e.name);
      state = ev && ev.name !== "create" ? ev.from[state] || null : null;
    }
    states.push(state);
  }
  return states;
}

function lifecyclePicture(state) {
  const box = el("figure", {class: "lifecycle", id: "lifecycle"});
  if (!app.svg) return box;
  const doc = new DOMParser().parseFromString(app.svg, "image/svg+xml");
  const svg = doc.documentElement;
  if (svg.nodeName !== "svg") return box;
  svg.removeAttribute("width");
  svg.removeAttribute("height");
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", "The lifecycle, the job's state (" + state + ") highlighted");
  for (const g of svg.querySelectorAll("g.node")) {
    const title = g.querySelector("title");
    if (title && title.textContent === state) g.classList.add("current");
  }
  box.append(document.importNode(svg, true),
             el("figcaption", {}, "The lifecycle; the job is in ", stateBadge(state), "."));
  return box;
}

function nextEvents(state) {
  const list = el("ul", {class: "next", id: "next-events"});
  for (const e of app.lifecycle.events) {
    const to = e.from[state];
    if (to === undefined) continue;
    list.append(el("li", {}, el("code", {}, e.name), " → ",
                   to === state ? el("span", {class: "muted"}, "stays " + state) : stateBadge(to)));
  }
  if (!list.firstChild) list.append(el("li", {class: "muted"}, "none: the state is final"));
  return list;
}

function dataBlock(data, label) {
  const keys = data && typeof data === "object" ? Object.keys(data).length : 0;
  if (!keys) return null;
  return el("details", {class: "data"},
            el("summary", {}, label + " (" + keys + (keys === 1 ? " key" : " keys") + ")"),
            el("pre", {}, JSON.stringify(data, null, 2)));
}

function timeline(history, startAt) {
  // States are replayed from the create event: without the first entries they are not known.
  const states = startAt === 1 ? replayStates(history) : history.map(() => null);
  const list = el("ol", {class: "timeline", id: "timeline", start: startAt});
  history.forEach((e, i) => {
    const before = i ? states[i - 1] : null, after = states[i];
    list.append(el("li", {"data-event": e.name},
      el("div", {class: "what"}, el("strong", {}, e.name), " ",
         after ? (before && before !== after ? [stateBadge(before), " → ", stateBadge(after)]
                                              : [stateBadge(after)])
               : el("span", {class: "muted"}, startAt === 1 ? "(state unknown)" : "")),
      el("div", {class: "when"}, when(e.date)),
      dataBlock(e.data, "data")));
  });
  return list;
}

function fieldsTable(job) {
  const rows = [["UUID", el("code", {}, job.uuid)], ["State", stateBadge(job.state)],
                ["Pipeline", pipelineName(job.pipeline_uuid)],
                ["Archive", job.archive_path + (job.archive_system ? " on " + job.archive_system : "")],
                ["Created", when(job.created)], ["Updated", when(job.updated)],
                ["Last event", job.last_event], ["Events", job.event_count]];
  for (const k of ["session", "agent", "task"]) if (job[k]) rows.push([k, job[k]]);
  if (job.visible === false) rows.push(["Hidden", "yes (deleted)"]);
  const t = el("table", {class: "fields", id: "fields"});
  for (const [k, v] of rows) t.append(el("tr", {}, el("th", {scope: "row"}, k), el("td", {}, v)));
  return el("div", {}, t, dataBlock(job.data, "Parameters"));
}

function executionsTable(list, withJob) {
  const tbody = el("tbody");
  for (const x of list) {
    const code = x.exit_code;
    tbody.append(el("tr", {"data-execution": x.id},
      el("td", {}, el("code", {}, x.id)),
      withJob ? el("td", {}, x.job_uuid ? el("a", {href: "#/job/" + x.job_uuid, class: "uuid",
                                                   title: x.job_uuid}, x.job_uuid.slice(0, 8))
                                        : el("span", {class: "muted"}, "—")) : null,
      el("td", {class: "wide"}, x.message_kind || "—"),
      el("td", {}, el("span", {class: "outcome " + (code === 0 ? "good" : "bad")},
                      EXIT_NAMES[code] || String(code))),
      el("td", {}, when(x.start_time)),
      x.logs !== undefined ? el("td", {class: "wide"}, x.logs ? el("details", {},
                               el("summary", {}, "log"), el("pre", {}, x.logs)) : "") : null));
  }
  const head = el("tr", {}, el("th", {scope: "col"}, "Execution"),
                  withJob ? el("th", {scope: "col"}, "Job") : null,
                  el("th", {scope: "col", class: "wide"}, "Message"),
                  el("th", {scope: "col"}, "Outcome"), el("th", {scope: "col"}, "Received"),
                  list.length && list[0].logs !== undefined ? el("th", {scope: "col", class: "wide"}, "Logs") : null);
  return el("div", {class: "scroll"}, el("table", {class: "executions"}, el("thead", {}, head), tbody));
}

async function jobPage(main, uuid) {
  try {
    const list = await api("/pipelines");
    for (const pl of list || []) app.pipelines[pl.uuid] = pl.name;
  } catch (e) {
    if (e.status === 401) return;
  }
  let job;
  try {
    job = await readJob(uuid);
  } catch (e) {
    if (e.status === 401) return;
    main.append(el("h1", {tabindex: "-1"}, "Job"), el("p", {class: "error"}, e.message));
    return null;
  }
  const head = el("div", {class: "job-head"});
  const body = el("div", {class: "job-body"});
  const history = el("section", {"aria-labelledby": "h-history"});
  const runs = el("section", {"aria-labelledby": "h-executions"});
  main.append(el("p", {}, el("a", {href: "#/jobs"}, "← Jobs")),
              el("h1", {tabindex: "-1"}, "Job ", el("code", {}, uuid.slice(0, 8))), head, body,
              history, runs);
  function render() {
    clear(head).append(fieldsTable(job));
    clear(body).append(
      el("section", {"aria-labelledby": "h-lifecycle"},
         el("h2", {id: "h-lifecycle"}, "Where it is"), lifecyclePicture(job.state),
         el("h3", {}, "Events it can take now"), nextEvents(job.state)));
    const shown = job.history.length, all = job.event_count;
    clear(history).append(
      el("h2", {id: "h-history"},
         "History (" + (shown === all ? all + " events" : shown + " newest of " + all + " events") + ")"),
      job.history_start > 1
        ? el("button", {type: "button", id: "older-events", onclick: async (ev) => {
               ev.target.disabled = true;
               try { await olderPage(uuid, job); } finally { render(); }
               document.getElementById("older-events")?.focus();
             }}, "Show " + Math.min(HISTORY_PAGE, job.history_start - 1) + " older events")
        : null,
      timeline(job.history, job.history_start));
  }
  async function executions() {
    const list = await api("/jobs/" + encodeURIComponent(uuid) + "/executions", {limit: 20});
    clear(runs).append(el("h2", {id: "h-executions"}, "Executions"),
                       list.length ? executionsTable(list, false)
                                   : el("p", {class: "muted"}, "No execution on record."));
  }
  render();
  try { await executions(); } catch (e) { if (e.status === 401) return; }
  async function refresh() {
    const now = await api("/jobs/" + encodeURIComponent(uuid), {history: 0});
    if (now.event_count === job.event_count && now.updated === job.updated) return;
    job = await rereadJob(uuid, job);
    render();
    await executions();
  }
  return {refresh};
}

// --- executions and health ----------------------------------------------------------------------

async function executionsPage(main) {
  const box = el("div");
  main.append(el("h1", {tabindex: "-1"}, "Executions"),
              el("p", {class: "muted"}, "The messages this manager handled, newest first."), box);
  let shown = "";
  async function refresh() {
    const page = await api("/executions", {limit: 50});
    const key = JSON.stringify(page.executions);
    if (key === shown) return;
    shown = key;
    clear(box).append(el("p", {}, "Total: ", el("strong", {}, page.total_executions)),
                      executionsTable(page.executions, true));
  }
  await refresh();
  return {refresh};
}

// Prometheus text: {name: [{labels: {...}, value}]}
function parseMetrics(text) {
  const out = {};
  for (const line of text.split("\n")) {
    const m = /^([a-zA-Z_:][\w:]*)(\{([^}]*)\})?\s+(\S+)$/.exec(line.trim());
    if (!m) continue;
    const labels = {};
    for (const part of (m[3] || "").match(/\w+="(?:[^"\\]|\\.)*"/g) || []) {
      const eq = part.indexOf("=");
      labels[part.slice(0, eq)] = part.slice(eq + 2, -1);
    }
    (out[m[1]] = out[m[1]] || []).push({labels, value: Number(m[4])});
  }
  return out;
}

const SVG = "http://www.w3.org/2000/svg";
function svgEl(tag, attrs) {
  const n = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, String(v));
  return n;
}

// Horizontal bars: [[label, value]]
function barChart(id, title, rows, unit) {
  const max = Math.max(1, ...rows.map((r) => r[1]));
  const h = 22 * rows.length + 4;
  const svg = svgEl("svg", {viewBox: "0 0 400 " + h, class: "chart", role: "img",
                           "aria-label": title});
  rows.forEach(([label, v], i) => {
    const y = 4 + i * 22;
    const t = svgEl("text", {x: 0, y: y + 13});
    t.textContent = label;
    svg.append(t, svgEl("rect", {x: 150, y, height: 16, width: Math.max(1, 200 * v / max),
                                 class: "bar"}));
    const n = svgEl("text", {x: 155 + 200 * v / max, y: y + 13});
    n.textContent = v + (unit || "");
    svg.append(n);
  });
  return el("figure", {class: "chart-box", id}, el("figcaption", {}, title), svg);
}

function sparkline(id, title, points) {
  const max = Math.max(1, ...points);
  const step = points.length > 1 ? 400 / (points.length - 1) : 400;
  const path = points.map((v, i) => (i ? "L" : "M") + (i * step).toFixed(1) + "," +
                                    (58 - 54 * v / max).toFixed(1)).join(" ");
  const svg = svgEl("svg", {viewBox: "0 0 400 60", class: "chart", role: "img", "aria-label": title});
  if (points.length) svg.append(svgEl("path", {d: path, class: "line"}));
  const last = points.length ? points[points.length - 1] : 0;
  return el("figure", {class: "chart-box", id}, el("figcaption", {}, title + ": " +
            last.toFixed(1) + "/s now, " + max.toFixed(1) + "/s at most"), svg);
}

async function healthPage(main) {
  const status = el("p", {id: "health-status"});
  const charts = el("div", {class: "charts"});
  main.append(el("h1", {tabindex: "-1"}, "Health"), status, charts);
  const rates = [];
  let lastTotal = null, lastAt = 0;
  async function refresh() {
    const [health, text] = await Promise.all([
      fetch("/healthz", {cache: "no-store"}).then(async (r) => ({code: r.status, body: await r.json()})),
      fetch("/metrics", {cache: "no-store"}).then((r) => r.text()),
    ]);
    clear(status).append(el("span", {class: "outcome " + (health.code === 200 ? "good" : "bad")},
                            health.code === 200 ? "healthy" : "unhealthy"), " ",
                         health.body.message || "", " (actor ", health.body.result ?
                           health.body.result.actor_id : app.config.actor_id, ")");
    const m = parseMetrics(text);
    const byOutcome = {};
    for (const s of m.pjm_messages_total || [])
      byOutcome[s.labels.outcome] = (byOutcome[s.labels.outcome] || 0) + s.value;
    const total = Object.values(byOutcome).reduce((a, b) => a + b, 0);
    const now = Date.now();
    if (lastTotal !== null && now > lastAt) rates.push((total - lastTotal) * 1000 / (now - lastAt));
    if (rates.length > 60) rates.shift();
    lastTotal = total;
    lastAt = now;
    const buckets = (m.pjm_message_handling_seconds_bucket || [])
                      .filter((b) => b.labels.le !== "+Inf");
    let below = 0;
    const hist = buckets.map((b) => {
      const n = b.value - below;
      below = b.value;
      return ["≤ " + (Number(b.labels.le) * 1000) + " ms", n];
    });
    clear(charts).append(
      barChart("chart-outcomes", "Messages by outcome (since the server started)",
               Object.entries(byOutcome).sort()),
      barChart("chart-handling", "Handling time of messages", hist),
      sparkline("chart-rate", "Messages per second", rates));
  }
  await refresh();
  return {refresh};
}

// --- routing ------------------------------------------------------------------------------------

async function route() {
  if (!sessionStorage.getItem(TOKEN_KEY)) return signIn();
  document.getElementById("sign-out").hidden = false;
  const hash = location.hash || "#/jobs";
  const path = hash.slice(1).split("?")[0];
  const page = path.startsWith("/job/") ? "jobs" : path.slice(1) || "jobs";
  for (const a of document.querySelectorAll("nav a"))
    a.toggleAttribute("aria-current", a.dataset.page === page);
  // The page is built aside and shown only if no later route() started meanwhile.
  const mine = ++app.shown;
  const main = el("div", {class: "page"});
  app.view = null;
  clearTimeout(app.timer);
  app.delay = POLL_MS;
  let view = null;
  try {
    if (path.startsWith("/job/")) view = await jobPage(main, decodeURIComponent(path.slice(5)));
    else if (path === "/executions") view = await executionsPage(main);
    else if (path === "/health") view = await healthPage(main);
    else view = await jobsPage(main);
  } catch (e) {
    if (e.status === 401) return;
    main.append(el("p", {class: "error", role: "alert"}, "Cannot read from the manager: " + e.message));
  }
  if (!sessionStorage.getItem(TOKEN_KEY) || mine !== app.shown) return;
  clear(document.getElementById("main")).append(main);
  app.view = view;
  const h1 = main.querySelector("h1");
  if (h1 && document.activeElement === document.body) h1.focus({preventScroll: true});
  setLive("live");
  schedule();
}

async function start() {
  try {
    [app.config, app.lifecycle] = await Promise.all([publicJson("config.json"),
                                                     publicJson("lifecycle.json")]);
    app.svg = await fetch("lifecycle.svg").then((r) => (r.ok ? r.text() : null));
  } catch (e) {
    document.getElementById("main").append(el("p", {class: "error"}, "Cannot start: " + e.message));
    return;
  }
  for (const s of app.lifecycle.states) app.meaning[s.name] = s.meaning;
  document.getElementById("where").textContent = "actor " + app.config.actor_id;
  document.getElementById("sign-out").addEventListener("click", () => signIn());
  document.addEventListener("visibilitychange", () => { if (!document.hidden) poll(); });
  window.addEventListener("hashchange", route);
  route();
}

start();
