// PorousActors dashboard: polls the read-only JSON API and redraws. No libraries, no CDN.
"use strict";
const params = new URLSearchParams(location.search);
const refreshMs = Math.max(500, Number(params.get("refresh") || 2000));
const maxRows = 500; // a campaign of 10^4 chains: draw the first rows of the sorted, filtered list
let snapshot = null, sortKey = "id", sortDir = 1, selected = params.get("chain"), tick = 0; // ?chain=ID opens that chain

const $ = id => document.getElementById(id);
const fmt = v => v === null || v === undefined ? "–" : (typeof v === "number" ? (Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(3) : +v.toPrecision(4)) : String(v));
const text = (el, v) => { el.textContent = v; };
function duration(s) {
  if (s === null || s === undefined || !isFinite(s)) return "–";
  s = Math.round(s); const h = Math.floor(s / 3600), m = Math.floor(s % 3600 / 60), sec = s % 60;
  return (h ? h + " h " : "") + (h || m ? m + " min " : "") + sec + " s";
}

async function refresh() {
  try {
    const r = await fetch("api/campaign", { cache: "no-store" });
    if (!r.ok) throw new Error(r.status + " " + r.statusText);
    snapshot = await r.json();
    render();
  } catch (e) {
    $("note").hidden = false; text($("note"), "cannot reach the dashboard server: " + e.message);
  }
  setTimeout(refresh, refreshMs);
}

function render() {
  const s = snapshot, c = s.counts; tick++;
  text($("campaign"), s.campaign);
  const mode = $("mode"); mode.className = "badge " + (s.live ? "live" : "journal"); text(mode, s.live ? "live" : "from the journal");
  text($("meta"), [s.model && "model " + s.model, s.policy && "policy " + s.policy, s.maxEvaluations && "≤ " + s.maxEvaluations + " evaluations per chain"].filter(Boolean).join(" · "));
  $("note").hidden = !s.note; if (s.note) text($("note"), s.note);
  const done = c.succeeded + c.notReached + c.failed;
  text($("progress-done"), done); text($("progress-total"), c.total);
  text($("count-succeeded"), c.succeeded); text($("count-notreached"), c.notReached); text($("count-failed"), c.failed);
  text($("count-running"), c.running); text($("count-unfinished"), c.unfinished); text($("count-pending"), c.pending);
  text($("evaluations"), s.evaluations); text($("eta"), done === c.total && c.total > 0 ? "done" : duration(s.etaSeconds));
  text($("updated"), new Date(s.time).toLocaleTimeString());
  const pct = n => c.total ? (100 * n / c.total) + "%" : "0";
  $("bar-succeeded").style.width = pct(c.succeeded); $("bar-notreached").style.width = pct(c.notReached); $("bar-failed").style.width = pct(c.failed);
  if (tick % 3 === 1) $("throughput").src = "api/plots/throughput.png?t=" + Date.now();
  renderTargets(s); renderChains(s); renderMembers(s); renderEvents(s);
  if (selected && tick % 3 === 1 && s.chains.some(ch => ch.id === selected)) showChain(selected, false);
}

function renderTargets(s) {
  const box = $("targets");
  for (const p of s.properties) {
    let img = box.querySelector(`img[data-property="${CSS.escape(p)}"]`);
    if (!img) { img = document.createElement("img"); img.dataset.property = p; img.alt = "target vs achieved: " + p; box.appendChild(img); }
    if (tick % 3 === 1) img.src = "api/plots/targets/" + encodeURIComponent(p) + ".png?t=" + Date.now();
  }
}

function achieved(ch) {
  return ch.targetOutcomes.map(t => `${t.property} ${fmt(t.achieved)} (${fmt(t.value)} ± ${fmt(t.tolerance)})${t.within ? " ✓" : ""}`).join("; ");
}

function renderChains(s) {
  const q = $("filter").value.trim().toLowerCase(), st = $("status-filter").value;
  const rows = s.chains.filter(ch => (!st || ch.status === st) &&
    (!q || [ch.id, ch.targets, ch.status, ch.lastFailure || ""].some(v => v.toLowerCase().includes(q))));
  const key = ch => sortKey === "achieved" ? achieved(ch) : ch[sortKey];
  rows.sort((a, b) => {
    const x = key(a), y = key(b);
    if (x === y) return 0; if (x === null || x === undefined) return 1; if (y === null || y === undefined) return -1;
    return (typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y), undefined, { numeric: true })) * sortDir;
  });
  const body = $("chains").tBodies[0];
  body.replaceChildren(...rows.slice(0, maxRows).map(ch => {
    const tr = document.createElement("tr"); tr.dataset.id = ch.id; tr.dataset.status = ch.status;
    if (ch.id === selected) tr.className = "selected";
    const cells = [ch.id, ch.targets, ch.status, ch.steps, ch.evaluations, fmt(ch.error), achieved(ch), ch.lastFailure || ""];
    cells.forEach((v, i) => { const td = document.createElement("td"); td.textContent = v; if (i >= 3 && i <= 5) td.className = "num"; if (i === 2) td.className = "status-" + v; tr.appendChild(td); });
    tr.addEventListener("click", () => showChain(ch.id, true));
    return tr;
  }));
  text($("shown"), `${rows.length} of ${s.chains.length} chains` + (rows.length > maxRows ? ` (first ${maxRows} drawn: filter or sort to see others)` : ""));
  for (const th of $("chains").tHead.rows[0].cells) th.classList.toggle("sorted-asc", th.dataset.key === sortKey && sortDir > 0), th.classList.toggle("sorted-desc", th.dataset.key === sortKey && sortDir < 0);
}

function renderMembers(s) {
  $("members").tBodies[0].replaceChildren(...s.members.map(m => {
    const tr = document.createElement("tr");
    for (const v of [m.address, m.roles.join(", "), m.status, m.reachable ? "yes" : "NO"]) { const td = document.createElement("td"); td.textContent = v; tr.appendChild(td); }
    return tr;
  }));
}

function renderEvents(s) {
  const list = s.events.slice(-50).reverse();
  $("events").replaceChildren(...(list.length ? list.map(e => {
    const li = document.createElement("li"); li.textContent = `${new Date(e.time).toLocaleTimeString()} ${e.level} ${e.message}`; return li;
  }) : [Object.assign(document.createElement("li"), { textContent: "none since this server started" })]));
}

async function showChain(id, scroll) {
  selected = id;
  $("chain-detail").hidden = false; text($("detail-id"), id);
  $("detail-trace").src = "api/chains/" + encodeURIComponent(id) + "/trace.png?t=" + Date.now();
  const ch = snapshot.chains.find(c => c.id === id);
  $("detail-slices-figure").hidden = !(ch && ch.hasCube);
  if (ch && ch.hasCube) $("detail-slices").src = "api/chains/" + encodeURIComponent(id) + "/slices.png";
  const r = await fetch("api/chains/" + encodeURIComponent(id), { cache: "no-store" });
  if (r.ok) { const d = await r.json(); text($("detail-properties"), JSON.stringify({ allProperties: d.chain.allProperties, steps: d.trace.length, last: d.trace[d.trace.length - 1] }, null, 2)); }
  for (const tr of $("chains").tBodies[0].rows) tr.classList.toggle("selected", tr.dataset.id === id);
  if (scroll) $("chain-detail").scrollIntoView({ behavior: "smooth" });
}

for (const th of $("chains").tHead.rows[0].cells) th.addEventListener("click", () => {
  if (sortKey === th.dataset.key) sortDir = -sortDir; else { sortKey = th.dataset.key; sortDir = 1; }
  if (snapshot) renderChains(snapshot);
});
$("filter").addEventListener("input", () => snapshot && renderChains(snapshot));
$("status-filter").addEventListener("change", () => snapshot && renderChains(snapshot));
refresh();
