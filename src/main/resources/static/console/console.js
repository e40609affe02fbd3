// Orchard console: plain JavaScript, no build step, no other origin. Every text from the server is
// set with textContent (never parsed as HTML). The token lives in this tab's sessionStorage only;
// the server decides what it may do, the page only hides buttons.
"use strict";

const TOKEN_KEY = "orchard.token";
const main = document.getElementById("main");
let refreshTimer = null;
// Every render() takes the next number; a view draws only while its number is the newest, so a
// slow render of a page the user already left (or one replaced by a newer render of the same
// page) can never draw over what is on screen.
let renderSeq = 0;
const STALE = Symbol("stale render");

/** Draws a view into main, unless a render newer than the one that built it (seq) has started. */
function show(seq, ...nodes) {
  if (seq !== renderSeq) throw STALE;
  main.replaceChildren(...nodes);
}

// ---- small helpers ----------------------------------------------------------------------------

function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.substring(2), value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function token() {
  return sessionStorage.getItem(TOKEN_KEY) || "";
}

function headers(extra) {
  const h = Object.assign({ Accept: "application/json" }, extra || {});
  if (token()) h.Authorization = "Bearer " + token();
  return h;
}

/** Calls the API; a problem+json (or any error) becomes an Error carrying its detail. */
async function api(method, path, body, options) {
  const init = { method, headers: headers(), cache: "no-store" };
  if (body instanceof FormData) {
    init.body = body;
  } else if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers["Content-Type"] = "application/json";
  }
  const response = await fetch(path, init);
  if (!response.ok) {
    let detail = response.status + " " + response.statusText;
    try {
      const problem = await response.json();
      detail = response.status + ": " + (problem.detail || problem.error || problem.title || detail);
    } catch (ignored) { /* not JSON */ }
    const error = new Error(detail);
    error.status = response.status;
    throw error;
  }
  if (options && options.text) return response.text();
  return response.status === 204 ? null : response.json();
}

function say(text, ok) {
  const box = document.getElementById("message");
  box.textContent = text;
  box.className = ok ? "ok" : "";
  box.hidden = false;
}

function quiet() {
  document.getElementById("message").hidden = true;
}

function percent(value) {
  return value === null || value === undefined ? "—" : (value * 100).toFixed(1) + " %";
}

function when(instant) {
  return instant ? new Date(instant).toLocaleString() : "—";
}

function tag(text, kind) {
  return el("span", { class: "tag " + (kind || text) }, text);
}

function progress(done, total, state) {
  const fraction = total > 0 ? Math.min(1, done / total) : 0;
  return el("span", {
    class: "progress " + (state === "COMPLETED" ? "done" : state === "FAILED" ? "failed" : ""),
    role: "progressbar", "aria-valuemin": 0, "aria-valuemax": total || 0, "aria-valuenow": done || 0,
    "aria-label": (done || 0) + " of " + (total || 0),
  }, el("span", { style: null, "data-width": fraction }));
}

/** Widths are set through the CSSOM (the page's policy allows no inline style attributes). */
function sizeBars(root) {
  root.querySelectorAll("[data-width]").forEach((node) => {
    node.style.width = (Number(node.getAttribute("data-width")) * 100).toFixed(1) + "%";
  });
}

function table(head, rows) {
  return el("div", { class: "scroll" },
    el("table", {},
      el("thead", {}, el("tr", {}, head.map((h) => el("th", { scope: "col" }, h)))),
      el("tbody", {}, rows.map((cells) => el("tr", {}, cells.map((c) => el("td", {}, c)))))));
}

function field(label, input) {
  const id = "f-" + Math.random().toString(36).slice(2, 9);
  input.id = id;
  return el("div", {}, el("label", { for: id }, label), input);
}

function models() {
  return api("GET", "/v1/models").then((r) => r.models);
}

function classifyPath(model, version) {
  const name = encodeURIComponent(model);
  return version ? `/v1/models/${name}/versions/${encodeURIComponent(version)}:classify` : `/v1/models/${name}:classify`;
}

// ---- header: readiness and token ----------------------------------------------------------------

async function readiness() {
  const badge = document.getElementById("readiness");
  try {
    const response = await fetch("/actuator/health/readiness", { cache: "no-store" });
    badge.textContent = response.ok ? "ready" : "not ready";
    badge.className = response.ok ? "up" : "down";
  } catch (e) {
    badge.textContent = "unreachable";
    badge.className = "down";
  }
}

function showToken() {
  document.body.classList.toggle("signed-in", token() !== "");
  document.getElementById("token-form").classList.toggle("set", token() !== "");
}

document.getElementById("token-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const input = document.getElementById("token");
  const value = input.value.trim();
  if (value) sessionStorage.setItem(TOKEN_KEY, value);
  input.value = "";
  showToken();
  say(value ? "Token kept for this tab; admin actions are shown." : "No token entered.", Boolean(value));
});

document.getElementById("token-forget").addEventListener("click", () => {
  sessionStorage.removeItem(TOKEN_KEY);
  showToken();
  say("Token forgotten.", true);
});

// ---- views ------------------------------------------------------------------------------------

async function tryIt() {
  const seq = renderSeq;
  const service = await api("GET", "/");
  const list = await models();
  const modelSelect = el("select", { name: "model" },
    list.map((m) => el("option", { value: m.name }, m.name + (m.champion ? " (champion v" + m.champion + ")" : ""))));
  const served = service.jobs.map((j) => (j.model || "").split("@")[0]).find((m) => list.some((x) => x.name === m));
  if (served) modelSelect.value = served; // the model the worker's own job spec scores with
  const versionSelect = el("select", { name: "version" }, el("option", { value: "" }, "champion"));
  const fillVersions = async () => {
    versionSelect.replaceChildren(el("option", { value: "" }, "champion"));
    if (!modelSelect.value) return;
    const versions = await api("GET", `/v1/models/${encodeURIComponent(modelSelect.value)}/versions`);
    versions.versions.forEach((v) => versionSelect.append(el("option", { value: v.version }, "v" + v.version)));
  };
  modelSelect.addEventListener("change", () => fillVersions().catch((e) => say(e.message)));
  const files = el("input", { type: "file", id: "photos", accept: "image/jpeg,image/png,image/webp", multiple: true });
  const results = el("div", { class: "results", id: "results", "aria-live": "polite" });
  const drop = el("label", { class: "drop", for: "photos" },
    el("strong", {}, "Drop photos here, or choose them"), el("br"),
    el("span", { class: "meta" }, "JPEG (phone photos, EXIF rotation honoured), PNG, WebP"), files);
  const classifyAll = (chosen) => {
    quiet();
    for (const file of chosen) classifyOne(file, modelSelect.value, versionSelect.value, results);
  };
  files.addEventListener("change", () => classifyAll(files.files));
  drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    drop.classList.remove("over");
    classifyAll(e.dataTransfer.files);
  });
  show(seq,
    el("h1", {}, "Try a photo"),
    el("p", {}, service.description),
    el("p", { class: "meta" }, "Models: " + (service.models.join(", ") || "none yet") +
      ". Jobs: " + service.jobs.map((j) => j.name).join(", ")),
    el("div", { class: "row" }, field("Model", modelSelect), field("Version", versionSelect)),
    drop,
    results);
  await fillVersions();
}

async function classifyOne(file, model, version, results) {
  const url = URL.createObjectURL(file);
  const card = el("div", { class: "card" }, el("img", { src: url, alt: "Photo " + file.name }),
    el("div", { class: "meta" }, file.name), el("div", { class: "answer" }, "classifying…"));
  results.prepend(card);
  const form = new FormData();
  form.append("image", file, file.name);
  const started = performance.now();
  try {
    const answer = await api("POST", classifyPath(model, version), form);
    const millis = Math.round(performance.now() - started);
    card.querySelector(".answer").textContent = answer.label + " · " + percent(answer.confidence);
    card.querySelector(".answer").classList.add("label");
    card.append(
      el("div", { class: "bars" }, answer.top.map((t) => el("div", { class: "bar" },
        el("span", {}, t.label),
        el("span", { class: "track" }, el("span", { class: "fill", "data-width": t.score })),
        el("span", {}, (t.score * 100).toFixed(1) + "%")))),
      el("div", { class: "meta answered-by" }, `${answer.model} v${answer.version} · ${millis} ms`));
    sizeBars(card);
  } catch (e) {
    card.querySelector(".answer").textContent = e.message;
    card.querySelector(".answer").classList.add("error");
  }
}

async function modelsView() {
  const seq = renderSeq;
  const list = await models();
  show(seq,
    el("h1", {}, "Models"),
    table(["model", "champion", "versions"], list.map((m) => [
      el("a", { href: "#/models/" + encodeURIComponent(m.name) }, m.name),
      m.champion ? "v" + m.champion : "—",
      String(m.versions)])),
    registerForm(null));
}

function registerForm(model) {
  const name = el("input", { name: "name", value: model || "", required: true, placeholder: "fruit" });
  const source = el("input", { name: "source", required: true, placeholder: "gs://bucket/exports/fruit/", size: 40 });
  const labels = el("input", { name: "labels", placeholder: "apple, pear (or labels.txt)", size: 30 });
  const scaling = el("select", { name: "scaling" }, ["unit", "symmetric", "raw"].map((s) => el("option", { value: s }, s)));
  const output = el("select", { name: "output" }, ["probabilities", "logits"].map((s) => el("option", { value: s }, s)));
  const promote = el("input", { type: "checkbox", name: "promote" });
  const form = el("form", { class: "admin", id: "register-form" },
    el("fieldset", {}, el("legend", {}, "Register a model (bring your own SavedModel)"),
      el("div", { class: "row" }, field("Model name", name), field("SavedModel", source), field("Labels", labels),
        field("Scaling", scaling), field("Output", output), field("Promote", promote),
        el("button", { type: "submit" }, "Register"))));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = { source: source.value.trim(), scaling: scaling.value, output: output.value, promote: promote.checked };
    const split = labels.value.split(",").map((l) => l.trim()).filter((l) => l);
    if (split.length) body.labels = split;
    try {
      const done = await api("POST", `/v1/models/${encodeURIComponent(name.value.trim())}/versions`, body);
      say(`Registered ${done.model} v${done.version}.`, true);
      location.hash = "#/models/" + encodeURIComponent(done.model);
    } catch (e) {
      say(e.message);
    }
  });
  return form;
}

async function modelView(name) {
  const seq = renderSeq;
  const [versions, audit] = await Promise.all([
    api("GET", `/v1/models/${encodeURIComponent(name)}/versions`),
    api("GET", `/v1/models/${encodeURIComponent(name)}/audit`).catch(() => []),
  ]);
  const champion = versions.champion;
  const rollback = el("button", { class: "admin secondary", id: "rollback", type: "button" }, "Roll back");
  rollback.addEventListener("click", () => act(`/v1/models/${encodeURIComponent(name)}:rollback`,
    { reason: "console rollback" }, "Rolled back."));
  const retrain = el("button", { class: "admin", id: "retrain", type: "button" }, "Retrain");
  retrain.addEventListener("click", async () => {
    try {
      const run = await api("POST", "/jobs", { job: "retrain", model: name });
      if (run.id) location.hash = "#/jobs/" + run.id;
      else say(`Unchanged: version ${run.version} already learned from exactly this data.`, true);
    } catch (e) {
      say(e.message);
    }
  });
  show(seq,
    el("h1", {}, name),
    el("section", { "aria-label": "Champion" },
      el("h2", {}, "Champion"),
      champion
        ? el("dl", { id: "champion" },
          el("dt", {}, "version"), el("dd", { id: "champion-version" }, "v" + champion.version),
          el("dt", {}, "previous"), el("dd", {}, champion.previous ? "v" + champion.previous : "—"),
          el("dt", {}, "by"), el("dd", {}, champion.by || "—"),
          el("dt", {}, "reason"), el("dd", {}, champion.reason || "—"),
          el("dt", {}, "since"), el("dd", {}, when(champion.at)))
        : el("p", {}, "No champion yet."),
      el("div", { class: "row" }, rollback, retrain)),
    await driftSection(name),
    el("h2", {}, "Versions"),
    table(["version", "kind", "trainer", "dataset", "created", "accuracy", "macro-F1", "gate", ""],
      versions.versions.slice().reverse().map((v) => [
        el("a", { href: `#/models/${encodeURIComponent(name)}/versions/${v.version}` }, "v" + v.version),
        v.kind, v.trainer || "—",
        v.dataset ? el("span", {}, v.dataset, el("br"), el("span", { class: "mono" }, (v.fingerprint || "").slice(0, 12))) : "—",
        when(v.createdAt), percent(v.accuracy), percent(v.macroF1),
        gateCell(v.gateDetails),
        v.champion ? tag("champion") : promoteButton(name, v.version),
      ])),
    el("h2", {}, "Audit log"),
    table(["at", "action", "version", "previous", "by", "reason"], audit.slice().reverse().map((a) => [
      when(a.at), a.action, "v" + a.version, a.previous ? "v" + a.previous : "—", a.by || "—", a.reason || "—"])),
    registerForm(name));
  sizeBars(main);
}

// ---- drift: the champion's live traffic beside its baseline ----------------------------------------

async function driftSection(name) {
  const section = el("section", { id: "drift", "aria-label": "Drift" }, el("h2", {}, "Drift"));
  let drift;
  try {
    drift = await api("GET", `/v1/models/${encodeURIComponent(name)}/drift`);
  } catch (e) {
    section.append(el("p", { class: "meta" }, "No drift report: " + e.message));
    return section;
  }
  const windowOf = (kind) => drift.windows.find((w) => w.kind === kind);
  const statistic = (w, id) => w.statistics.find((s) => s.statistic === id);
  const count = windowOf("count");
  const time = windowOf("time");
  const number = (v) => (v === null || v === undefined ? "—" : v.toFixed(3));
  const verdict = (s) => tag(s.verdict, s.verdict === "drifted" ? "rejected" : s.verdict === "stable" ? "champion" : "");
  const trigger = drift.trigger;
  section.append(...[
    el("p", { id: "drift-summary" }, drift.drifted ? tag("drifted", "rejected") : tag("no drift", "champion"),
      ` v${drift.version}; baseline: ` + (drift.baseline
        ? `${drift.baseline.source}, ${drift.baseline.predictions} predictions`
        : "none yet") + `; count window (${count.size}): ${count.predictions}, time window (${time.size}): ${time.predictions}` +
      ` (${count.workers} worker${count.workers === 1 ? "" : "s"})`),
    drift.note ? el("p", { class: "meta" }, drift.note) : null,
    trigger ? el("p", { class: "meta", id: "drift-trigger" },
      `Retrain trigger ${when(trigger.firedAt)}: ${trigger.reason} → ${trigger.outcome}` +
      (trigger.detail ? ` (${trigger.detail})` : "")) : null,
    table(["statistic", "samples", "PSI", "JS distance", "verdict", "time window PSI", "verdict"],
      count.statistics.map((s) => {
        const t = statistic(time, s.statistic);
        return [s.statistic, s.samples, number(s.psi), number(s.jsDistance), verdict(s), number(t.psi), verdict(t)];
      })),
    el("div", { class: "grid2" },
      histogram("Labels", statistic(count, "label")),
      histogram("Top-1 confidence", statistic(count, "confidence"))),
  ].filter((node) => node !== null));
  return section;
}

/** A statistic's bins: the baseline's share (grey) above the live share (blue), both as bars. */
function histogram(title, s) {
  const baseline = s.baseline || {};
  const live = s.live || {};
  const total = (counts) => Object.values(counts).reduce((a, b) => a + b, 0) || 1;
  const baseTotal = total(baseline);
  const liveTotal = total(live);
  const bins = Array.from(new Set([...Object.keys(baseline), ...Object.keys(live)]));
  return el("figure", { class: "histogram", "data-statistic": s.statistic },
    el("figcaption", {}, title, el("span", { class: "meta" }, " — baseline ", el("span", { class: "key base" }),
      " beside live ", el("span", { class: "key" }))),
    bins.map((bin) => el("div", { class: "bar pair", "data-bin": bin },
      el("span", {}, bin),
      el("span", { class: "tracks" },
        el("span", { class: "track" }, el("span", { class: "fill base", "data-width": (baseline[bin] || 0) / baseTotal })),
        el("span", { class: "track" }, el("span", { class: "fill", "data-width": (live[bin] || 0) / liveTotal }))),
      el("span", {}, percent((live[bin] || 0) / liveTotal)))));
}

function gateCell(gate) {
  if (!gate) return "—";
  return el("span", {}, tag(gate.decision), el("br"),
    el("span", { class: "meta" }, `${percent(gate.candidateAccuracy)} vs ` +
      (gate.championVersion ? `v${gate.championVersion} ${percent(gate.championAccuracy)}, agree ${percent(gate.agreement)}` : "no champion")));
}

function promoteButton(name, version) {
  const button = el("button", { class: "admin secondary promote", type: "button", "data-version": version,
    "aria-label": "Promote version " + version }, "Promote");
  button.addEventListener("click", () => act(`/v1/models/${encodeURIComponent(name)}:promote`,
    { version, reason: "console promotion" }, `Version ${version} is champion.`));
  return button;
}

async function act(path, body, done) {
  try {
    await api("POST", path, body);
    say(done, true);
    await render();
  } catch (e) {
    say(e.message);
  }
}

async function versionView(name, version) {
  const seq = renderSeq;
  const base = `/v1/models/${encodeURIComponent(name)}/versions/${encodeURIComponent(version)}`;
  const manifest = await api("GET", base + "/manifest");
  const report = manifest.artifacts && manifest.artifacts["report.md"]
    ? await api("GET", base + "/report", undefined, { text: true }).catch(() => null) : null;
  const metrics = manifest.metrics;
  const input = manifest.input;
  const sections = [
    el("h1", {}, `${name} v${manifest.version}`),
    el("div", { class: "row" }, promoteButton(name, manifest.version)),
    el("div", { class: "grid2" },
      el("section", {}, el("h2", {}, "Model"), el("dl", {},
        el("dt", {}, "kind"), el("dd", {}, manifest.kind),
        el("dt", {}, "input"), el("dd", {}, `${input.width}×${input.height}×${input.channels}, ${input.scaling}`),
        el("dt", {}, "output"), el("dd", {}, manifest.output || "—"),
        el("dt", {}, "labels"), el("dd", { id: "labels" }, manifest.labels.join(", ")),
        el("dt", {}, "trainer"), el("dd", {}, manifest.trainer ? manifest.trainer.type + " " + JSON.stringify(manifest.trainer.params) : "—"),
        el("dt", {}, "dataset"), el("dd", {}, manifest.dataset ? `${manifest.dataset.uri} (${manifest.dataset.objects} objects)` : "—"),
        el("dt", {}, "fingerprint"), el("dd", { class: "mono" }, manifest.dataset ? manifest.dataset.fingerprint : "—"),
        el("dt", {}, "created"), el("dd", {}, when(manifest.createdAt)),
        el("dt", {}, "code"), el("dd", {}, manifest.codeVersion || "—"))),
      metrics ? el("section", {}, el("h2", {}, "Holdout"), el("dl", {},
        el("dt", {}, "images"), el("dd", {}, String(metrics.holdoutSize)),
        el("dt", {}, "accuracy"), el("dd", {}, percent(metrics.accuracy)),
        el("dt", {}, "macro-F1"), el("dd", {}, percent(metrics.macroF1))),
        manifest.gate ? el("p", {}, "Gate: ", tag(manifest.gate.decision), " " + manifest.gate.reason) : null) : null),
  ];
  if (manifest.artifacts && manifest.artifacts["confusion.png"]) {
    sections.push(el("h2", {}, "Confusion matrix"),
      el("img", { class: "confusion", id: "confusion", src: base + "/confusion.png",
        alt: `Confusion matrix of ${name} v${manifest.version}: actual labels down, predicted across` }));
  }
  if (metrics && metrics.perClass) {
    sections.push(el("h2", {}, "Per class"), table(["label", "precision", "recall", "F1", "support"],
      Object.entries(metrics.perClass).map(([label, c]) => [label, percent(c.precision), percent(c.recall), percent(c.f1), String(c.support)])));
  }
  if (report) sections.push(el("h2", {}, "Report"), el("div", { class: "report" }, markdown(report)));
  sections.push(el("h2", {}, "Artifacts"), table(["path", "sha256"],
    Object.entries(manifest.artifacts || {}).map(([path, hash]) => [el("span", { class: "mono" }, path), el("span", { class: "mono" }, hash)])));
  if (manifest.provenance) sections.push(el("h2", {}, "Provenance"), el("pre", {}, JSON.stringify(manifest.provenance, null, 2)));
  show(seq, ...sections);
}

/** A small Markdown subset (headings, tables, lists, paragraphs, `code`), built as DOM nodes. */
function markdown(text) {
  const root = el("div");
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const heading = /^(#{1,4})\s+(.*)$/.exec(line);
    if (heading) {
      root.append(el("h" + Math.min(6, heading[1].length + 2), {}, inline(heading[2])));
    } else if (line.startsWith("|")) {
      const rows = [];
      while (i < lines.length && lines[i].startsWith("|")) rows.push(lines[i++]);
      i--;
      const cells = rows.filter((r) => !/^\|[\s:|-]+\|$/.test(r))
        .map((r) => r.replace(/^\||\|$/g, "").split("|").map((c) => c.trim()));
      if (cells.length) root.append(table(cells[0], cells.slice(1).map((r) => r.map(inline))));
    } else if (/^[-*]\s+/.test(line)) {
      const items = [];
      while (i < lines.length && /^[-*]\s+/.test(lines[i])) items.push(lines[i++].replace(/^[-*]\s+/, ""));
      i--;
      root.append(el("ul", {}, items.map((item) => el("li", {}, inline(item)))));
    } else if (line.trim()) {
      root.append(el("p", {}, inline(line)));
    }
  }
  return root;
}

function inline(text) {
  return text.split(/(`[^`]*`|\*\*[^*]+\*\*)/).filter((p) => p).map((part) =>
    part.startsWith("`") ? el("code", {}, part.slice(1, -1))
      : part.startsWith("**") ? el("strong", {}, part.slice(2, -2)) : document.createTextNode(part));
}

const ENDED = ["COMPLETED", "FAILED", "STOPPED", "ABANDONED"];

function jobProgress(job) {
  if (job.job === "retrain") {
    const train = (job.steps || []).find((s) => s.name === "retrain-train");
    if (train && train.progress && train.progress.epochs && train.status !== "COMPLETED") {
      return [progress(train.progress.epoch || 0, train.progress.epochs, job.status),
        ` epoch ${train.progress.epoch || 0}/${train.progress.epochs}`];
    }
    const done = (job.steps || []).filter((s) => s.status === "COMPLETED").length;
    return [progress(done, 6, job.status), ` ${done}/6 steps`];
  }
  return [progress(job.processed, job.objects, job.status), ` ${job.processed}/${job.objects}`];
}

async function jobsView(page) {
  const seq = renderSeq;
  const list = await api("GET", `/jobs?page=${page}&size=20`);
  const input = el("input", { name: "input", required: true, placeholder: "gs://bucket/batches/today/", size: 34 });
  const model = el("input", { name: "model", required: true, value: "fashion", size: 16 });
  const id = el("input", { name: "id", placeholder: "optional run id", size: 16 });
  const form = el("form", { class: "admin", id: "score-form" }, el("fieldset", {},
    el("legend", {}, "Score a whole prefix"),
    el("div", { class: "row" }, field("Input", input), field("Model (name, name@champion, name@3)", model),
      field("Run id", id), el("button", { type: "submit" }, "Start"))));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = { job: "score", input: input.value.trim(), model: model.value.trim() };
    if (id.value.trim()) body.id = id.value.trim();
    try {
      const run = await api("POST", "/jobs", body);
      location.hash = "#/jobs/" + encodeURIComponent(run.id);
    } catch (e) {
      say(e.message);
    }
  });
  show(seq,
    el("h1", {}, "Jobs"),
    form,
    list.jobs.length === 0 ? el("p", {}, "No prefix jobs or retrains yet.") :
      table(["run", "kind", "model", "status", "progress", "images/s", "ETA", "started"], list.jobs.map((j) => [
        el("a", { href: "#/jobs/" + encodeURIComponent(j.id) }, j.id),
        j.job === "retrain" ? "retrain" : "score prefix",
        j.model,
        el("span", {}, tag(j.status), j.outcome ? " " : null, j.outcome ? tag(j.outcome) : null),
        el("span", {}, jobProgress(j)),
        j.imagesPerSecond !== undefined ? String(j.imagesPerSecond) : "—",
        j.etaSeconds !== undefined && j.etaSeconds !== null ? j.etaSeconds + " s" : "—",
        when(j.createdAt)])),
    el("div", { class: "row" },
      page > 0 ? el("a", { class: "button secondary", href: "#/jobs?page=" + (page - 1) }, "Newer") : null,
      list.more ? el("a", { class: "button secondary", href: "#/jobs?page=" + (page + 1) }, "Older") : null));
  sizeBars(main);
  if (list.jobs.some((j) => !ENDED.includes(j.status))) refreshIn(2000);
}

async function jobView(id) {
  const seq = renderSeq;
  const job = await api("GET", "/jobs/" + encodeURIComponent(id));
  const rows = job.job === "retrain"
    ? [el("h2", {}, "Steps"), table(["step", "status", "progress", "started", "ended"], (job.steps || []).map((s) => [
      s.name, tag(s.status), el("span", { class: "mono" }, Object.entries(s.progress || {}).map(([k, v]) => k + " " + v).join(", ")),
      when(s.startedAt), when(s.endedAt)]))]
    : [el("dl", {},
      el("dt", {}, "input"), el("dd", {}, job.input),
      el("dt", {}, "model"), el("dd", {}, `${job.model} v${job.version}`),
      el("dt", {}, "predictions"), el("dd", {}, String(job.predictions)),
      el("dt", {}, "errors"), el("dd", {}, String(job.errors)),
      el("dt", {}, "images/s"), el("dd", {}, String(job.imagesPerSecond)),
      el("dt", {}, "ETA"), el("dd", {}, job.etaSeconds === null || job.etaSeconds === undefined ? "—" : job.etaSeconds + " s"),
      el("dt", {}, "output"), el("dd", { class: "mono" }, job.output),
      el("dt", {}, "complete"), el("dd", {}, job.complete ? "yes (summary.json written)" : "not yet"))];
  show(seq,
    el("h1", {}, job.job === "retrain" ? `Retrain ${job.id} of ${job.model}` : `Prefix job ${job.id}`),
    el("p", { id: "job-status" }, tag(job.status), job.outcome ? " " : null, job.outcome ? tag(job.outcome) : null,
      " ", el("span", {}, jobProgress(job))),
    job.failure ? el("p", { class: "error" }, "Failed: " + job.failure) : null,
    job.version && job.job === "retrain"
      ? el("p", {}, el("a", { href: `#/models/${encodeURIComponent(job.model)}/versions/${job.version}` }, `version ${job.version}`)) : null,
    ...rows);
  sizeBars(main);
  if (!ENDED.includes(job.status)) refreshIn(1000);
}

// ---- routing ----------------------------------------------------------------------------------

function refreshIn(millis) {
  clearTimeout(refreshTimer);
  const route = location.hash;
  refreshTimer = setTimeout(() => { if (location.hash === route) render(true); }, millis);
}

/**
 * Moves focus to the view just drawn (where a keyboard or screen-reader user continues after a
 * navigation), unless the user is in a field outside it — typing the token while the page loads:
 * taking focus there would send the rest of what they type nowhere.
 */
function focusView() {
  const active = document.activeElement;
  const inField = active && !main.contains(active) && active.matches("input, textarea, select, button");
  if (!inField) main.focus();
}

async function render(refreshing) {
  clearTimeout(refreshTimer);
  const seq = ++renderSeq;
  let hash;
  try {
    hash = decodeURIComponent(location.hash.replace(/^#/, "")) || "/";
  } catch (malformed) {
    hash = "/";
  }
  const [path, query] = hash.split("?");
  const parts = path.split("/").filter((p) => p);
  try {
    if (parts.length === 0) await tryIt();
    else if (parts[0] === "models" && parts.length === 1) await modelsView();
    else if (parts[0] === "models" && parts.length === 2) await modelView(parts[1]);
    else if (parts[0] === "models" && parts.length === 4 && parts[2] === "versions") await versionView(parts[1], parts[3]);
    else if (parts[0] === "jobs" && parts.length === 1) await jobsView(Number(new URLSearchParams(query || "").get("page") || 0));
    else if (parts[0] === "jobs" && parts.length === 2) await jobView(parts[1]);
    else show(seq, el("h1", {}, "Not found"), el("p", {}, "Nothing at " + hash + "."));
    if (!refreshing) focusView();
  } catch (e) {
    if (e === STALE || seq !== renderSeq) return; // a newer render owns the page
    say(e.message);
    if (!refreshing) show(seq, el("h1", {}, "Could not load this page"), el("p", {}, e.message));
  }
}

window.addEventListener("hashchange", () => { quiet(); render(); });
showToken();
readiness();
setInterval(readiness, 10000);
render();
