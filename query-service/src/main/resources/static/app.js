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
  search: '',           // the search (q=), applied on the server: the view holds what matches
  matches: new Map(),   // node id -> where the search matched (for highlighting)
  mode: 'map',          // 'map' or 'table'
  fill: '',             // '' or a metric ('cpu', 'memory') whose level fills the nodes
  historyMs: 7 * 24 * 3600 * 1000, // how far back the time slider reaches (from api/history)
  tableRows: 500,       // rows the table shows at most (rows= in the URL; DEFAULT_TABLE_ROWS)
  lod: 60,              // above this many nodes, a view's nodes are grouped by namespace or host
  expanded: new Set(),  // groups opened by a click
  groups: new Map(),    // group key -> its node on the map (kept, so it keeps its place)
  shown: new Map(),     // id -> what the map draws now (nodes and groups)
  sort: { key: 'label', dir: 1 },
};
const DEFAULT_LOD = 60;
// The table shows at most this many rows (the first in its order): rebuilt on every frame, ten
// thousand rows would hold the page up; a search narrows what is there.
const DEFAULT_TABLE_ROWS = 500;

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

/** The view's query with the search: what the map, the table and the exports show. */
function viewQuery(extra = {}) {
  return query(state.topology, state.search ? { ...extra, q: state.search } : extra);
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
  state.expanded.clear();
  state.groups.clear();
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
  base.search = viewQuery({ t: '5s' });
  writeUrl();
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
  if (changed && state.mode === 'table') renderTable();
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

// ---- level of detail: big views show groups (a namespace's or a host's nodes) until clicked ----

/**
 * The group a node belongs to on a big map: its Kubernetes namespace (pods, controllers,
 * services), else the one host it runs on; null (drawn alone): pseudo nodes and nodes on several
 * hosts (an image, a process name).
 */
function groupKey(s) {
  if (s.pseudo) return null;
  const namespace = (s.metadata || []).find((m) => m.id === 'kubernetes_namespace');
  if (namespace) return `namespace ${namespace.value}`;
  const hosts = (s.parents || []).filter((p) => p.topologyId === 'hosts');
  return hosts.length === 1 ? hosts[0].label : null;
}

/**
 * What the map draws: every node, or, above state.lod nodes, one node per group of two or more
 * (except groups opened by a click). Returns the drawn nodes and the drawn id of each node id.
 */
function display() {
  const all = [...state.nodes.values()];
  const mapped = new Map();
  let out = all;
  if (state.topology !== 'hosts' && all.length > state.lod) {
    const members = new Map();
    out = [];
    for (const n of all) {
      const key = groupKey(n.summary);
      if (key == null || state.expanded.has(key)) out.push(n);
      else (members.get(key) || members.set(key, []).get(key)).push(n);
    }
    for (const [key, list] of members) {
      if (list.length < 2) {
        out.push(...list);
        continue;
      }
      let g = state.groups.get(key);
      if (!g) {
        g = { id: `group:${key}`, group: key, x: d3.mean(list, (n) => n.x), y: d3.mean(list, (n) => n.y) };
        state.groups.set(key, g);
      }
      g.members = list;
      g.summary = { id: g.id, label: key, labelMinor: `${list.length} nodes`, shape: 'square', adjacency: [] };
      for (const n of list) mapped.set(n.id, g.id);
      out.push(g);
    }
  }
  state.shown = new Map(out.map((n) => [n.id, n]));
  el('collapse').hidden = state.expanded.size === 0;
  return { nodes: out, of: (id) => mapped.get(id) || id };
}

function expandGroup(g) {
  state.expanded.add(g.group);
  for (const n of g.members) {
    n.x = g.x + (Math.random() - 0.5) * 80;
    n.y = g.y + (Math.random() - 0.5) * 80;
  }
  restartSimulation(true);
}

function links(shown = display()) {
  const out = [];
  const seen = new Set();
  const add = (a, b) => {
    const source = shown.of(a);
    const target = shown.of(b);
    const key = `${source}>${target}`;
    if (source !== target && !seen.has(key) && state.shown.has(source) && state.shown.has(target)) {
      out.push({ source, target });
      seen.add(key);
    }
  };
  for (const n of state.nodes.values()) {
    for (const target of n.summary.adjacency || []) add(n.id, target);
  }
  // Edges gone since the compared time, between nodes on the map (or their ghosts), drawn too.
  for (const key of state.compare?.edgesRemoved || []) {
    const [source, target] = key.split('>');
    add(source, target);
  }
  return out;
}

const edgeKey = (d) => `${d.source.id || d.source}>${d.target.id || d.target}`;

function restartSimulation(changed) {
  const shown = display();
  simulation.nodes(shown.nodes);
  simulation.force('link').links(links(shown));
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
    return g.append('rect').attr('x', -r).attr('y', -r).attr('width', 2 * r).attr('height', 2 * r).attr('rx', 4);
  }
  if (shape === 'hexagon' || shape === 'heptagon') {
    const k = shape === 'hexagon' ? 6 : 7;
    const pts = d3.range(k).map((i) => {
      const a = (2 * Math.PI * i) / k - Math.PI / 2;
      return `${r * Math.cos(a)},${r * Math.sin(a)}`;
    });
    return g.append('polygon').attr('points', pts.join(' '));
  }
  return g.append('circle').attr('r', shape === 'cloud' ? r + 4 : r);
}

const slug = (label) => (label || '').replace(/[^A-Za-z0-9]/g, '').toLowerCase();

/** How full the node's fill metric is (0..1 of its range), or null when it has none. */
function fillLevel(summary) {
  if (!state.fill) return null;
  const m = (summary.metrics || []).find((x) => slug(x.label) === state.fill);
  if (!m || m.valueEmpty || !(m.max > 0)) return null;
  return Math.max(0, Math.min(1, m.value / m.max));
}

/** The label with the part the search matched in it marked. */
function labelWithHit(text, d) {
  const hit = (state.matches.get(d.id) || []).find((m) => m.field === 'label' && m.text === d.summary.label);
  text.text(null);
  if (!hit) {
    text.text(d.summary.label);
    return;
  }
  const l = d.summary.label;
  text.append('tspan').text(l.slice(0, hit.start));
  text.append('tspan').attr('class', 'hit').text(l.slice(hit.start, hit.start + hit.length));
  text.append('tspan').text(l.slice(hit.start + hit.length));
}

/**
 * Where the search matched other than in the label, under it (as Scope's UI shows matches in
 * metadata): the first such field with its matched part marked, and how many more matched.
 */
function matchLine(text, d) {
  text.text(null);
  // Matches in the label or minor label show there already.
  const other = (state.matches.get(d.id) || []).filter((m) => !(m.field === 'label' && m.text === d.summary.label)
    && !(m.field === 'sublabel' && m.text === d.summary.labelMinor));
  if (!other.length) return;
  const m = other[0];
  text.append('tspan').text(m.text == null ? m.field : `${m.field}: `);
  if (m.text != null) {
    // A long value shows around the matched part.
    const from = Math.max(0, m.start - 12);
    const to = Math.min(m.text.length, m.start + m.length + 12);
    text.append('tspan').text((from > 0 ? '…' : '') + m.text.slice(from, m.start));
    text.append('tspan').attr('class', 'hit').text(m.text.slice(m.start, m.start + m.length));
    text.append('tspan').text(m.text.slice(m.start + m.length, to) + (to < m.text.length ? '…' : ''));
  }
  if (other.length > 1) text.append('tspan').text(` +${other.length - 1}`);
}

function draw() {
  const shown = display();
  const data = shown.nodes;
  const at = (end) => (end.x !== undefined ? end : state.shown.get(end)) || {};
  const link = linkLayer.selectAll('line').data(links(shown), edgeKey);
  link.exit().remove();
  link.enter().append('line').attr('class', 'link').attr('marker-end', 'url(#arrow)').merge(link)
    .classed('added', (d) => !!state.compare?.edgesAdded.has(edgeKey(d)))
    .classed('removed', (d) => !!state.compare?.edgesRemoved.has(edgeKey(d)))
    .attr('x1', (d) => at(d.source).x || 0)
    .attr('y1', (d) => at(d.source).y || 0)
    .attr('x2', (d) => at(d.target).x || 0)
    .attr('y2', (d) => at(d.target).y || 0);

  const node = nodeLayer.selectAll('g.node').data(data, (d) => d.id);
  node.exit().remove();
  const entered = node.enter().append('g').attr('class', 'node').attr('data-id', (d) => d.id)
    .on('click', (event, d) => (d.group ? expandGroup(d) : showDetails(d.id, true)))
    .call(d3.drag()
      .on('start', (event, d) => { simulation.alphaTarget(0.1).restart(); d.fx = d.x; d.fy = d.y; })
      .on('drag', (event, d) => { d.fx = event.x; d.fy = event.y; })
      .on('end', (event, d) => { simulation.alphaTarget(0); d.fx = null; d.fy = null; }));
  entered.each(function (d) {
    shapeOf(d, d3.select(this));
    shapeOf(d, d3.select(this)).attr('class', 'metric-fill');
  });
  entered.append('text').attr('class', 'label').attr('y', 32);
  entered.append('text').attr('class', 'minor').attr('y', 45);
  entered.append('text').attr('class', 'match').attr('y', 58);
  const all = entered.merge(node);
  all.classed('pseudo', (d) => !!d.summary.pseudo)
    .classed('silent', (d) => isSilentHost(d.id))
    .classed('leaving', (d) => !!d.leftAt && !isSilentHost(d.id))
    .classed('selected', (d) => d.id === state.selected)
    .classed('added', (d) => !!state.compare?.added.has(d.id))
    .classed('changed', (d) => !!state.compare?.changed.has(d.id))
    .classed('removed', (d) => !!d.ghost)
    .classed('group', (d) => !!d.group)
    .classed('matched', (d) => state.matches.has(d.id))
    .attr('data-fill', (d) => fillLevel(d.summary) ?? '')
    .attr('transform', (d) => `translate(${d.x || 0},${d.y || 0})`);
  // A metric's level fills the shape from the bottom; without one the fill is cut away.
  all.select('.metric-fill').style('clip-path', (d) => {
    const level = fillLevel(d.summary);
    return `inset(${level == null ? 100 : (1 - level) * 100}% 0 0 0)`;
  });
  all.select('text.label').each(function (d) { labelWithHit(d3.select(this), d); });
  all.select('text.minor').text((d) => d.summary.labelMinor || '');
  all.select('text.match').each(function (d) { matchLine(d3.select(this), d); });
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
    writeUrl();
  } catch (e) {
    status(`Cannot compare: ${e.message}`);
  }
}

el('compare-go').onclick = () => {
  const v = el('compare-input').value;
  if (v) compare(new Date(v).toISOString());
};
el('compare-clear').onclick = () => {
  clearCompare();
  writeUrl();
};

// ---- time travel ------------------------------------------------------------------------------

function travel(iso) {
  state.timestamp = iso;
  showTime();
  loadTopologies();
  connect();
  if (state.search) search(state.search);
}

function showTime() {
  const s = el('time-status');
  s.textContent = state.timestamp ? 'Past' : 'Live';
  s.className = state.timestamp ? 'past' : 'live';
  const ago = state.timestamp ? Math.max(0, Date.now() - Date.parse(state.timestamp)) : 0;
  el('time-slider').value = String(sliderAt(ago));
  el('time-slider-label').textContent = state.timestamp ? new Date(state.timestamp).toLocaleString() : 'Live';
}

// The slider spans the retained history (GET api/history) with its right end live, on a cubic
// scale: its last tenth reaches back a thousandth of the history (9 h of a year), its last half an
// eighth, so a step is minutes in the last hours and days a year back (the time box is exact).
const SLIDER_STEPS = 1000;

/** How long ago (ms) slider position {@code p} is. */
function agoAt(p) {
  return state.historyMs * ((SLIDER_STEPS - p) / SLIDER_STEPS) ** 3;
}

/** The slider position of a time {@code ago} ms in the past. */
function sliderAt(ago) {
  return Math.round(SLIDER_STEPS - SLIDER_STEPS * Math.cbrt(Math.min(1, ago / state.historyMs)));
}

async function loadHistory() {
  try {
    const h = await getJson('api/history');
    state.historyMs = Math.max(60000, Date.parse(h.to) - Date.parse(h.from));
    el('time-slider').title = `The retained history: ${h.retention}`;
    showTime();
  } catch (e) {
    // The default span stays (7 days); the slider still travels.
  }
}

el('time-slider').oninput = () => {
  const ago = agoAt(Number(el('time-slider').value));
  el('time-slider-label').textContent = ago < 60000 ? 'Live' : new Date(Date.now() - ago).toLocaleString();
};
el('time-slider').onchange = () => {
  const ago = agoAt(Number(el('time-slider').value));
  travel(ago < 60000 ? null : new Date(Date.now() - ago).toISOString());
};

// ---- search -----------------------------------------------------------------------------------

/**
 * Applies a search: the server answers with the matching nodes and where each matched (a bad
 * query is refused with the reason, shown beside the box); the map then watches only those.
 */
async function search(q) {
  const box = el('search-error');
  if (!q) {
    state.search = '';
    state.matches = new Map();
    box.textContent = '';
    connect();
    return;
  }
  const path = `api/topology/${encodeURIComponent(state.topology)}${query(state.topology, { q })}`;
  let response;
  try {
    response = await fetch(path, { headers: { Accept: 'application/json' } });
  } catch (e) {
    box.textContent = `search failed: ${e.message}`;
    return;
  }
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    box.textContent = typeof body === 'string' ? body : `search failed (${response.status})`;
    return;
  }
  box.textContent = `${Object.keys(body.nodes || {}).length} found`;
  const changed = q !== state.search;
  state.search = q;
  state.matches = new Map(Object.entries(body.matches || {}));
  if (changed) connect(); else draw();
}

let searchTimer = null;
el('search').oninput = () => {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(() => search(el('search').value.trim()), 500);
};
el('search').onkeydown = (e) => {
  if (e.key === 'Enter') {
    clearTimeout(searchTimer);
    search(el('search').value.trim());
  }
};

// ---- table view -------------------------------------------------------------------------------

/** The table's columns: name and minor label, each metric, and the metadata most nodes have. */
function tableColumns(summaries) {
  const columns = [{ key: 'label', label: 'Name' }, { key: 'labelMinor', label: '' }];
  const metrics = new Map();
  const metadata = new Map();
  for (const s of summaries) {
    for (const m of s.metrics || []) if (!metrics.has(m.label)) metrics.set(m.label, m.priority || 0);
    for (const m of s.metadata || []) metadata.set(m.label, (metadata.get(m.label) || 0) + 1);
  }
  [...metrics].sort((a, b) => a[1] - b[1])
    .forEach(([label]) => columns.push({ key: `metric:${label}`, label, numeric: true }));
  [...metadata].sort((a, b) => b[1] - a[1]).slice(0, 5)
    .forEach(([label]) => columns.push({ key: `meta:${label}`, label }));
  return columns;
}

function cellValue(s, key) {
  if (key.startsWith('metric:')) {
    const m = (s.metrics || []).find((x) => x.label === key.slice(7));
    return m ? { sort: m.value, text: formatMetric(m) } : { sort: -Infinity, text: '' };
  }
  if (key.startsWith('meta:')) {
    const m = (s.metadata || []).find((x) => x.label === key.slice(5));
    return { sort: m ? m.value : '', text: m ? m.value : '' };
  }
  return { sort: s[key] || '', text: s[key] || '' };
}

/** Scope's resource table: a row per node, sortable by any column (click a header; again to reverse). */
function renderTable() {
  const summaries = [...state.nodes.values()].filter((n) => !n.ghost).map((n) => n.summary);
  const columns = tableColumns(summaries);
  const { key, dir } = state.sort;
  const column = columns.find((c) => c.key === key) || columns[0];
  summaries.sort((a, b) => {
    const x = cellValue(a, column.key).sort;
    const y = cellValue(b, column.key).sort;
    const c = column.numeric ? x - y : String(x).localeCompare(String(y), undefined, { numeric: true });
    return c * dir || a.id.localeCompare(b.id);
  });
  const t = el('node-table');
  t.replaceChildren();
  const head = t.createTHead().insertRow();
  for (const c of columns) {
    const th = document.createElement('th');
    th.textContent = c.label;
    th.dataset.sort = c.key;
    if (c.key === column.key) th.className = dir > 0 ? 'sorted' : 'sorted desc';
    th.onclick = () => {
      state.sort = { key: c.key, dir: c.key === column.key ? -dir : (c.numeric ? -1 : 1) };
      renderTable();
    };
    head.append(th);
  }
  const body = t.createTBody();
  if (summaries.length > state.tableRows) {
    t.createCaption().textContent = `The first ${state.tableRows} of ${summaries.length} in this order: `
      + 'sort by another column or search to see others.';
  }
  for (const s of summaries.slice(0, state.tableRows)) {
    const tr = body.insertRow();
    tr.dataset.id = s.id;
    if (s.id === state.selected) tr.className = 'selected';
    for (const c of columns) {
      const td = tr.insertCell();
      td.textContent = cellValue(s, c.key).text;
      if (c.numeric) td.className = 'num';
    }
    tr.onclick = () => {
      showDetails(s.id, true);
      renderTable();
    };
  }
}

function setMode(mode) {
  state.mode = mode === 'table' ? 'table' : 'map';
  for (const b of el('mode').querySelectorAll('button')) b.classList.toggle('active', b.dataset.mode === state.mode);
  el('table-pane').hidden = state.mode !== 'table';
  if (state.mode === 'table') renderTable();
  restartSimulation(false);
  writeUrl();
}
for (const b of el('mode').querySelectorAll('button')) b.onclick = () => setMode(b.dataset.mode);

el('fill').onchange = () => {
  state.fill = el('fill').value;
  draw();
  writeUrl();
};

el('collapse').onclick = () => {
  state.expanded.clear();
  restartSimulation(true);
};

// ---- the URL holds what is shown, so a link reproduces it ---------------------------------------

function writeUrl() {
  const p = new URLSearchParams();
  p.set('topology', state.topology);
  for (const [k, v] of Object.entries(state.options[state.topology] || {})) p.set(`o.${k}`, v);
  if (state.timestamp) p.set('timestamp', state.timestamp);
  if (state.search) p.set('q', state.search);
  if (state.mode !== 'map') p.set('mode', state.mode);
  if (state.fill) p.set('fill', state.fill);
  if (state.compare) p.set('compare', state.compare.from);
  if (state.lod !== DEFAULT_LOD) p.set('lod', String(state.lod));
  if (state.tableRows !== DEFAULT_TABLE_ROWS) p.set('rows', String(state.tableRows));
  if (`#${p}` !== window.location.hash) window.history.replaceState(null, '', `#${p}`);
  const base = `api/topology/${encodeURIComponent(state.topology)}/export`;
  for (const format of ['json', 'graphml', 'dot']) {
    el(`export-${format}`).href = base + viewQuery({ format });
  }
}

/** Reads the state a link holds; returns the time to compare with, if any. */
function readUrl() {
  const p = new URLSearchParams(window.location.hash.slice(1));
  if (p.get('topology')) state.topology = p.get('topology');
  const options = {};
  for (const [k, v] of p) if (k.startsWith('o.')) options[k.slice(2)] = v;
  if (Object.keys(options).length) state.options[state.topology] = options;
  state.timestamp = p.get('timestamp') || null;
  state.search = p.get('q') || '';
  state.fill = p.get('fill') || '';
  state.lod = Number(p.get('lod')) > 0 ? Number(p.get('lod')) : DEFAULT_LOD;
  state.tableRows = Number(p.get('rows')) > 0 ? Number(p.get('rows')) : DEFAULT_TABLE_ROWS;
  el('search').value = state.search;
  el('fill').value = state.fill;
  showTime();
  return { mode: p.get('mode') || 'map', compare: p.get('compare') };
}

// ---- export as a picture ----------------------------------------------------------------------

/** The map as a standalone SVG document: the page's styles inlined, the current pan and zoom. */
function svgDocument() {
  const svgEl = el('graph');
  const copy = svgEl.cloneNode(true);
  const box = svgEl.getBoundingClientRect();
  copy.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  copy.setAttribute('width', String(Math.round(box.width)));
  copy.setAttribute('height', String(Math.round(box.height)));
  const css = [...document.styleSheets].flatMap((sheet) => {
    try { return [...sheet.cssRules].map((r) => r.cssText); } catch (e) { return []; }
  }).join('\n');
  const style = document.createElementNS('http://www.w3.org/2000/svg', 'style');
  style.textContent = css;
  copy.insertBefore(style, copy.firstChild);
  return new XMLSerializer().serializeToString(copy);
}

function download(name, href) {
  const a = document.createElement('a');
  a.href = href;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
}

el('export-svg').onclick = () => {
  download(`${state.topology}.svg`, `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svgDocument())}`);
};
el('export-png').onclick = () => {
  const img = new Image();
  const box = el('graph').getBoundingClientRect();
  img.onload = () => {
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(box.width);
    canvas.height = Math.round(box.height);
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = '#f6f7fb';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(img, 0, 0);
    download(`${state.topology}.png`, canvas.toDataURL('image/png'));
  };
  img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svgDocument())}`;
};

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

// A link opened in this tab (or back and forward): show what it holds.
window.addEventListener('hashchange', async () => {
  const next = readUrl();
  clearCompare();
  state.nodes.clear();
  state.expanded.clear();
  state.groups.clear();
  closeDetails();
  await loadTopologies();
  setMode(next.mode);
  if (state.search) search(state.search); else state.matches = new Map();
  connect();
  if (next.compare) compare(next.compare);
});

const linked = readUrl();
loadHistory();
await loadTopologies();
setMode(linked.mode);
if (state.search) search(state.search);
connect();
if (linked.compare) compare(linked.compare);
refreshProbes();
setInterval(refreshProbes, 2000);
setInterval(() => {
  loadTopologies();
  // Where the search matches moves with the map.
  if (state.search) search(state.search);
}, 10000);
// A live comparison follows the map: what changed since the time, up to now.
setInterval(() => state.compare && compare(state.compare.from), 10000);
