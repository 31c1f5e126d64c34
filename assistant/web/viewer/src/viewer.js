// The cockpit's image viewer: Cornerstone3D stack viewports over the case's DICOMweb routes.
// Configuration comes from <script type="application/json" id="viewer-config"> (no inline
// script, no eval), so the page works under a strict Content-Security-Policy.
import {
  init as coreInit,
  RenderingEngine,
  Enums,
  setUseCPURendering,
  utilities as csUtils,
} from '@cornerstonejs/core';
import { init as dicomImageLoaderInit, wadors } from '@cornerstonejs/dicom-image-loader';
import {
  init as toolsInit,
  addTool,
  ToolGroupManager,
  WindowLevelTool,
  PanTool,
  ZoomTool,
  StackScrollTool,
  LengthTool,
  annotation,
  Enums as ToolEnums,
} from '@cornerstonejs/tools';

const PRESETS = {
  lung: { label: 'Lung', width: 1500, center: -600 },
  mediastinum: { label: 'Mediastinum', width: 350, center: 50 },
  bone: { label: 'Bone', width: 1800, center: 400 },
};
const TOOLS = { wl: WindowLevelTool.toolName, pan: PanTool.toolName, zoom: ZoomTool.toolName, length: LengthTool.toolName };
const ENGINE_ID = 'so-engine';
const VIEWPORT_ID = 'so-stack';
const GROUP_ID = 'so-tools';

const $ = (sel, root = document) => root.querySelector(sel);

class Viewer {
  constructor(root, config) {
    this.root = root;
    this.config = config;
    this.element = $('#viewer-element', root);
    this.overlay = $('#viewer-overlay', root);
    this.status = $('#viewer-status', root);
    this.measure = $('#viewer-measure', root);
    this.series = null;
    this.imageIds = [];
    this.activeCandidate = null;
    this.heatmap = null;
    this.images = new Map();
    this.metadataLoaded = new Set();
    this.firstDrawn = null;
  }

  async start() {
    // The first study's metadata is fetched while the libraries start.
    const firstStudy = this.config.series.find((s) => s.study_uid);
    if (firstStudy) this.pendingMetadata = this.fetchMetadata(firstStudy.study_uid);
    this.pendingMetadata?.catch(() => {});
    await coreInit();
    // A software rasteriser (no GPU) draws a 2-D stack faster on the CPU path.
    if (softwareGL()) setUseCPURendering(true);
    dicomImageLoaderInit({ maxWebWorkers: 1 });
    toolsInit();
    [WindowLevelTool, PanTool, ZoomTool, StackScrollTool, LengthTool].forEach((t) => addTool(t));
    this.engine = new RenderingEngine(ENGINE_ID);
    this.engine.enableElement({
      viewportId: VIEWPORT_ID,
      type: Enums.ViewportType.STACK,
      element: this.element,
      defaultOptions: { background: [0, 0, 0] },
    });
    this.viewport = this.engine.getViewport(VIEWPORT_ID);
    const group = ToolGroupManager.createToolGroup(GROUP_ID);
    Object.values(TOOLS).forEach((name) => group.addTool(name));
    group.addTool(StackScrollTool.toolName);
    group.addViewport(VIEWPORT_ID, ENGINE_ID);
    group.setToolActive(StackScrollTool.toolName, { bindings: [{ mouseButton: ToolEnums.MouseBindings.Wheel }] });
    group.setToolActive(PanTool.toolName, { bindings: [{ mouseButton: ToolEnums.MouseBindings.Auxiliary }] });
    group.setToolActive(ZoomTool.toolName, { bindings: [{ mouseButton: ToolEnums.MouseBindings.Secondary }] });
    this.group = group;
    this.setTool('wl');
    this.element.addEventListener('contextmenu', (e) => e.preventDefault());
    this.element.addEventListener(Enums.Events.IMAGE_RENDERED, () => this.onRendered());
    new ResizeObserver(() => this.resize()).observe(this.element);
    this.bindControls();
    const first = this.config.series[0];
    if (first) await this.open(first.id);
  }

  resize() {
    this.engine.resize(true, true);
    this.onRendered();
  }

  setTool(key) {
    const name = TOOLS[key];
    Object.entries(TOOLS).forEach(([k, n]) => {
      if (k === key) return;
      if (k === 'pan' || k === 'zoom') {
        const button = k === 'pan' ? ToolEnums.MouseBindings.Auxiliary : ToolEnums.MouseBindings.Secondary;
        this.group.setToolActive(n, { bindings: [{ mouseButton: button }] });
      } else {
        this.group.setToolPassive(n);
      }
    });
    this.group.setToolActive(name, { bindings: [{ mouseButton: ToolEnums.MouseBindings.Primary }] });
    this.root.querySelectorAll('[data-tool]').forEach((b) => b.setAttribute('aria-pressed', String(b.dataset.tool === key)));
    this.tool = key;
  }

  async fetchMetadata(studyUid) {
    const url = `${this.config.root}/studies/${studyUid}/metadata`;
    const response = await fetch(url, { headers: { Accept: 'application/dicom+json' }, credentials: 'same-origin' });
    if (!response.ok) throw new Error(`The study could not be opened (${response.status}).`);
    return response.json();
  }

  async loadStudyMetadata(series) {
    const key = series.study_uid;
    if (this.metadataLoaded.has(key)) return;
    const pending = this.pendingMetadata;
    this.pendingMetadata = null;
    const items = await (pending && this.config.series.find((s) => s.study_uid)?.study_uid === key
      ? pending
      : this.fetchMetadata(key));
    for (const meta of items) {
      const seriesUid = meta['0020000E'].Value[0];
      const sop = meta['00080018'].Value[0];
      wadors.metaDataManager.add(this.imageId(series.study_uid, seriesUid, sop), meta);
    }
    this.metadataLoaded.add(key);
  }

  imageId(study, series, sop) {
    const origin = window.location.origin;
    return `wadors:${origin}${this.config.root}/studies/${study}/series/${series}/instances/${sop}/frames/1`;
  }

  async open(id, { slice = null } = {}) {
    const series = this.config.series.find((s) => s.id === id);
    if (!series) return;
    const changed = this.series !== series;
    this.series = series;
    this.root.querySelectorAll('[data-open-series]').forEach((b) => b.setAttribute('aria-current', String(b.dataset.openSeries === id)));
    this.root.dataset.kind = series.kind;
    this.renderSidePanels(series);
    if (series.kind === 'picture') {
      this.showPicture(series);
      return;
    }
    this.root.classList.remove('picture-mode');
    if (changed) {
      this.say(`Loading ${series.label}…`);
      await this.loadStudyMetadata(series);
      this.imageIds = series.instances.map((sop) => this.imageId(series.study_uid, series.series_uid, sop));
      const start = slice ?? (series.kind === 'ct' ? Math.floor(this.imageIds.length / 2) : 0);
      await this.viewport.setStack(this.imageIds, start);
      // The image's own window arrives with its first pixels; the preset is applied after it.
      if (series.kind === 'ct') this.pendingPreset = 'lung';
      this.viewport.render();
      if (this.firstDrawn === null) {
        this.firstDrawn = performance.now();
        this.root.dataset.firstDrawnMs = String(Math.round(this.firstDrawn));
      }
      this.root.dataset.ready = 'true';
    } else if (slice !== null) {
      await this.viewport.setImageIdIndex(slice);
    }
  }

  showPicture(series) {
    this.root.classList.add('picture-mode');
    const img = $('#viewer-picture', this.root);
    img.src = series.image_url;
    img.alt = `${series.label} (de-identified picture)`;
    this.root.dataset.ready = 'true';
    this.say(`${series.label}: a picture upload, shown as the image (no DICOM calibration, no measurements).`);
    this.drawPictureHeatmap();
  }

  renderSidePanels(series) {
    const list = $('#viewer-candidates', this.root);
    list.replaceChildren();
    const candidatesBox = $('#viewer-candidates-box', this.root);
    candidatesBox.hidden = !(series.candidates && series.candidates.length);
    (series.candidates || []).forEach((c) => {
      const li = document.createElement('li');
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'candidate-button';
      button.dataset.candidate = String(c.n);
      button.textContent = `Candidate ${c.n}: ${Number(c.diameter_mm).toFixed(1)} mm, slice ${c.slice_index + 1}`;
      button.setAttribute('aria-label', `Go to nodule candidate ${c.n}, ${Number(c.diameter_mm).toFixed(1)} millimetres, on slice ${c.slice_index + 1}`);
      button.addEventListener('click', () => this.goToCandidate(c.n));
      li.append(button);
      list.append(li);
    });
    $('#viewer-ct-controls', this.root).hidden = series.kind !== 'ct';
    $('#viewer-mask-toggle', this.root).disabled = !series.lung_mask;
    const select = $('#viewer-heatmap', this.root);
    select.replaceChildren(new Option('None', ''));
    (series.heatmaps || []).forEach((h) => select.append(new Option(h.label, h.label)));
    $('#viewer-heatmap-box', this.root).hidden = !(series.heatmaps && series.heatmaps.length);
    this.heatmap = null;
  }

  async goToCandidate(n) {
    const series = this.series?.candidates ? this.series : this.config.series.find((s) => s.kind === 'ct');
    if (!series) return;
    const c = series.candidates.find((x) => x.n === n);
    if (!c) return;
    this.activeCandidate = c;
    $('#viewer-candidate-toggle', this.root).checked = true;
    await this.open(series.id, { slice: c.slice_index });
    if (this.viewport.getCurrentImageIdIndex() !== c.slice_index) await this.viewport.setImageIdIndex(c.slice_index);
    this.root.querySelectorAll('.candidate-button').forEach((b) => b.setAttribute('aria-pressed', String(Number(b.dataset.candidate) === n)));
    this.onRendered();
  }

  async goToSlice(id, oneBased) {
    await this.open(id, { slice: Math.max(0, Math.min(Number(oneBased) - 1, this.series?.instances.length - 1 || 0)) });
  }

  async showHeatmap(id, label) {
    await this.open(id);
    const select = $('#viewer-heatmap', this.root);
    select.value = label;
    this.setHeatmap(label);
  }

  setHeatmap(label) {
    const entry = (this.series?.heatmaps || []).find((h) => h.label === label);
    this.heatmap = entry ? entry.label : null;
    if (entry && !this.images.has(entry.url)) {
      const img = new Image();
      img.onload = () => this.onRendered();
      img.src = entry.url;
      this.images.set(entry.url, img);
    }
    if (this.series?.kind === 'picture') this.drawPictureHeatmap();
    else this.onRendered();
  }

  opacity() {
    return Number($('#viewer-opacity', this.root).value) / 100;
  }

  drawPictureHeatmap() {
    const heat = $('#viewer-picture-heat', this.root);
    const entry = (this.series?.heatmaps || []).find((h) => h.label === this.heatmap);
    heat.hidden = !entry;
    if (entry) {
      heat.src = entry.url;
      heat.style.opacity = String(this.opacity());
    }
  }

  applyPreset(name) {
    const p = PRESETS[name];
    this.pendingPreset = null;
    this.viewport.setProperties({ voiRange: { lower: p.center - p.width / 2, upper: p.center + p.width / 2 } });
    this.viewport.render();
    this.root.querySelectorAll('[data-preset]').forEach((b) => b.setAttribute('aria-pressed', String(b.dataset.preset === name)));
  }

  reset() {
    this.viewport.resetCamera();
    this.viewport.resetProperties();
    if (this.series?.kind === 'ct') this.applyPreset('lung');
    this.viewport.render();
  }

  zoomBy(factor) {
    const camera = this.viewport.getCamera();
    this.viewport.setCamera({ parallelScale: camera.parallelScale / factor });
    this.viewport.render();
  }

  async scrollBy(delta) {
    if (!this.imageIds.length || this.series?.kind === 'picture') return;
    const next = Math.max(0, Math.min(this.imageIds.length - 1, this.viewport.getCurrentImageIdIndex() + delta));
    await this.viewport.setImageIdIndex(next);
  }

  // Map image pixel coordinates (column, row) of the current image to overlay canvas pixels.
  imageTransform() {
    const imageId = this.viewport.getCurrentImageId();
    if (!imageId) return null;
    const toCanvas = (x, y) => this.viewport.worldToCanvas(csUtils.imageToWorldCoords(imageId, [x, y]));
    const o = toCanvas(0, 0);
    const ex = toCanvas(1, 0);
    const ey = toCanvas(0, 1);
    return [ex[0] - o[0], ex[1] - o[1], ey[0] - o[0], ey[1] - o[1], o[0], o[1]];
  }

  canvasPointOfPixel(x, y) {
    const imageId = this.viewport.getCurrentImageId();
    const point = this.viewport.worldToCanvas(csUtils.imageToWorldCoords(imageId, [x, y]));
    const rect = this.element.getBoundingClientRect();
    return { x: rect.left + point[0], y: rect.top + point[1] };
  }

  onRendered() {
    if (!this.viewport || !this.series || this.series.kind === 'picture') return;
    const dpr = window.devicePixelRatio || 1;
    const w = this.element.clientWidth;
    const h = this.element.clientHeight;
    if (this.overlay.width !== Math.round(w * dpr) || this.overlay.height !== Math.round(h * dpr)) {
      this.overlay.width = Math.round(w * dpr);
      this.overlay.height = Math.round(h * dpr);
    }
    const ctx = this.overlay.getContext('2d');
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, this.overlay.width, this.overlay.height);
    const t = this.imageTransform();
    if (!t) return;
    ctx.setTransform(dpr * t[0], dpr * t[1], dpr * t[2], dpr * t[3], dpr * t[4], dpr * t[5]);
    const index = this.viewport.getCurrentImageIdIndex();
    const image = this.viewport.getImageData?.() || {};
    const [cols, rows] = image.dimensions || [0, 0];
    if (this.series.kind === 'ct') {
      if ($('#viewer-mask-toggle', this.root).checked) this.drawMask(ctx, index, cols, rows);
      if ($('#viewer-candidate-toggle', this.root).checked) this.drawCandidates(ctx, index, image.spacing || [1, 1, 1]);
    }
    if (this.heatmap) this.drawHeatmap(ctx, cols, rows);
    if (this.pendingPreset && image.dimensions) {
      const preset = this.pendingPreset;
      this.pendingPreset = null;
      this.applyPreset(preset);
      return;
    }
    this.updateStatus(index);
    this.updateMeasurement();
    if (image.dimensions && !this.root.dataset.drawn) this.root.dataset.drawn = String(Math.round(performance.now()));
  }

  drawMask(ctx, index, cols, rows) {
    const mask = this.series.lung_mask;
    if (!mask) return;
    let img = this.images.get(mask.url);
    if (!img) {
      img = new Image();
      img.onload = () => this.onRendered();
      img.src = mask.url;
      this.images.set(mask.url, img);
      return;
    }
    if (!img.complete || index >= mask.slices) return;
    const c = index % mask.columns;
    const r = Math.floor(index / mask.columns);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(img, c * mask.tile_cols, r * mask.tile_rows, mask.tile_cols, mask.tile_rows, -0.5, -0.5, cols, rows);
  }

  drawCandidates(ctx, index, spacing) {
    const scale = Math.hypot(ctx.getTransform().a, ctx.getTransform().b);
    (this.series.candidates || []).forEach((c) => {
      const [first, last] = c.slices || [c.slice_index, c.slice_index];
      if (index < first || index > last) return;
      const [, cy, cx] = c.centroid_zyx;
      const radius = Math.max(4, (c.axial_extent_mm || c.diameter_mm) / 2 / (spacing[0] || 1));
      const active = this.activeCandidate && this.activeCandidate.n === c.n;
      ctx.lineWidth = (active ? 3 : 2) / scale;
      ctx.strokeStyle = active ? '#ffd400' : '#ff8c00';
      ctx.setLineDash(index === c.slice_index ? [] : [6 / scale, 4 / scale]);
      ctx.beginPath();
      ctx.arc(cx, cy, radius + 3, 0, 2 * Math.PI);
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.font = `${14 / scale}px sans-serif`;
      ctx.fillStyle = ctx.strokeStyle;
      ctx.fillText(`C${c.n}`, cx + radius + 6, cy - radius);
    });
  }

  drawHeatmap(ctx, cols, rows) {
    const entry = (this.series.heatmaps || []).find((h) => h.label === this.heatmap);
    const img = entry && this.images.get(entry.url);
    if (!img || !img.complete || !img.naturalWidth) return;
    // Overlays made on a centre-cropped square cover the central square of the film.
    const square = Math.abs(img.naturalWidth - img.naturalHeight) <= 1 && Math.abs(cols - rows) > 1;
    const side = Math.min(cols, rows);
    const [x, y, w, h] = square ? [(cols - side) / 2, (rows - side) / 2, side, side] : [0, 0, cols, rows];
    ctx.globalAlpha = this.opacity();
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(img, x - 0.5, y - 0.5, w, h);
    ctx.globalAlpha = 1;
  }

  updateStatus(index) {
    const n = this.imageIds.length;
    const { voiRange } = this.viewport.getProperties();
    const imageId = this.viewport.getCurrentImageId();
    const plane = imageId ? csUtils.imageToWorldCoords(imageId, [0, 0]) : null;
    const width = voiRange ? Math.round(voiRange.upper - voiRange.lower) : 0;
    const center = voiRange ? Math.round((voiRange.upper + voiRange.lower) / 2) : 0;
    const zoom = this.viewport.getZoom ? this.viewport.getZoom().toFixed(2) : '1.00';
    const parts = [];
    if (this.series.kind === 'ct') parts.push(`Slice ${index + 1} / ${n}`, plane ? `position z ${plane[2].toFixed(1)} mm` : '');
    else parts.push(this.series.label);
    parts.push(`W ${width} / L ${center}`, `zoom ${zoom}×`);
    if (this.heatmap) parts.push(`heatmap ${this.heatmap} at ${Math.round(this.opacity() * 100)}%`);
    this.status.textContent = parts.filter(Boolean).join(' · ');
    this.root.dataset.slice = String(index + 1);
    this.root.dataset.window = `${width}/${center}`;
  }

  updateMeasurement() {
    const all = annotation.state.getAllAnnotations().filter((a) => a.metadata?.toolName === LengthTool.toolName);
    const last = all[all.length - 1];
    const stats = last && Object.values(last.data?.cachedStats || {})[0];
    if (stats && Number.isFinite(stats.length)) {
      this.measure.textContent = `Length: ${stats.length.toFixed(1)} ${stats.unit || 'mm'}`;
      this.root.dataset.length = stats.length.toFixed(2);
    }
  }

  lastLengthHandles() {
    const all = annotation.state.getAllAnnotations().filter((a) => a.metadata?.toolName === LengthTool.toolName);
    const last = all[all.length - 1];
    return last ? last.data.handles.points.map((p) => this.viewport.worldToCanvas(p)) : null;
  }

  say(text) {
    this.status.textContent = text;
  }

  bindControls() {
    this.root.addEventListener('click', (e) => {
      const b = e.target.closest('button');
      if (!b || !this.root.contains(b)) return;
      if (b.dataset.tool) this.setTool(b.dataset.tool);
      else if (b.dataset.preset) this.applyPreset(b.dataset.preset);
      else if (b.dataset.openSeries) this.open(b.dataset.openSeries);
      else if (b.dataset.action === 'reset') this.reset();
      else if (b.dataset.action === 'zoom-in') this.zoomBy(1.25);
      else if (b.dataset.action === 'zoom-out') this.zoomBy(0.8);
      else if (b.dataset.action === 'clear') {
        annotation.state.removeAllAnnotations();
        this.measure.textContent = '';
        delete this.root.dataset.length;
        this.viewport.render();
      }
    });
    $('#viewer-mask-toggle', this.root).addEventListener('change', () => this.onRendered());
    $('#viewer-candidate-toggle', this.root).addEventListener('change', () => this.onRendered());
    $('#viewer-heatmap', this.root).addEventListener('change', (e) => this.setHeatmap(e.target.value));
    $('#viewer-opacity', this.root).addEventListener('input', (e) => {
      $('#viewer-opacity-value', this.root).textContent = `${e.target.value}%`;
      if (this.series?.kind === 'picture') this.drawPictureHeatmap();
      else this.onRendered();
    });
    this.element.addEventListener('mouseup', () => setTimeout(() => this.updateMeasurement(), 50));
    this.root.addEventListener('keydown', (e) => this.onKey(e));
    document.addEventListener('click', (e) => {
      const link = e.target.closest('a.viewer-link');
      if (!link) return;
      e.preventDefault();
      this.followLink(link.dataset);
      this.root.scrollIntoView({ behavior: 'smooth', block: 'start' });
      this.element.focus({ preventScroll: true });
    });
  }

  followLink(data) {
    if (data.candidate) this.goToCandidate(Number(data.candidate));
    else if (data.slice) this.goToSlice(data.series, data.slice);
    else if (data.heatmap) this.showHeatmap(data.series, data.heatmap);
    else if (data.series) this.open(data.series);
  }

  onKey(e) {
    if (e.target.matches('input, select, textarea') || e.ctrlKey || e.metaKey || e.altKey) return;
    const keys = {
      ArrowUp: () => this.scrollBy(-1),
      ArrowLeft: () => this.scrollBy(-1),
      ArrowDown: () => this.scrollBy(1),
      ArrowRight: () => this.scrollBy(1),
      PageUp: () => this.scrollBy(-10),
      PageDown: () => this.scrollBy(10),
      Home: () => this.scrollBy(-1e6),
      End: () => this.scrollBy(1e6),
      1: () => this.applyPreset('lung'),
      2: () => this.applyPreset('mediastinum'),
      3: () => this.applyPreset('bone'),
      w: () => this.setTool('wl'),
      p: () => this.setTool('pan'),
      z: () => this.setTool('zoom'),
      m: () => this.setTool('length'),
      r: () => this.reset(),
      '+': () => this.zoomBy(1.25),
      '=': () => this.zoomBy(1.25),
      '-': () => this.zoomBy(0.8),
    };
    const act = keys[e.key];
    if (!act) return;
    e.preventDefault();
    act();
  }
}

function softwareGL() {
  const gl = document.createElement('canvas').getContext('webgl2');
  if (!gl) return true;
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const name = info ? String(gl.getParameter(info.UNMASKED_RENDERER_WEBGL)) : '';
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return /swiftshader|llvmpipe|software/i.test(name);
}

async function main() {
  const root = document.getElementById('viewer');
  const source = document.getElementById('viewer-config');
  if (!root || !source) return;
  const config = JSON.parse(source.textContent);
  if (!config.series || !config.series.length) return;
  $('#viewer-missing', root)?.remove();
  const viewer = new Viewer(root, config);
  window.soViewer = viewer; // for keyboard-free checks in the browser tests
  try {
    await viewer.start();
  } catch (err) {
    root.dataset.error = String(err?.message || err);
    viewer.say(`The viewer could not start: ${root.dataset.error}`);
    throw err;
  }
}

main();
