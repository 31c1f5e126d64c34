// Bundle the viewer into ../static/viewer/ (ES modules; no CDN, no eval, no inline scripts).
// viewer.js is the page's module; decodeImageFrameWorker.js is the image loader's worker,
// which the loader finds next to the bundle through new URL(..., import.meta.url).
import { build } from 'esbuild';
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const out = new URL('../static/viewer/', import.meta.url).pathname;
const loader = 'node_modules/@cornerstonejs/dicom-image-loader/dist/esm';
rmSync(out, { recursive: true, force: true });
// Emscripten codec glue mentions Node's modules on a path the browser never takes.
const EVENTS = 'export class EventEmitter { on() { return this; } once() { return this; } off() { return this; } emit() { return false; } removeAllListeners() { return this; } } export default EventEmitter;';
const nodeBuiltins = {
  name: 'no-node-builtins',
  setup(b) {
    b.onResolve({ filter: /^(fs|path|crypto|url|module|worker_threads|ws)$/ }, (a) => ({ path: a.path, namespace: 'empty' }));
    b.onResolve({ filter: /^events$/ }, (a) => ({ path: a.path, namespace: 'empty' }));
    b.onLoad({ filter: /.*/, namespace: 'empty' }, (a) => ({ contents: a.path === 'events' ? EVENTS : 'export default {};', loader: 'js' }));
  },
};
// Cornerstone's measurement labels set a style attribute, which a CSP without 'unsafe-inline'
// styles refuses; the same declarations set through the CSSOM are allowed.
const cspStyles = {
  name: 'csp-styles',
  setup(b) {
    b.onLoad({ filter: /drawingSvg[\\/]drawTextBox\.js$/ }, (a) => {
      const source = readFileSync(a.path, 'utf8');
      const before = "textElement.setAttribute('style', combinedStyle);";
      if (!source.includes(before)) throw new Error('drawTextBox.js changed: review the CSP style patch');
      return { contents: source.replace(before, 'textElement.style.cssText = combinedStyle;'), loader: 'js' };
    });
  },
};
const started = Date.now();
await build({
  entryPoints: {
    viewer: 'src/viewer.js',
    decodeImageFrameWorker: `${loader}/decodeImageFrameWorker.js`,
  },
  outdir: out,
  bundle: true,
  format: 'esm',
  splitting: false,
  minify: true,
  sourcemap: false,
  target: ['chrome110'],
  legalComments: 'external',
  logLevel: 'warning',
  define: { 'process.env.NODE_ENV': '"production"' },
  loader: { '.wasm': 'file' },
  platform: 'browser',
  plugins: [nodeBuiltins, cspStyles],
});
// The built files must not fetch anything from outside the app. URLs that name a resource
// (a script, module, wasm, model, style, font or image, or any CDN host) fail the build.
// The only one Cornerstone ships is the orientation-marker tool's default model on GitHub;
// the viewer never uses that tool, and the URL is blanked so it cannot be fetched.
const BLANKED = ['https://raw.githubusercontent.com/Slicer/Slicer/80ad0a04dacf134754459557bf2638c63f3d1d1b/Base/Logic/Resources/OrientationMarkers/Human.vtp'];
const fetchable = /https?:\/\/[^\s"'\x60)]*?(?:\.(?:m?js|wasm|vtp|vti|json|css|woff2?|ttf|png|jpe?g|gif|svg)\b|(?:cdn|unpkg|jsdelivr|googleapis|raw\.githubusercontent)[^\s"'\x60)]*)/g;
let total = 0;
for (const name of readdirSync(out)) {
  const path = join(out, name);
  if (name.endsWith('.js')) {
    let text = readFileSync(path, 'utf8');
    for (const url of BLANKED) text = text.split(url).join('');
    writeFileSync(path, text);
    const found = text.match(fetchable);
    if (found) throw new Error(`${name} refers to external resources: ${[...new Set(found)].join(', ')}`);
  }
  total += statSync(path).size;
}
console.log(`viewer built into ${out}: ${(total / 1e6).toFixed(1)} MB in ${((Date.now() - started) / 1000).toFixed(1)} s`);
