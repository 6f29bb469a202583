// Scopeline's browser UI: a live topology map fed by the Scope UI API and its WebSocket diffs.
// Plain ES module; its libraries are d3 and, for exec and log terminals, xterm.js (both from
// webjars, loaded by index.html).
const d3 = window.d3;

const state = {
  topologies: [],
  topology: 'hosts',
  options: {},          // topology id -> {optionId: value}
  timestamp: null,      // ISO string when time-travelling, else null
  socket: null,
  selected: null,
  silentHosts: new Set(), // host names whose probe is silent (nodata)
  probeHosts: new Map(),  // probe id -> host name, remembered after the host leaves the window
  nodes: new Map(),     // id -> {id, summary, x, y}
  compare: null,        // {from, added: Set, changed: Set, removed: [NodeSummary], edgesAdded: Set, edgesRemoved: Set}
};

const el = (id) => document.getElementById(id);
const svg = d3.select('#graph');
// Edges point from the side that opened the connection.
svg.append('defs').append('marker').attr('id', 'arrow').attr('viewBox', '0 -5 10 10').attr('refX', 30)
  .attr('markerWidth', 6).attr('markerHeight', 6).attr('orient', 'auto')
  .append('path').attr('d', 'M0,-5L10,0L0,5').attr('fill', '#9aa3bd');
const zoomLayer = svg.append('g');
const linkLayer = zoomLayer.append('g');
const nodeLayer = zoomLayer.append('g');
svg.call(d3.zoom().scaleExtent([0.2, 4]).on('zoom', (e) => zoomLayer.attr('transform', e.transform)));

// Existing nodes keep their place; only new ones are placed, near a neighbour, so a diff never
// re-lays out the map. The simulation is only nudged (low alpha) when something changes.
const simulation = d3.forceSimulation()
  .force('charge', d3.forceManyBody().strength(-220))
  .force('link', d3.forceLink().id((d) => d.id).distance(90).strength(0.3))
  .force('collide', d3.forceCollide(34))
  .force('x', d3.forceX().strength(0.03))
  .force('y', d3.forceY().strength(0.03))
  .alphaDecay(0.05)
  .on('tick', draw);

function center() {
  const box = el('graph').getBoundingClientRect();
  return { x: box.width / 2, y: box.height / 2 };
}

function query(topologyId, extra = {}) {
  const params = new URLSearchParams({ ...(state.options[topologyId] || {}), ...extra });
  if (state.timestamp) params.set('timestamp', state.timestamp);
  const s = params.toString();
  return s ? `?${s}` : '';
}

async function getJson(path) {
  const response = await fetch(path, { headers: { Accept: 'application/json' } });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

// ---- topology selector and options ------------------------------------------------------------

async function loadTopologies() {
  try {
    state.topologies = await getJson(`api/topology${query(state.topology)}`);
    renderTopologyNav();
    renderOptions();
  } catch (e) {
    status(`Cannot list topologies: ${e.message}`);
  }
}

function flatTopologies() {
  const out = [];
  for (const t of state.topologies) {
    out.push({ ...t, sub: false });
    for (const s of t.sub_topologies || []) out.push({ ...s, sub: true });
  }
  return out;
}

const topologyId = (t) => t.url.split('/').pop();

function renderTopologyNav() {
  const nav = el('topologies');
  nav.replaceChildren();
  for (const t of flatTopologies()) {
    const id = topologyId(t);
    if (t.hide_if_empty && t.stats.node_count === 0 && id !== state.topology) continue;
    const b = document.createElement('button');
    b.type = 'button';
    b.dataset.topology = id;
    b.className = (t.sub ? 'sub ' : '') + (id === state.topology ? 'active' : '');
    b.textContent = t.name;
    const count = document.createElement('span');
    count.className = 'count';
    count.textContent = t.stats.nonpseudo_node_count;
    b.append(count);
    b.onclick = () => switchTopology(id);
    nav.append(b);
  }
}

function renderOptions() {
  const box = el('options');
  box.replaceChildren();
  const t = flatTopologies().find((x) => topologyId(x) === state.topology);
  for (const group of (t && t.options) || []) {
    const chosen = (state.options[state.topology] || {})[group.id] || group.defaultValue;
    const g = document.createElement('div');
    g.className = 'group';
    if (group.selectType === 'union') {
      // Namespaces: any number of values, comma-separated; none selected means all.
      const selected = new Set(chosen ? chosen.split(',') : []);
      const set = (values) => {
        state.options[state.topology] = { ...(state.options[state.topology] || {}), [group.id]: [...values].join(',') };
        renderOptions();
        connect();
      };
      const all = document.createElement('button');
      all.type = 'button';
      all.textContent = group.noneLabel || 'All';
      all.className = selected.size === 0 ? 'active' : '';
      all.onclick = () => set([]);
      g.append(all);
      for (const option of group.options) {
        const b = document.createElement('button');
        b.type = 'button';
        b.textContent = option.label;
        b.className = selected.has(option.value) ? 'active' : '';
        b.onclick = () => {
          const next = new Set(selected);
          if (next.has(option.value)) next.delete(option.value); else next.add(option.value);
          set(next);
        };
        g.append(b);
      }
      box.append(g);
      continue;
    }
    for (const option of group.options) {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = option.label;
      b.className = option.value === chosen ? 'active' : '';
      b.onclick = () => {
        state.options[state.topology] = { ...(state.options[state.topology] || {}), [group.id]: option.value };
        renderOptions();
        connect();
      };
      g.append(b);
    }
    box.append(g);
  }
}

function switchTopology(id) {
  clearCompare();
  state.topology = id;
  state.nodes.clear();
  closeDetails();
  renderTopologyNav();
  renderOptions();
  connect();
}

// ---- live map ---------------------------------------------------------------------------------

function connect() {
  if (state.socket) state.socket.close();
  state.nodes.clear();
  draw();
  const base = new URL(`api/topology/${encodeURIComponent(state.topology)}/ws`, window.location.href);
  base.protocol = base.protocol === 'https:' ? 'wss:' : 'ws:';
  base.search = query(state.topology, { t: '5s' });
  const socket = new WebSocket(base);
  state.socket = socket;
  socket.onmessage = (message) => {
    if (socket !== state.socket) return;
    applyDiff(JSON.parse(message.data));
  };
  socket.onclose = () => {
    if (socket === state.socket) {
      status('Connection lost; reconnecting…');
      setTimeout(() => socket === state.socket && connect(), 2000);
    }
  };
  socket.onopen = () => status(state.timestamp ? `Showing ${state.timestamp}` : 'Live');
}

function applyDiff(diff) {
  if (diff.reset) state.nodes.clear();
  const { x, y } = center();
  for (const id of diff.remove || []) {
    const n = state.nodes.get(id);
    if (n && id.endsWith(';<host>')) {
      // A host leaves the map when its reports leave the window. If its probe went silent, it
      // stays, marked; the silence is usually confirmed a few seconds after, so wait for it.
      n.leftAt = Date.now();
    } else {
      state.nodes.delete(id);
    }
  }
  for (const s of diff.update || []) {
    const n = state.nodes.get(s.id);
    if (n) n.summary = s;
  }
  for (const s of diff.add || []) {
    const back = state.nodes.get(s.id);
    if (back) {
      back.summary = s;
      delete back.leftAt;
      delete back.ghost;
      continue;
    }
    const neighbour = (s.adjacency || []).map((a) => state.nodes.get(a)).find(Boolean);
    const jitter = () => (Math.random() - 0.5) * 60;
    state.nodes.set(s.id, {
      id: s.id,
      summary: s,
      x: (neighbour ? neighbour.x : x) + jitter(),
      y: (neighbour ? neighbour.y : y) + jitter(),
    });
  }
  addGhosts();
  const changed = diff.reset || (diff.add || []).length || (diff.remove || []).length || (diff.update || []).length;
  el('empty').hidden = state.nodes.size > 0;
  restartSimulation(changed);
  if (state.selected && (diff.update || []).some((s) => s.id === state.selected)) showDetails(state.selected, false);
}

/** Drops hosts that left the window more than 15 s ago and whose probe is not silent. */
function dropLeftHosts() {
  const now = Date.now();
  for (const [id, n] of state.nodes) {
    if (n.leftAt && now - n.leftAt > 15000 && !isSilentHost(id)) state.nodes.delete(id);
  }
}

function isSilentHost(id) {
  return id.endsWith(';<host>') && state.silentHosts.has(id.slice(0, -';<host>'.length));
}

function links() {
  const out = [];
  const seen = new Set();
  for (const n of state.nodes.values()) {
    for (const target of n.summary.adjacency || []) {
      if (target !== n.id && state.nodes.has(target)) {
        out.push({ source: n.id, target });
        seen.add(`${n.id}>${target}`);
      }
    }
  }
  // Edges gone since the compared time, between nodes on the map (or their ghosts), drawn too.
  for (const key of state.compare?.edgesRemoved || []) {
    const [source, target] = key.split('>');
    if (!seen.has(key) && state.nodes.has(source) && state.nodes.has(target)) out.push({ source, target });
  }
  return out;
}

const edgeKey = (d) => `${d.source.id || d.source}>${d.target.id || d.target}`;

function restartSimulation(changed) {
  const nodes = [...state.nodes.values()];
  simulation.nodes(nodes);
  simulation.force('link').links(links());
  const { x, y } = center();
  simulation.force('x').x(x);
  simulation.force('y').y(y);
  if (changed) simulation.alpha(Math.max(simulation.alpha(), 0.3)).restart();
  draw();
}

function shapeOf(node, g) {
  const shape = node.summary.shape || 'circle';
  const r = 18;
  if (shape === 'square') {
    g.append('rect').attr('x', -r).attr('y', -r).attr('width', 2 * r).attr('height', 2 * r).attr('rx', 4);
  } else if (shape === 'hexagon' || shape === 'heptagon') {
    const k = shape === 'hexagon' ? 6 : 7;
    const pts = d3.range(k).map((i) => {
      const a = (2 * Math.PI * i) / k - Math.PI / 2;
      return `${r * Math.cos(a)},${r * Math.sin(a)}`;
    });
    g.append('polygon').attr('points', pts.join(' '));
  } else {
    g.append('circle').attr('r', shape === 'cloud' ? r + 4 : r);
  }
}

function draw() {
  const data = [...state.nodes.values()];
  const link = linkLayer.selectAll('line').data(links(), edgeKey);
  link.exit().remove();
  link.enter().append('line').attr('class', 'link').attr('marker-end', 'url(#arrow)').merge(link)
    .classed('added', (d) => !!state.compare?.edgesAdded.has(edgeKey(d)))
    .classed('removed', (d) => !!state.compare?.edgesRemoved.has(edgeKey(d)))
    .attr('x1', (d) => (d.source.x ?? state.nodes.get(d.source)?.x) || 0)
    .attr('y1', (d) => (d.source.y ?? state.nodes.get(d.source)?.y) || 0)
    .attr('x2', (d) => (d.target.x ?? state.nodes.get(d.target)?.x) || 0)
    .attr('y2', (d) => (d.target.y ?? state.nodes.get(d.target)?.y) || 0);

  const node = nodeLayer.selectAll('g.node').data(data, (d) => d.id);
  node.exit().remove();
  const entered = node.enter().append('g').attr('class', 'node').attr('data-id', (d) => d.id)
    .on('click', (event, d) => showDetails(d.id, true))
    .call(d3.drag()
      .on('start', (event, d) => { simulation.alphaTarget(0.1).restart(); d.fx = d.x; d.fy = d.y; })
      .on('drag', (event, d) => { d.fx = event.x; d.fy = event.y; })
      .on('end', (event, d) => { simulation.alphaTarget(0); d.fx = null; d.fy = null; }));
  entered.each(function (d) { shapeOf(d, d3.select(this)); });
  entered.append('text').attr('class', 'label').attr('y', 32);
  entered.append('text').attr('class', 'minor').attr('y', 45);
  const all = entered.merge(node);
  all.classed('pseudo', (d) => !!d.summary.pseudo)
    .classed('silent', (d) => isSilentHost(d.id))
    .classed('leaving', (d) => !!d.leftAt && !isSilentHost(d.id))
    .classed('selected', (d) => d.id === state.selected)
    .classed('added', (d) => !!state.compare?.added.has(d.id))
    .classed('changed', (d) => !!state.compare?.changed.has(d.id))
    .classed('removed', (d) => !!d.ghost)
    .attr('transform', (d) => `translate(${d.x || 0},${d.y || 0})`);
  all.select('text.label').text((d) => d.summary.label);
  all.select('text.minor').text((d) => d.summary.labelMinor || '');
}

// ---- details ----------------------------------------------------------------------------------

function table(headers, rows) {
  const t = document.createElement('table');
  if (headers) {
    const tr = t.insertRow();
    for (const h of headers) {
      const th = document.createElement('th');
      th.textContent = h;
      tr.append(th);
    }
  }
  for (const row of rows) {
    const tr = t.insertRow();
    for (const cell of row) {
      const td = tr.insertCell();
      if (cell instanceof Node) td.append(cell); else td.textContent = cell ?? '';
    }
  }
  return t;
}

function sparkline(samples) {
  const ns = 'http://www.w3.org/2000/svg';
  const s = document.createElementNS(ns, 'svg');
  s.setAttribute('width', '90');
  s.setAttribute('height', '20');
  const values = (samples || []).map((x) => x.value);
  if (values.length > 1) {
    const x = d3.scaleLinear([0, values.length - 1], [1, 89]);
    const y = d3.scaleLinear(d3.extent(values), [18, 2]);
    const path = document.createElementNS(ns, 'path');
    path.setAttribute('class', 'spark');
    path.setAttribute('d', d3.line((v, i) => x(i), (v) => (y(v) || 10))(values));
    s.append(path);
  }
  return s;
}

function formatMetric(m) {
  const v = m.value;
  if (m.format === 'percent') return `${v.toFixed(2)}%`;
  if (m.format === 'filesize') return d3.format('.3~s')(v) + 'B';
  return d3.format('.4~g')(v);
}

async function showDetails(id, select) {
  if (select) {
    state.selected = id;
    draw();
  }
  let body;
  try {
    body = await getJson(`api/topology/${encodeURIComponent(state.topology)}/${encodeURIComponent(id)}${query(state.topology)}`);
  } catch (e) {
    status(`Cannot load details: ${e.message}`);
    return;
  }
  if (state.selected !== id) return;
  const n = body.node;
  const box = el('details-body');
  box.replaceChildren();
  const h = document.createElement('h3');
  h.textContent = n.label;
  const minor = document.createElement('div');
  minor.className = 'minor';
  minor.textContent = n.labelMinor || '';
  box.append(h, minor);
  const section = (title, content) => {
    const h4 = document.createElement('h4');
    h4.textContent = title;
    box.append(h4, content);
  };
  if ((n.controls || []).length) box.append(controlButtons(n));
  if ((n.metadata || []).length) section('Info', table(null, n.metadata.map((m) => [m.label, m.value])));
  if ((n.metrics || []).length) {
    section('Metrics', table(null, n.metrics.map((m) => [m.label, formatMetric(m), sparkline(m.samples)])));
  }
  if ((n.parents || []).length) section('Part of', table(null, n.parents.map((p) => [p.topologyId, p.label])));
  for (const t of n.tables || []) {
    section(t.label, table(null, t.rows.map((r) => Object.values(r.entries))));
  }
  for (const c of n.connections || []) {
    if (!c.connections.length) continue;
    section(c.label, table(['Node', ...c.columns.map((x) => x.label)],
      c.connections.map((r) => [r.label, ...c.columns.map((col) => (r.metadata.find((m) => m.id === col.id) || {}).value)])));
  }
  for (const g of n.children || []) {
    section(g.label, table(null, g.nodes.map((x) => [x.label, x.labelMinor])));
  }
  el('details').hidden = false;
}

// ---- controls and terminals -------------------------------------------------------------------

// Buttons for the node's controls, in Scope's rank order; a control's answer may open a terminal.
function controlButtons(n) {
  const bar = document.createElement('div');
  bar.className = 'controls';
  const error = document.createElement('div');
  error.className = 'control-error';
  const wrap = document.createElement('div');
  for (const c of [...n.controls].sort((a, b) => a.rank - b.rank)) {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = c.human;
    b.title = c.human;
    b.dataset.control = c.id;
    b.onclick = async () => {
      if (c.confirmation && !window.confirm(c.confirmation)) return;
      b.disabled = true;
      error.textContent = '';
      try {
        const result = await runControl(c);
        if (result.pipe) openTerminal(result.pipe, result.raw_tty, `${n.label} — ${c.human}`);
        if (result.removedNode) closeDetails();
        else if (state.selected === n.id) setTimeout(() => showDetails(n.id, false), 1000);
      } catch (e) {
        error.textContent = e.message;
      } finally {
        b.disabled = false;
      }
    };
    bar.append(b);
  }
  wrap.append(bar, error);
  return wrap;
}

async function runControl(c) {
  const path = `api/control/${encodeURIComponent(c.probeId)}/${encodeURIComponent(c.nodeId)}/${encodeURIComponent(c.id)}`;
  const response = await fetch(path, { method: 'POST', headers: { Accept: 'application/json' } });
  const body = await response.json().catch(() => null);
  if (!response.ok) throw new Error(typeof body === 'string' ? body : `${c.human} failed (${response.status})`);
  return body || {};
}

const terminal = { term: null, socket: null, pipe: null };

// A pipe in a terminal: bytes from the probe are written as they come; what is typed goes back as
// binary frames — per key for a raw TTY, else a line at a time with local echo, as Scope's UI does.
function openTerminal(pipe, rawTty, title) {
  closeTerminal();
  const Terminal = window.Terminal;
  // The DOM renderer keeps the text in the page (selectable, readable by assistive tools and tests).
  const term = new Terminal({ convertEol: !rawTty, cursorBlink: true, fontSize: 13, rows: 20, rendererType: 'dom' });
  el('terminal-title').textContent = title;
  el('terminal-state').textContent = 'connecting…';
  el('terminal').hidden = false;
  term.open(el('terminal-screen'));
  const url = new URL(`api/pipe/${encodeURIComponent(pipe)}`, window.location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  const socket = new WebSocket(url);
  socket.binaryType = 'arraybuffer';
  const encoder = new TextEncoder();
  socket.onopen = () => { el('terminal-state').textContent = 'connected'; };
  socket.onmessage = (e) => term.write(typeof e.data === 'string' ? e.data : new Uint8Array(e.data));
  socket.onclose = () => {
    el('terminal-state').textContent = 'closed';
    term.write('\r\n\x1b[2m[closed]\x1b[0m\r\n');
  };
  let line = '';
  term.onData((data) => {
    if (socket.readyState !== WebSocket.OPEN) return;
    if (rawTty) {
      socket.send(encoder.encode(data));
      return;
    }
    for (const ch of data) {
      if (ch === '\r') {
        term.write('\r\n');
        socket.send(encoder.encode(`${line}\n`));
        line = '';
      } else if (ch === '\x7f') {
        if (line) {
          line = line.slice(0, -1);
          term.write('\b \b');
        }
      } else if (ch >= ' ') {
        line += ch;
        term.write(ch);
      }
    }
  });
  term.focus();
  Object.assign(terminal, { term, socket, pipe });
}

function closeTerminal() {
  if (terminal.socket) {
    terminal.socket.close();
    fetch(`api/pipe/${encodeURIComponent(terminal.pipe)}`, { method: 'DELETE' }).catch(() => {});
  }
  if (terminal.term) terminal.term.dispose();
  Object.assign(terminal, { term: null, socket: null, pipe: null });
  el('terminal').hidden = true;
}

function closeDetails() {
  state.selected = null;
  el('details').hidden = true;
  draw();
}

// ---- probes -----------------------------------------------------------------------------------

async function refreshProbes() {
  let probes;
  try {
    probes = await getJson('api/probes');
  } catch (e) {
    return;
  }
  probes.sort((a, b) => (a.status === 'nodata' ? 0 : 1) - (b.status === 'nodata' ? 0 : 1)
    || (a.hostname || a.id).localeCompare(b.hostname || b.id));
  const list = el('probe-list');
  list.replaceChildren();
  let silent = 0;
  for (const p of probes) {
    if (p.hostname) state.probeHosts.set(p.id, p.hostname);
    else if (state.probeHosts.has(p.id)) p.hostname = state.probeHosts.get(p.id);
  }
  state.silentHosts = new Set(probes.filter((p) => p.status === 'nodata').map((p) => p.hostname).filter(Boolean));
  dropLeftHosts();
  restartSimulation(false);
  for (const p of probes) {
    const li = document.createElement('li');
    const status = p.status || 'ok';
    if (status === 'nodata') silent++;
    li.className = `probe ${status}`;
    li.dataset.probe = p.id;
    li.dataset.hostname = p.hostname || '';
    const name = document.createElement('span');
    name.textContent = p.hostname || p.id;
    const st = document.createElement('span');
    st.className = 'state';
    st.textContent = status === 'nodata' ? 'no data' : status;
    li.append(name, st);
    list.append(li);
  }
  const summary = el('probe-summary');
  summary.innerHTML = '';
  const text = document.createElement('span');
  text.textContent = `${probes.length}`;
  summary.append(text);
  if (silent) {
    const bad = document.createElement('span');
    bad.className = 'bad';
    bad.textContent = ` · ${silent} silent`;
    summary.append(bad);
  }
}

// ---- what changed since a time (the diff overlay) ----------------------------------------------

/** Nodes removed since the compared time, shown as ghosts where they would be. */
function addGhosts() {
  if (!state.compare) return;
  const { x, y } = center();
  for (const s of state.compare.removed) {
    if (state.nodes.has(s.id)) continue;
    const neighbour = (s.adjacency || []).map((a) => state.nodes.get(a)).find(Boolean);
    state.nodes.set(s.id, { id: s.id, summary: s, ghost: true,
      x: (neighbour ? neighbour.x : x) + (Math.random() - 0.5) * 80,
      y: (neighbour ? neighbour.y : y) + (Math.random() - 0.5) * 80 });
  }
}

function clearCompare() {
  for (const [id, n] of state.nodes) if (n.ghost) state.nodes.delete(id);
  state.compare = null;
  el('compare-clear').hidden = true;
  el('compare-status').hidden = true;
  restartSimulation(false);
}

/** Colours the map with what changed between {@code from} and the time shown (now when live). */
async function compare(from) {
  const params = new URLSearchParams({ ...(state.options[state.topology] || {}), from });
  if (state.timestamp) params.set('to', state.timestamp);
  try {
    const d = await getJson(`api/topology/${encodeURIComponent(state.topology)}/diff?${params}`);
    const stillRemoved = new Set(d.nodes.removed.map((n) => n.id));
    for (const [id, n] of state.nodes) if (n.ghost && !stillRemoved.has(id)) state.nodes.delete(id);
    const key = (e) => `${e.source}>${e.target}`;
    state.compare = {
      from,
      added: new Set(d.nodes.added.map((n) => n.id)),
      changed: new Set(d.nodes.changed.map((n) => n.id)),
      removed: d.nodes.removed,
      edgesAdded: new Set(d.edges.added.map(key)),
      edgesRemoved: new Set(d.edges.removed.map(key)),
    };
    addGhosts();
    const box = el('compare-status');
    box.hidden = false;
    box.textContent = `Since ${from}: ${d.nodes.added.length} added, ${d.nodes.removed.length} removed, `
      + `${d.nodes.changed.length} changed; edges +${d.edges.added.length} −${d.edges.removed.length}`;
    el('compare-clear').hidden = false;
    restartSimulation(true);
  } catch (e) {
    status(`Cannot compare: ${e.message}`);
  }
}

el('compare-go').onclick = () => {
  const v = el('compare-input').value;
  if (v) compare(new Date(v).toISOString());
};
el('compare-clear').onclick = clearCompare;

// ---- time travel ------------------------------------------------------------------------------

function travel(iso) {
  state.timestamp = iso;
  const s = el('time-status');
  s.textContent = iso ? 'Past' : 'Live';
  s.className = iso ? 'past' : 'live';
  loadTopologies();
  connect();
}

function status(text) {
  el('status').textContent = text;
}

el('time-go').onclick = () => {
  const v = el('time-input').value;
  if (v) travel(new Date(v).toISOString());
};
el('time-live').onclick = () => travel(null);
el('details-close').onclick = closeDetails;
el('terminal-close').onclick = closeTerminal;

await loadTopologies();
connect();
refreshProbes();
setInterval(refreshProbes, 2000);
setInterval(loadTopologies, 10000);
// A live comparison follows the map: what changed since the time, up to now.
setInterval(() => state.compare && compare(state.compare.from), 10000);
