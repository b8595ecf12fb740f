// Vigil console: plain ES module, no dependencies. The API key lives in sessionStorage and is sent
// as a bearer header; it never appears in a URL. Pages are hash routes (#overview, #alerts, …).
const KEY = "vigil.key";
const REFRESH_MS = 20000;
const COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"];
const WINDOWS = { "1h": "1m", "24h": "15m", "7d": "1h", "30d": "6h" };
const NO_EVENTS = () => ["No events yet — POST to ", code("/api/events"), " or run ", code("./run --demo"), "."];

let session = null;
let timer = null;
const state = { window: "1h", groupBy: "", costWindow: "24h", slaWindow: "1h" };

// ---------- DOM helpers ----------
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "class") el.className = v;
    else el.setAttribute(k, v === true ? "" : v);
  }
  append(el, children);
  return el;
}
function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}
function code(text) { return h("code", {}, text); }
function svg(tag, attrs) {
  const el = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, v);
  return el;
}
function empty(...children) { return h("div", { class: "empty" }, children); }
function chip(text, cls) { return h("span", { class: "chip " + cls }, text); }
function toast(text) {
  const t = document.getElementById("toast");
  t.textContent = text;
  t.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { t.hidden = true; }, 5000);
}

// Times in the viewer's zone; UTC on hover.
function time(value) {
  if (!value) return h("span", { class: "muted" }, "—");
  const d = new Date(value);
  return h("time", { datetime: d.toISOString(), title: d.toISOString().replace(".000Z", "Z") + " (UTC)" },
    d.toLocaleString([], { dateStyle: "medium", timeStyle: "medium" }));
}
const pct = (v) => (v === null || v === undefined ? "—" : (v * 100).toFixed(1) + "%");
const ms = (v) => (v === null || v === undefined ? "—" : v >= 1000 ? (v / 1000).toFixed(2) + " s" : Math.round(v) + " ms");
const usd = (v) => (v === null || v === undefined ? "—" : "$" + Number(v).toLocaleString(undefined, { minimumFractionDigits: 2, maximumFractionDigits: v < 1 ? 4 : 2 }));
const num = (v) => (v === null || v === undefined ? "—" : Number(v).toLocaleString());

// ---------- API ----------
class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || "HTTP " + status);
    this.status = status;
    this.problem = problem;
  }
}
async function api(path, options = {}) {
  const headers = { Authorization: "Bearer " + sessionStorage.getItem(KEY), Accept: "application/json" };
  if (options.body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(path, {
    method: options.method || "GET", headers, cache: "no-store",
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  if (response.status === 401) { signOut("Your key was not accepted (401). Sign in again."); throw new ApiError(401, null); }
  const text = await response.text();
  const body = text ? JSON.parse(text) : null;
  if (!response.ok) throw new ApiError(response.status, body);
  return body;
}
function failure(err) {
  if (err.status === 403) return h("div", { class: "notice" }, "Your key's role or tenant does not allow this (403). ", err.message);
  if (err.status === 404) return empty(err.message);
  return h("div", { class: "notice" }, "Could not load: ", err.message);
}
async function act(button, fn, done) {
  button.disabled = true;
  try { await fn(); if (done) toast(done); await render(); }
  catch (err) { toast(err.status === 403 ? "Not allowed for this key (403): " + err.message : err.message); button.disabled = false; }
}

// ---------- sign-in ----------
async function signIn(key) {
  sessionStorage.setItem(KEY, key);
  try {
    session = await api("/api/console/session");
    // Resolve and Silence appear where the host serves the on-call routes (POST /api/alerts/{id}/resolve, /api/silences).
    session.on_call = await api("/api/silences?active=true").then(() => true, () => false);
  } catch (err) {
    sessionStorage.removeItem(KEY);
    session = null;
    const msg = err.status === 403 ? "This key cannot read (an ingest key?); use a read, operator or admin key." : err.message;
    document.getElementById("signin-error").textContent = msg;
    return false;
  }
  return true;
}
function signOut(message) {
  sessionStorage.removeItem(KEY);
  session = null;
  clearInterval(timer);
  showSignIn(message);
}
function showSignIn(message) {
  document.getElementById("signin").hidden = false;
  document.getElementById("page").hidden = true;
  for (const id of ["nav", "who", "signout"]) document.getElementById(id).hidden = true;
  document.getElementById("signin-error").textContent = message || "";
  document.getElementById("key").focus();
}
function showApp() {
  document.getElementById("signin").hidden = true;
  document.getElementById("page").hidden = false;
  for (const id of ["nav", "who", "signout"]) document.getElementById(id).hidden = false;
  const who = document.getElementById("who");
  who.textContent = `${session.name} · ${session.role}` + (session.tenant_id ? ` · tenant ${session.tenant_id}` : "");
  if (!location.hash) location.hash = "#overview";
  render();
  clearInterval(timer);
  timer = setInterval(() => { if (!document.hidden && !document.querySelector("#page textarea, #page .editing")) render(true); }, REFRESH_MS);
}

// ---------- charts (SVG) ----------
function lineChart(title, lines, format) {
  const card = h("div", { class: "card chart" }, h("h2", {}, title));
  const W = 600, H = 190, L = 52, R = 8, T = 8, B = 22;
  const all = lines.flatMap((l) => l.points.filter((p) => p.v !== null && p.v !== undefined));
  const box = svg("svg", { viewBox: `0 0 ${W} ${H}`, preserveAspectRatio: "none", role: "img", "aria-label": title,
    "data-points": String(all.length) });
  card.append(box);
  if (lines.length === 0 || lines[0].points.length === 0) return card;
  const t0 = new Date(lines[0].points[0].t).getTime();
  const t1 = new Date(lines[0].points[lines[0].points.length - 1].t).getTime() || t0 + 1;
  const max = Math.max(...all.map((p) => p.v), 0) || 1;
  const x = (t) => L + ((new Date(t).getTime() - t0) / Math.max(1, t1 - t0)) * (W - L - R);
  const y = (v) => T + (1 - v / max) * (H - T - B);
  for (let i = 0; i <= 4; i++) {
    const v = (max * i) / 4;
    box.append(svg("line", { class: "grid-line", x1: L, x2: W - R, y1: y(v), y2: y(v) }));
    const label = svg("text", { x: L - 4, y: y(v) + 3, "text-anchor": "end" });
    label.textContent = format(v);
    box.append(label);
  }
  for (const [i, t] of [[0, t0], [1, (t0 + t1) / 2], [2, t1]]) {
    const label = svg("text", { x: x(t), y: H - 6, "text-anchor": ["start", "middle", "end"][i] });
    label.textContent = new Date(t).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    box.append(label);
  }
  box.append(svg("line", { class: "axis", x1: L, x2: W - R, y1: H - B, y2: H - B }));
  lines.forEach((line, i) => {
    let d = "";
    let pen = false;
    for (const p of line.points) {
      if (p.v === null || p.v === undefined) { pen = false; continue; }
      d += (pen ? "L" : "M") + x(p.t).toFixed(1) + " " + y(p.v).toFixed(1);
      pen = true;
    }
    if (d) {
      const path = svg("path", { class: "line", d, stroke: COLORS[i % COLORS.length] });
      const tip = svg("title", {});
      tip.textContent = line.name;
      path.append(tip);
      box.append(path);
      // A single point draws nothing as a line: mark it.
      line.points.filter((p) => p.v !== null && p.v !== undefined).slice(0, 400).forEach((p) => {
        if (line.points.length < 120) box.append(svg("circle", { cx: x(p.t), cy: y(p.v), r: 2, fill: COLORS[i % COLORS.length] }));
      });
    }
  });
  if (lines.length > 1 || lines[0].name) {
    card.append(h("div", { class: "legend" }, lines.map((l, i) => {
      const sw = h("i", {});
      sw.style.background = COLORS[i % COLORS.length];
      return h("span", {}, sw, l.name);
    })));
  }
  if (all.length === 0) card.append(h("p", { class: "muted" }, "No data in this window."));
  return card;
}

// ---------- pages ----------
const pages = {
  overview: { title: "Overview", render: overview },
  bots: { title: "Bots & SLA", render: bots },
  cost: { title: "Cost", render: cost },
  alerts: { title: "Alerts", render: alerts },
  rules: { title: "Rules", render: rules },
  budgets: { title: "Budgets", render: budgets },
  jobs: { title: "Batch jobs", render: jobs },
  explore: { title: "Explore", render: explore },
};

function select(label, value, options, onchange) {
  const s = h("select", { "aria-label": label, onchange: (e) => onchange(e.target.value) },
    options.map(([v, text]) => h("option", { value: v, selected: v === value }, text)));
  return h("label", {}, label + " ", s);
}

async function overview() {
  const step = WINDOWS[state.window];
  const metrics = "event_count,error_rate,latency_p50,latency_p95,latency_p99,ttft_p95,cache_hit_rate,cost_usd";
  const group = state.groupBy ? `&group_by=${state.groupBy}` : "";
  const data = await api(`/api/metrics/timeseries?window=${state.window}&step=${step}&metric=${metrics}${group}`);
  const toolbar = h("div", { class: "toolbar" },
    select("Window", state.window, Object.keys(WINDOWS).map((w) => [w, w]), (v) => { state.window = v; render(); }),
    select("By", state.groupBy, [["", "all"], ["bot", "bot"], ["model", "model"]], (v) => { state.groupBy = v; render(); }),
    h("span", { class: "muted" }, "step ", data.step, " · rolled up to ", time(data.complete_up_to), " · refreshes every 20 s"));
  const total = data.series.reduce((n, s) => n + s.points.reduce((m, p) => m + p.count, 0), 0);
  if (total === 0) return [toolbar, empty(...NO_EVENTS())];
  const stepMinutes = { "1m": 1, "15m": 15, "1h": 60, "6h": 360 }[step];
  const name = (s) => Object.values(s.key).map((v) => v ?? "(none)").join(" / ");
  const series = (metric, scale = 1) => data.series.map((s) => ({ name: name(s),
    points: s.points.map((p) => ({ t: p.t, v: p[metric] === null ? null : p[metric] * scale })) }));
  const latency = state.groupBy ? series("latency_p95")
    : ["latency_p50", "latency_p95", "latency_p99"].map((m) => ({ name: m.replace("latency_", "").toUpperCase(),
      points: data.series[0].points.map((p) => ({ t: p.t, v: p[m] })) }));
  const rate = data.series.map((s) => ({ name: name(s), points: s.points.map((p) => ({ t: p.t, v: p.count / stepMinutes })) }));
  const sum = (f) => data.series.reduce((n, s) => n + s.points.reduce((m, p) => m + (p[f] || 0), 0), 0);
  const stats = h("div", { class: "grid" },
    h("div", { class: "card" }, h("div", { class: "muted" }, "Events in ", state.window), h("div", { class: "stat", id: "stat-events" }, num(total))),
    h("div", { class: "card" }, h("div", { class: "muted" }, "Cost in ", state.window), h("div", { class: "stat" }, usd(sum("cost_usd")))));
  return [toolbar, stats, h("p"), h("div", { class: "grid", id: "charts" },
    lineChart("Requests per minute", rate, (v) => v.toFixed(v < 10 ? 1 : 0)),
    lineChart("Error rate", series("error_rate"), (v) => (v * 100).toFixed(1) + "%"),
    lineChart(state.groupBy ? "Latency P95" : "Latency P50 / P95 / P99", latency, (v) => ms(v)),
    lineChart("Time to first token, P95", series("ttft_p95"), (v) => ms(v)),
    lineChart("Cache hit rate", series("cache_hit_rate"), (v) => (v * 100).toFixed(0) + "%"),
    lineChart("Cost per step", series("cost_usd"), (v) => "$" + v.toFixed(v < 1 ? 3 : 2)))];
}

async function bots() {
  const data = await api(`/api/sla?window=${state.slaWindow}`);
  const summary = await api(`/api/metrics/summary?window=${state.slaWindow}&group_by=bot,operation`);
  const toolbar = h("div", { class: "toolbar" },
    select("Window", state.slaWindow, ["5m", "1h", "24h", "7d"].map((w) => [w, w]), (v) => { state.slaWindow = v; render(); }));
  const sla = data.results.length === 0 ? empty("No SLA targets. Set one with ", code("PUT /api/sla-targets/{bot}/{operation}"), ".")
    : h("div", { class: "table-wrap" }, h("table", {},
      h("thead", {}, h("tr", {}, ["Bot", "Operation", "Status", "Count", "P50 actual / target", "P95 actual / target", "P99 actual / target", "Violations"].map((c) => h("th", {}, c)))),
      h("tbody", {}, data.results.map((r) => h("tr", { class: "clickable", onclick: () => explore_(`bot=${r.bot}&operation=${encodeURIComponent(r.operation)}`) },
        h("td", {}, r.bot), h("td", {}, r.operation), h("td", {}, chip((r.status || (r.compliant ? "compliant" : "violated")).replace("_", " "), "st-" + (r.status || (r.compliant ? "compliant" : "violated")))),
        h("td", { class: "num" }, num(r.actual.count)),
        ["p50_ms", "p95_ms", "p99_ms"].map((k) => h("td", { class: "num" }, ms(r.actual[k]), " / ", ms(r.target[k]))),
        h("td", {}, r.violations.join("; ") || "—"))))));
  const groups = summary.groups;
  const perBot = groups.length === 0 ? empty(...NO_EVENTS()) : h("div", { class: "table-wrap" }, h("table", {},
    h("thead", {}, h("tr", {}, ["Bot", "Operation", "Events", "Error rate", "P95", "Cache hits", "Satisfaction", "Cost"].map((c) => h("th", {}, c)))),
    h("tbody", {}, groups.map((g) => h("tr", {}, h("td", {}, g.key.bot), h("td", {}, g.key.operation ?? "—"), h("td", { class: "num" }, num(g.count)),
      h("td", { class: "num" }, pct(g.error_rate)), h("td", { class: "num" }, ms(g.p95_ms)), h("td", { class: "num" }, pct(g.cache_hit_rate)),
      h("td", { class: "num" }, pct(g.satisfaction_rate)), h("td", { class: "num" }, usd(g.cost_usd)))))));
  return [toolbar, h("h2", {}, "SLA compliance"), sla, h("p"), h("h2", {}, "Bots and operations"), perBot];
}

async function cost() {
  const w = state.costWindow;
  const step = { "24h": "1h", "7d": "6h", "30d": "1d" }[w];
  const [trend, ...tables] = await Promise.all([
    api(`/api/metrics/timeseries?window=${w}&step=${step}&metric=cost_usd&group_by=type`),
    ...["model", "bot", "tenant_id", "conversation_id", "batch_job", "type"].map((g) => api(`/api/metrics/cost?window=${w}&group_by=${g}&limit=10`)),
  ]);
  const toolbar = h("div", { class: "toolbar" },
    select("Window", w, ["24h", "7d", "30d"].map((x) => [x, x]), (v) => { state.costWindow = v; render(); }),
    h("span", { class: "stat", id: "cost-total" }, usd(tables[0].total_cost_usd)), h("span", { class: "muted" }, "total in ", w));
  if (tables[0].groups.length === 0) return [toolbar, empty(...NO_EVENTS())];
  const names = ["By model", "By bot", "Top tenants", "Top conversations", "By batch job", "By type"];
  const dims = ["model", "bot", "tenant_id", "conversation_id", "batch_job", "type"];
  const cards = tables.map((t, i) => h("div", { class: "card" }, h("h2", {}, names[i]), t.groups.length === 0 ? h("p", { class: "muted" }, "Nothing in this window.")
    : h("table", {}, h("tbody", {}, t.groups.map((g) => {
      const value = g.key[dims[i]] ?? "(none)";
      const open = dims[i] === "conversation_id" && g.key.conversation_id ? () => openConversation(g.key.conversation_id) : null;
      return h("tr", { class: open ? "clickable" : null, onclick: open },
        h("td", {}, value), h("td", { class: "num" }, num(g.calls), " calls"), h("td", { class: "num" }, usd(g.cost_usd)));
    })))));
  const trendLines = trend.series.map((s) => ({ name: s.key.type ?? "(none)", points: s.points.map((p) => ({ t: p.t, v: p.cost_usd })) }));
  return [toolbar, h("div", { class: "grid" }, lineChart(`Cost per ${step}, by type`, trendLines, (v) => "$" + v.toFixed(2)), ...cards)];
}

async function alerts() {
  const [open, resolved] = await Promise.all([api("/api/alerts"), api("/api/alerts?state=resolved")]);
  const active = open.alerts.filter((a) => a.state !== "resolved");
  const recent = resolved.alerts.slice(0, 20);
  const table = (list) => h("div", { class: "table-wrap" }, h("table", {},
    h("thead", {}, h("tr", {}, ["Rule", "Group", "Severity", "State", "Value / threshold", "Fired", "Level", ""].map((c) => h("th", {}, c)))),
    h("tbody", {}, list.map((a) => {
      const details = h("tr", { hidden: true }, h("td", { colspan: 8 }, timeline(a)));
      const row = h("tr", { class: "clickable", "data-alert": a.id, onclick: () => { details.hidden = !details.hidden; } },
        h("td", {}, a.rule), h("td", {}, Object.entries(a.group || {}).map(([k, v]) => `${k}=${v}`).join(", ") || "—"),
        h("td", {}, chip(a.severity, "sev-" + a.severity)), h("td", {}, chip(a.state, "state-" + a.state)),
        h("td", { class: "num" }, fmtValue(a.value), " ", a.comparator || "", " ", fmtValue(a.threshold)),
        h("td", {}, time(a.fired_at || a.started_at)), h("td", { class: "num" }, a.escalation_level ?? "—"),
        h("td", { class: "row-actions" }, actions(a)));
      return [row, details];
    }))));
  return [h("h2", {}, "Open"), active.length ? table(active) : empty("No open alerts. Rules are on the Rules page; ", code("POST /admin/functions/EvaluateAlerts"), " evaluates them now."),
    h("p"), h("h2", {}, "Recently resolved"), recent.length ? table(recent) : empty("Nothing resolved yet.")];
}
function fmtValue(v) { return v === null || v === undefined ? "—" : Math.abs(v) >= 100 ? Math.round(v) : Number(v).toPrecision(3); }
function actions(a) {
  const out = [];
  if (session.can_acknowledge && (a.state === "firing" || a.state === "pending")) {
    out.push(h("button", { type: "button", class: "ack", onclick: (e) => { e.stopPropagation();
      act(e.target, () => api(`/api/alerts/${a.id}/ack`, { method: "POST", body: { acknowledged_by: session.name, note: "from the console" } }), "Acknowledged"); } }, "Acknowledge"));
  }
  if (session.can_acknowledge && session.on_call && a.state !== "resolved") {
    out.push(h("button", { type: "button", class: "secondary resolve", onclick: (e) => { e.stopPropagation();
      act(e.target, () => api(`/api/alerts/${a.id}/resolve`, { method: "POST", body: { resolved_by: session.name, note: "resolved from the console" } }), "Resolved"); } }, "Resolve"));
    out.push(h("button", { type: "button", class: "secondary silence", onclick: (e) => { e.stopPropagation();
      const hours = prompt(`Silence ${a.rule}${Object.keys(a.group || {}).length ? " for this group" : ""} for how many hours?`, "1");
      if (hours === null || !(Number(hours) > 0)) return;
      const now = new Date();
      act(e.target, () => api("/api/silences", { method: "POST", body: { matchers: { rule: a.rule, ...(a.group || {}) }, starts_at: now.toISOString(),
        ends_at: new Date(now.getTime() + Number(hours) * 3600000).toISOString(), created_by: session.name, comment: "silenced from the console" } }), "Silenced"); } }, "Silence"));
  }
  return out;
}
function timeline(a) {
  const items = [["started", a.started_at], ["fired", a.fired_at], ["acknowledged by " + (a.acknowledged_by || ""), a.acknowledged_at], ["resolved", a.resolved_at]]
    .filter(([, t]) => t).map(([what, t]) => h("li", {}, time(t), " — ", what));
  for (const n of a.notifications || []) {
    items.push(h("li", {}, time(n.sent_at), ` — level ${n.level} ${n.kind || ""} via ${n.channel}: ${n.status}` + (n.attempts > 1 ? ` (${n.attempts} attempts)` : "") + (n.error ? ` — ${n.error}` : "")));
  }
  return h("div", {}, h("strong", {}, "Timeline"), h("ul", { class: "timeline" }, items));
}

async function rules() {
  const data = await api("/api/alert-rules");
  const create = session.can_admin ? h("button", { type: "button", onclick: () => editRule(null) }, "New rule") : null;
  const toolbar = h("div", { class: "toolbar" }, create, h("span", { class: "muted" }, data.rules.length, " rules"));
  if (data.rules.length === 0) return [toolbar, empty("No alert rules yet.", session.can_admin ? " Create one with “New rule”." : " An admin key can create them.")];
  return [toolbar, h("div", { class: "table-wrap" }, h("table", {},
    h("thead", {}, h("tr", {}, ["Name", "Severity", "Condition", "Window / for", "Channels", "Enabled", ""].map((c) => h("th", {}, c)))),
    h("tbody", {}, data.rules.map((r) => h("tr", { "data-rule": r.name },
      h("td", {}, h("strong", {}, r.name), h("div", { class: "muted" }, r.description || "")),
      h("td", {}, chip(r.severity, "sev-" + r.severity)),
      h("td", {}, `${r.metric} ${r.comparator} ${r.threshold ?? r.threshold_from}`, r.group_by?.length ? h("div", { class: "muted" }, "by " + r.group_by.join(", ")) : null),
      h("td", {}, `${r.window} / ${r.for}`), h("td", {}, (r.channels || []).join(", ")),
      h("td", {}, chip(r.enabled ? "enabled" : "disabled", r.enabled ? "st-enabled" : "st-disabled")),
      h("td", { class: "row-actions" }, session.can_admin ? [
        h("button", { type: "button", class: "secondary toggle", onclick: (e) => act(e.target,
          () => api(`/api/alert-rules/${encodeURIComponent(r.name)}/${r.enabled ? "disable" : "enable"}`, { method: "POST", body: {} }), r.enabled ? "Disabled" : "Enabled") },
        r.enabled ? "Disable" : "Enable"),
        h("button", { type: "button", class: "secondary", onclick: () => editRule(r) }, "Edit")] : null))))))];
}
function editRule(rule) {
  const page = document.getElementById("page");
  const fields = ["name", "description", "metric", "filters", "group_by", "window", "comparator", "threshold", "threshold_from", "for", "min_samples", "severity", "cooldown", "channels", "enabled"];
  const body = rule ? Object.fromEntries(fields.filter((f) => rule[f] !== null && rule[f] !== undefined).map((f) => [f, rule[f]]))
    : { name: "", description: "", metric: "latency_p95", filters: {}, group_by: ["bot"], window: "5m", comparator: ">", threshold: 2000, for: "5m", min_samples: 20, severity: "warning", cooldown: "5m", channels: ["slack"], enabled: true };
  const area = h("textarea", { "aria-label": "Rule JSON", spellcheck: "false" }, JSON.stringify(body, null, 2));
  const error = h("p", { class: "error", role: "alert" });
  const save = h("button", { type: "button", onclick: async () => {
    let value;
    try { value = JSON.parse(area.value); } catch (e) { error.textContent = "Not JSON: " + e.message; return; }
    const name = value.name || rule?.name;
    if (!name) { error.textContent = "The rule needs a name."; return; }
    delete value.name;
    try { await api(`/api/alert-rules/${encodeURIComponent(name)}`, { method: "PUT", body: value }); toast("Saved " + name); location.hash = "#rules"; render(); }
    catch (err) { error.textContent = err.message + (err.problem?.errors ? " — " + Object.entries(err.problem.errors).map(([k, v]) => `${k}: ${v.join(" ")}`).join("; ") : ""); }
  } }, "Save");
  page.replaceChildren(h("h1", {}, rule ? "Edit rule " + rule.name : "New rule"), h("div", { class: "card editing" },
    h("p", { class: "muted" }, "The rule as ", code("PUT /api/alert-rules/{name}"), " takes it. Metrics: latency_p50/p95/p99, ttft_p95, error_rate, rate_limit_error_rate, cache_hit_rate, cost_usd, …"),
    area, error, h("div", { class: "row-actions" }, save, h("button", { type: "button", class: "secondary", onclick: () => render() }, "Cancel"))));
}

async function budgets() {
  const data = await api("/api/budgets");
  if (data.budgets.length === 0) return [empty("No budgets. Create one with ", code("PUT /api/budgets/{name}"), ".")];
  return [h("div", { class: "grid" }, data.budgets.map((b) => {
    const percent = b.percent ?? (b.amount_usd ? (b.spent_usd / b.amount_usd) * 100 : 0);
    const fill = h("div", { class: "fill" + (percent >= 100 ? " bad" : percent >= 75 ? " warn" : "") });
    fill.style.width = Math.min(100, percent).toFixed(2) + "%";
    const bar = h("div", { class: "bar", role: "progressbar", "aria-valuenow": percent.toFixed(1), "aria-valuemin": "0", "aria-valuemax": "100", "data-budget": b.name }, fill);
    for (const t of b.thresholds || []) {
      const m = h("span", { class: "mark", title: `${t.percent}%: ${(t.actions || []).join(", ")}` });
      m.style.left = Math.min(100, t.percent) + "%";
      bar.append(m);
    }
    if (b.forecast_usd && b.amount_usd) {
      const f = h("span", { class: "forecast", title: "forecast " + usd(b.forecast_usd) });
      f.style.width = Math.min(100, (b.forecast_usd / b.amount_usd) * 100) + "%";
      bar.append(f);
    }
    const crossed = (b.thresholds_crossed || []).map((t) => (typeof t === "object" ? t.percent + "%" : t + "%"));
    return h("div", { class: "card" }, h("h2", {}, b.name, b.tenant_id ? h("span", { class: "muted" }, " · " + b.tenant_id) : null),
      h("div", {}, h("span", { class: "stat budget-percent" }, percent.toFixed(1) + "%"), " ", h("span", { class: "muted" }, usd(b.spent_usd), " of ", usd(b.amount_usd))), bar,
      h("dl", { class: "kv" }, h("dt", {}, "Period"), h("dd", {}, time(b.period_start), " → ", time(b.period_end)),
        h("dt", {}, "Forecast"), h("dd", {}, usd(b.forecast_usd)), h("dt", {}, "Thresholds crossed"), h("dd", {}, crossed.join(", ") || "none")));
  }))];
}

async function jobs() {
  const data = await api("/api/batch-jobs");
  if (data.batch_jobs.length === 0) return [empty("No batch jobs. Register one with ", code("PUT /api/batch-jobs/{name}"), ".")];
  const runs = await Promise.all(data.batch_jobs.map((j) => api(`/api/batch-jobs/${encodeURIComponent(j.name)}/runs`).catch(() => ({ runs: [] }))));
  return data.batch_jobs.map((j, i) => {
    const list = runs[i].runs.slice(0, 10);
    const done = list.filter((r) => r.success_rate !== null && r.success_rate !== undefined);
    const avg = done.length ? done.reduce((n, r) => n + r.success_rate, 0) / done.length : null;
    const toggle = session.can_admin ? h("button", { type: "button", class: j.enabled ? "danger" : "", onclick: (e) => {
      const reason = j.enabled ? prompt("Why disable " + j.name + "?", "paused from the console") : "enabled from the console";
      if (reason === null) return;
      act(e.target, () => api(`/api/batch-jobs/${encodeURIComponent(j.name)}/${j.enabled ? "disable" : "enable"}`, { method: "POST", body: { by: session.name, reason } }));
    } }, j.enabled ? "Disable" : "Enable") : null;
    return h("div", { class: "card" }, h("div", { class: "toolbar" }, h("h2", {}, j.name), chip(j.enabled ? "enabled" : "disabled", j.enabled ? "st-enabled" : "st-disabled"), toggle),
      j.enabled ? null : h("p", { class: "error" }, "Disabled by ", j.disabled_by || "?", " ", time(j.disabled_at), ": ", j.disabled_reason || ""),
      h("p", { class: "muted" }, j.description || "", " · success rate of the last runs: ", pct(avg)),
      list.length === 0 ? h("p", { class: "muted" }, "No runs yet.") : h("div", { class: "table-wrap" }, h("table", {},
        h("thead", {}, h("tr", {}, ["Run", "Status", "Started", "Duration", "Success", "Cost", "Per item", "Flags"].map((c) => h("th", {}, c)))),
        h("tbody", {}, list.map((r) => h("tr", {}, h("td", {}, r.run_id), h("td", {}, r.status), h("td", {}, time(r.started_at)),
          h("td", { class: "num" }, r.duration_seconds === null ? "—" : r.duration_seconds.toFixed(0) + " s"), h("td", { class: "num" }, pct(r.success_rate)),
          h("td", { class: "num" }, usd(r.cost_usd)), h("td", { class: "num" }, usd(r.cost_per_item)),
          h("td", {}, (r.flags || []).map((f) => chip(f, "st-flagged")))))))));
  });
}

// ---------- Explore ----------
function explore_(query) { location.hash = "#explore?" + query; }
function openConversation(id) { location.hash = "#explore?conversation=" + encodeURIComponent(id); }
async function explore(params) {
  if (params.get("conversation")) return conversation(params.get("conversation"));
  const fields = ["window", "bot", "type", "conversation_id", "trace_id", "user_id", "rating", "success", "tool_name", "min_duration_ms"];
  const form = h("form", { class: "toolbar", onsubmit: (e) => {
    e.preventDefault();
    const q = new URLSearchParams();
    for (const f of fields) { const v = e.target.elements[f].value.trim(); if (v) q.set(f, v); }
    explore_(q.toString());
  } }, fields.map((f) => h("input", { name: f, placeholder: f, value: params.get(f) || (f === "window" ? "24h" : ""), size: f === "window" ? 4 : 12, "aria-label": f })),
  h("button", { type: "submit" }, "Search"));
  const q = new URLSearchParams();
  for (const f of fields) if (params.get(f)) q.set(f, params.get(f));
  if (!q.get("window")) q.set("window", "24h");
  q.set("limit", "50");
  const table = h("tbody");
  const more = h("button", { type: "button", class: "secondary", hidden: true });
  const load = async (cursor) => {
    const page = await api("/api/events?" + q.toString() + (cursor ? "&cursor=" + encodeURIComponent(cursor) : ""));
    append(table, page.events.map(eventRow));
    more.hidden = !page.next_cursor;
    more.onclick = () => load(page.next_cursor);
    return page;
  };
  const first = await load(null);
  const worst = params.toString() ? null : await worstConversations();
  const lead = worst ? [worst] : [];
  if (first.events.length === 0) return [...lead, form, empty(params.toString() ? "No events match. Widen the window or drop a filter." : NO_EVENTS())];
  return [...lead, form, h("div", { class: "table-wrap" }, h("table", {},
    h("thead", {}, h("tr", {}, ["Time", "Type", "Bot", "Operation", "Duration", "OK", "Cost", "Conversation", "Trace"].map((c) => h("th", {}, c)))), table)), h("p"), more];
}
// The Friday review's question: which conversations of the week went worst (lowest quality first).
async function worstConversations() {
  let list;
  try { list = (await api("/api/conversations?window=7d&sort=quality&limit=10")).conversations; }
  catch (err) { if (err.status === 401) throw err; return null; }
  const body = list.length === 0 ? empty("No scored conversations this week — send message events (see docs/conversations.md).")
    : h("div", { class: "table-wrap" }, h("table", {}, h("thead", {}, h("tr", {}, ["Conversation", "Bots", "Started", "Messages", "Quality", "Sentiment", "Resolved"].map((c) => h("th", {}, c)))),
      h("tbody", {}, list.map((c) => h("tr", {},
        h("td", {}, h("a", { href: "#explore?conversation=" + encodeURIComponent(c.conversation_id), class: "worst-conversation" }, c.conversation_id)),
        h("td", {}, (c.bots || []).join(" → ")), h("td", {}, time(c.started_at)), h("td", { class: "num" }, c.messages ?? "—"),
        h("td", { class: "num" }, c.quality == null ? "—" : c.quality.toFixed(2)),
        h("td", { class: "num" }, c.sentiment_average == null ? "—" : c.sentiment_average.toFixed(2)), h("td", {}, c.resolved ? "✓" : "—"))))));
  return h("div", { class: "card", id: "worst-conversations" }, h("h2", {}, "Worst conversations this week"), body);
}
function eventRow(e) {
  const conv = e.conversation_id ? h("a", { href: "#explore?conversation=" + encodeURIComponent(e.conversation_id), class: "conversation-link" }, e.conversation_id) : "—";
  const trace = e.trace_id ? h("a", { href: "#explore?trace_id=" + encodeURIComponent(e.trace_id) + "&window=7d" }, e.trace_id.slice(0, 12)) : "—";
  return h("tr", {}, h("td", {}, time(e.timestamp)), h("td", {}, e.type, e.rating ? " (" + e.rating + ")" : ""), h("td", {}, e.bot), h("td", {}, e.operation ?? "—"),
    h("td", { class: "num" }, ms(e.duration_ms)), h("td", {}, e.success === false ? chip(e.error_type || "failed", "state-firing") : "✓"),
    h("td", { class: "num" }, e.cost_usd ? usd(e.cost_usd) : "—"), h("td", {}, conv), h("td", {}, trace));
}
async function conversation(id) {
  let c;
  try {
    c = await api(`/api/conversations/${encodeURIComponent(id)}`);
  } catch (err) {
    if (err.status !== 404 && err.status !== 405) throw err;
    // A host without the conversations route: the same view from the drill-down.
    const events = (await api(`/api/events?window=7d&limit=1000&conversation_id=${encodeURIComponent(id)}`)).events.reverse();
    if (events.length === 0) return [empty("No conversation '", id, "' in the last 7 days.")];
    const bots = [...new Set(events.map((e) => e.bot))];
    c = { conversation_id: id, tenant_id: events[0].tenant_id, started_at: events[0].timestamp, ended_at: events[events.length - 1].timestamp,
      bots, agent_switches: events.filter((e, i) => i > 0 && e.bot !== events[i - 1].bot).length, events,
      cost_usd: events.reduce((n, e) => n + (e.cost_usd || 0), 0),
      feedback: { positive: events.filter((e) => e.rating === "positive").length, negative: events.filter((e) => e.rating === "negative").length }, analytics: null };
  }
  const a = c.analytics;
  return [h("p", {}, h("a", { href: "#explore" }, "← Explore")), h("div", { class: "card", id: "conversation" },
    h("h2", {}, "Conversation ", c.conversation_id),
    h("dl", { class: "kv" }, h("dt", {}, "Tenant"), h("dd", {}, c.tenant_id), h("dt", {}, "Started"), h("dd", {}, time(c.started_at)),
      h("dt", {}, "Ended"), h("dd", {}, time(c.ended_at)), h("dt", {}, "Bots"), h("dd", { class: "conversation-bots" }, c.bots.join(" → ")),
      h("dt", {}, "Agent switches"), h("dd", {}, c.agent_switches), h("dt", {}, "Cost"), h("dd", {}, usd(c.cost_usd)),
      h("dt", {}, "Feedback"), h("dd", {}, `👍 ${c.feedback.positive} · 👎 ${c.feedback.negative}`),
      a ? [h("dt", {}, "Quality"), h("dd", {}, a.quality ?? "—"), h("dt", {}, "Resolved"), h("dd", {}, String(a.resolved ?? "—"))] : null)),
  h("p"), h("div", { class: "table-wrap" }, h("table", {}, h("thead", {}, h("tr", {}, ["Time", "Type", "Bot", "Operation", "Duration", "OK", "Cost", "Conversation", "Trace"].map((x) => h("th", {}, x)))),
    h("tbody", {}, c.events.map(eventRow))))];
}

// ---------- router ----------
async function render(quiet) {
  if (!session) return;
  const [name, query] = location.hash.slice(1).split("?");
  const page = pages[name] || pages.overview;
  for (const a of document.querySelectorAll("nav a")) a.classList.toggle("active", a.getAttribute("href") === "#" + (pages[name] ? name : "overview"));
  const target = document.getElementById("page");
  const token = (render.token = (render.token || 0) + 1);
  let content;
  try { content = await page.render(new URLSearchParams(query || "")); }
  catch (err) { if (err.status === 401) return; content = [failure(err)]; }
  if (token !== render.token) return;
  if (quiet && document.activeElement && target.contains(document.activeElement) && document.activeElement.tagName === "INPUT") return;
  target.replaceChildren(h("h1", {}, page.title), ...[content].flat());
  target.dataset.page = pages[name] ? name : "overview";
  target.dataset.loaded = String(token);
}

document.getElementById("signin-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const key = document.getElementById("key").value.trim();
  if (key && (await signIn(key))) { document.getElementById("key").value = ""; showApp(); }
});
document.getElementById("signout").addEventListener("click", () => signOut());
window.addEventListener("hashchange", () => render());
(async () => {
  if (sessionStorage.getItem(KEY) && (await signIn(sessionStorage.getItem(KEY)))) showApp();
  else showSignIn();
})();
