// The live threshold control: a slider whose readout and curve marker follow the knob on
// every animation frame, from a table of exact values at every slider step sent once per
// dataset. The browser only looks rows up: every number it shows was computed and
// formatted by the app. On release (of the pointer or of a key) the threshold goes back
// to Python, which recomputes every view exactly.

// Tables by dataset key, kept across remounts (another page and back) for this tab.
const TABLES = (window.__thresholdLabLiveTables ||= new Map());
const KEEP_TABLES = 4;
const ECHO_WAIT_MS = 5000; // then show what Python holds even if it never echoed our value
const SVG = "http://www.w3.org/2000/svg";
const controls = new WeakMap();

function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined) node.textContent = text;
  return node;
}

function svg(tag, attrs) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  return node;
}

class LiveThreshold {
  constructor(parent) {
    this.parent = parent;
    this.table = null;
    this.tableKey = null;
    this.index = null; // grid position shown while the user moves the knob
    this.dragging = false;
    this.pending = null; // a threshold sent to Python, not yet echoed back
    this.keyHeld = false;
    this.frame = 0;
    this.pointerX = null;
    this.asked = new Set();
    this.build();
  }

  build() {
    for (const node of this.parent.querySelectorAll(".tl-fallback")) node.remove();
    const root = el("div", "tl-live");
    const head = el("div", "tl-head");
    this.label = el("span", "tl-label");
    this.valueText = el("output", "tl-value");
    this.valueText.setAttribute("data-testid", "tl-value");
    head.append(this.label, this.valueText);

    this.area = el("div", "tl-area");
    this.plot = svg("svg", { class: "tl-plot", viewBox: "0 0 1000 100", preserveAspectRatio: "none" });
    this.plot.setAttribute("aria-hidden", "true");
    this.marker = svg("line", { class: "tl-marker", x1: 0, x2: 0, y1: 0, y2: 100 });
    this.plot.append(this.marker);
    const track = el("div", "tl-track");
    this.fill = el("div", "tl-fill");
    this.knob = el("div", "tl-knob");
    this.knob.setAttribute("role", "slider");
    this.knob.setAttribute("tabindex", "0");
    this.knob.setAttribute("aria-orientation", "horizontal");
    track.append(this.fill, this.knob);
    this.area.append(this.plot, track);

    const ends = el("div", "tl-ends");
    this.loText = el("span");
    this.hint = el("span", null, "drag, or use ← → · Page Up / Down · Home / End");
    this.hiText = el("span");
    ends.append(this.loText, this.hint, this.hiText);

    this.readout = el("div", "tl-readout");
    this.readout.setAttribute("data-testid", "tl-readout");
    this.cells = {};
    this.metricBox = el("span", "tl-metrics");
    this.countBox = el("span", "tl-counts");
    this.readout.append(this.metricBox, this.countBox);
    root.append(head, this.area, ends, this.readout);
    this.parent.append(root);
    this.root = root;

    this.onDown = (e) => this.pointerDown(e);
    this.onMove = (e) => this.pointerMove(e);
    this.onUp = (e) => this.pointerUp(e);
    this.onKey = (e) => this.keyDown(e);
    this.onKeyUp = (e) => this.keyUp(e);
    this.area.addEventListener("pointerdown", this.onDown);
    this.area.addEventListener("pointermove", this.onMove);
    this.area.addEventListener("pointerup", this.onUp);
    this.area.addEventListener("pointercancel", this.onUp);
    this.knob.addEventListener("keydown", this.onKey);
    this.knob.addEventListener("keyup", this.onKeyUp);
    // Focus leaving while a key is held: its keyup goes elsewhere, so send the change now.
    this.knob.addEventListener("blur", this.onKeyUp);
  }

  destroy() {
    cancelAnimationFrame(this.frame);
    clearTimeout(this.echoTimer);
    this.root.remove();
  }

  // --- data from Python -------------------------------------------------------------

  update(data, send) {
    this.send = send;
    if (data.table) {
      TABLES.delete(data.key);
      TABLES.set(data.key, data.table);
      while (TABLES.size > KEEP_TABLES) TABLES.delete(TABLES.keys().next().value);
    }
    const table = TABLES.get(data.key);
    if (!table) {
      // This tab lost the table (it was sent before a reload of the script): ask again.
      if (!this.asked.has(data.key)) {
        this.asked.add(data.key);
        send("need", data.key);
      }
      return;
    }
    if (this.tableKey !== data.key) this.setTable(data.key, table);
    this.label.textContent = data.label;
    this.knob.setAttribute("aria-label", data.label);
    this.committed = data;
    if (this.pending !== null && data.value === this.pending) {
      this.pending = null;
      clearTimeout(this.echoTimer);
    }
    if (!this.dragging && this.pending === null && !this.keyHeld) {
      this.index = null;
      this.render();
    }
  }

  setTable(key, table) {
    this.table = table;
    this.tableKey = key;
    // Where each column sits in a row, from the table itself (the app sets the order).
    this.col = Object.fromEntries(table.columns.map((name, i) => [name, i]));
    this.index = null;
    const n = table.thresholds.length;
    for (const node of this.plot.querySelectorAll("polyline")) node.remove();
    for (const [name, values] of Object.entries(table.lines)) {
      // One polyline per run of defined values: an undefined metric leaves a gap.
      let points = [];
      const flush = () => {
        if (points.length > 1) {
          const line = svg("polyline", { points: points.join(" "), stroke: table.colours[name] });
          this.plot.insertBefore(line, this.marker);
        }
        points = [];
      };
      values.forEach((v, i) => {
        if (v === null) flush();
        else points.push(`${((1000 * i) / Math.max(n - 1, 1)).toFixed(1)},${(100 - 100 * v).toFixed(2)}`);
      });
      flush();
    }
    this.metricBox.replaceChildren();
    this.countBox.replaceChildren();
    for (const name of Object.keys(table.lines)) {
      const span = el("span", null, `${table.labels[name]} `);
      const b = el("span", "tl-num");
      b.style.color = table.colours[name];
      b.setAttribute("data-testid", `tl-${name}`);
      span.append(b);
      this.metricBox.append(span, document.createTextNode(" "));
      this.cells[name] = b;
    }
    const counts = table.columns.filter((c) => c !== "threshold" && !(c in table.lines));
    for (const name of counts) {
      const span = el("span", null, `${name.toUpperCase()} `);
      const b = el("span", "tl-num");
      b.setAttribute("data-testid", `tl-${name}`);
      span.append(b);
      this.countBox.append(span, document.createTextNode(" "));
      this.cells[name] = b;
    }
    this.metricBox.style.display = "inline-flex";
    this.metricBox.style.gap = "1rem";
    this.countBox.style.display = "inline-flex";
    this.countBox.style.gap = "0.75rem";
    this.loText.textContent = table.cells[0][this.col.threshold];
    this.hiText.textContent = table.cells[n - 1][this.col.threshold];
    this.knob.setAttribute("aria-valuemin", String(table.lo));
    this.knob.setAttribute("aria-valuemax", String(table.hi));
  }

  // --- drawing ----------------------------------------------------------------------

  render() {
    const t = this.table;
    if (!t) return;
    const started = performance.now();
    let row, value, position;
    if (this.index === null) {
      row = this.committed.current;
      value = this.committed.value;
      position = this.committed.position;
    } else {
      row = t.cells[this.index];
      value = t.thresholds[this.index];
      position = value;
    }
    const frac = t.hi > t.lo ? (position - t.lo) / (t.hi - t.lo) : 0;
    const pct = `${(100 * Math.min(Math.max(frac, 0), 1)).toFixed(3)}%`;
    this.knob.style.left = pct;
    this.fill.style.left = pct;
    const x = (1000 * Math.min(Math.max(frac, 0), 1)).toFixed(2);
    this.marker.setAttribute("x1", x);
    this.marker.setAttribute("x2", x);
    this.valueText.textContent = row[this.col.threshold];
    for (const [name, cell] of Object.entries(this.cells)) cell.textContent = row[this.col[name]];
    this.knob.setAttribute("aria-valuenow", value === null ? "" : String(value));
    const words = Object.keys(t.lines).map((k) => `${t.labels[k]} ${row[this.col[k]]}`);
    this.knob.setAttribute("aria-valuetext", `${row[this.col.threshold]}: ${words.join(", ")}`);
    // A benchmark may collect how long each redraw took (bench/live_threshold.py).
    if (window.__thresholdLabRenderMs) window.__thresholdLabRenderMs.push(performance.now() - started);
  }

  schedule() {
    if (!this.frame) {
      this.frame = requestAnimationFrame(() => {
        this.frame = 0;
        if (this.pointerX !== null) this.index = this.indexAtX(this.pointerX);
        this.render();
      });
    }
  }

  // --- moving the knob --------------------------------------------------------------

  indexAtX(clientX) {
    const box = this.knob.parentElement.getBoundingClientRect();
    const frac = box.width > 0 ? (clientX - box.left) / box.width : 0;
    return this.nearestIndex(this.table.lo + Math.min(Math.max(frac, 0), 1) * (this.table.hi - this.table.lo));
  }

  nearestIndex(value) {
    const th = this.table.thresholds;
    let lo = 0;
    let hi = th.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (th[mid] < value) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0 && value - th[lo - 1] <= th[lo] - value) return lo - 1;
    return lo;
  }

  currentIndex(direction) {
    // From an off-grid threshold, the first key press goes to the next grid position.
    if (this.index !== null) return this.index;
    const th = this.table.thresholds;
    const v = this.committed.position;
    const i = this.nearestIndex(v);
    if (th[i] === v || direction === 0) return i;
    if (direction > 0) return th[i] > v ? i - 1 : i;
    return th[i] < v ? i + 1 : i;
  }

  pointerDown(e) {
    if (!this.table || e.button !== 0) return;
    e.preventDefault();
    this.area.setPointerCapture(e.pointerId);
    this.knob.focus({ preventScroll: true });
    this.dragging = true;
    this.pointerX = e.clientX;
    this.schedule();
  }

  pointerMove(e) {
    if (!this.dragging) return;
    this.pointerX = e.clientX;
    this.schedule();
  }

  pointerUp(e) {
    if (!this.dragging) return;
    this.dragging = false;
    this.index = this.indexAtX(e.clientX);
    this.pointerX = null;
    this.render();
    this.commit();
  }

  keyDown(e) {
    if (!this.table) return;
    const last = this.table.thresholds.length - 1;
    const page = Math.max(1, Math.round(last / 10));
    const moves = {
      ArrowRight: 1,
      ArrowUp: 1,
      ArrowLeft: -1,
      ArrowDown: -1,
      PageUp: page,
      PageDown: -page,
    };
    let next;
    if (e.key in moves) next = this.currentIndex(Math.sign(moves[e.key])) + moves[e.key];
    else if (e.key === "Home") next = 0;
    else if (e.key === "End") next = last;
    else return;
    e.preventDefault();
    this.index = Math.min(Math.max(next, 0), last);
    this.keyHeld = true;
    this.render();
  }

  keyUp(e) {
    // A held key repeats its keydown and ends with one keyup: one change for Python.
    if (!this.keyHeld) return;
    this.keyHeld = false;
    if (e.type === "keyup") e.preventDefault();
    this.commit();
  }

  commit() {
    if (this.index === null) return;
    const value = this.table.thresholds[this.index];
    if (value === this.committed.value && this.pending === null) {
      this.index = null;
      this.render();
      return;
    }
    this.pending = value;
    clearTimeout(this.echoTimer);
    this.echoTimer = setTimeout(() => {
      this.pending = null;
      if (!this.dragging && !this.keyHeld) {
        this.index = null;
        this.render();
      }
    }, ECHO_WAIT_MS);
    this.send("released", value);
  }
}

export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  let control = controls.get(parentElement);
  if (!control) {
    control = new LiveThreshold(parentElement);
    controls.set(parentElement, control);
  }
  control.update(data, setTriggerValue);
  return () => {
    control.destroy();
    controls.delete(parentElement);
  };
}
