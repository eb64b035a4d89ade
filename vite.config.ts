import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';

/**
 * Privacy: the page may talk only to its own origin. The policy is written into the built
 * index.html (so a static host serves it too) and sent as a header by `vite preview`.
 * 'wasm-unsafe-eval' lets tfjs compile its WebAssembly; blob: covers worker/wasm helpers.
 * Besides requests, it refuses what a directive can refuse: frames and embedded objects of any
 * origin, form posts, a <base> that re-points relative URLs, and manifests or media from
 * elsewhere. No directive stops a link click, a navigation or a popup: src/ui/privacy-guard.ts
 * does that in the page, and the end-to-end privacy test clicks everything to check.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval' blob:",
  "worker-src 'self' blob:",
  "child-src 'self' blob:",
  "connect-src 'self' blob: data:",
  "img-src 'self' data: blob:",
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self' data:",
  "media-src 'self' blob:",
  "manifest-src 'self'",
  "frame-src 'none'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/** Headers a server adds (a meta tag cannot carry frame-ancestors, and COOP is a header only). */
export const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': `${CONTENT_SECURITY_POLICY}; frame-ancestors 'none'`,
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
};

function cspMeta(): Plugin {
  return {
    name: 'bias-workbench-csp',
    apply: 'build',
    transformIndexHtml(html) {
      return html.replace(
        '<meta charset="UTF-8" />',
        `<meta charset="UTF-8" />\n    <meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}" />`,
      );
    },
  };
}

/**
 * Offline: a Workbox service worker (vite-plugin-pwa, generateSW) written into the build as
 * sw.js, registered by src/ui/sw-register.ts (no inline script; never in `vite` dev).
 * - Precached at the first visit: index.html, every JS/CSS chunk and tfjs's .wasm files but
 *   onnxruntime-web's, and the bank and CRM demos' files; a navigation (`/?demo=bank`,
 *   `?workshop=…`) is answered with the cached index.html.
 * - onnxruntime-web (chunk + wasm, ~14 MB) and our ONNX adapter's chunk, needed only for .onnx
 *   models, are cached on first use instead (cache first: the names carry a content hash), so a
 *   session that never opens an ONNX model never downloads them, and one that did keeps them
 *   offline.
 * - Only our own origin: the precache list is our files, the runtime route matches our origin
 *   only, and anything else passes through to the network untouched (where the page's CSP
 *   refuses it). The worker's one file (runtime inlined) is covered by script-src/worker-src
 *   'self'.
 * - Updates: a new build's worker takes over at once (skipWaiting, clientsClaim) and drops the
 *   old precache; the page then offers a reload (sw-register.ts).
 */
function offline() {
  return VitePWA({
    strategies: 'generateSW',
    // the same worker whatever NODE_ENV says (the test runner builds with NODE_ENV=test)
    mode: 'production',
    registerType: 'autoUpdate',
    injectRegister: false,
    manifest: false,
    includeAssets: ['demo/bank/bank-full.csv', 'demo/bank/model.json', 'demo/bank/model.weights.bin', 'demo/bank/model.manifest.json', 'demo/crm/leads.csv', 'demo/crm/truth.csv', 'demo/crm/model.json', 'demo/crm/model.weights.bin', 'demo/crm/model.manifest.json'],
    devOptions: { enabled: false },
    workbox: {
      globPatterns: ['**/*.{html,js,css,wasm}'],
      globIgnores: ['**/assets/ort[-.]*', '**/assets/onnx-*', 'sw.js', 'workbox-*.js'],
      // the demo CSV (4.6 MB) and tfjs's wasm are larger than Workbox's 2 MiB default
      maximumFileSizeToCacheInBytes: 8 * 1024 * 1024,
      inlineWorkboxRuntime: true,
      navigateFallback: 'index.html',
      skipWaiting: true,
      clientsClaim: true,
      cleanupOutdatedCaches: true,
      // the ?demo= and ?workshop= parameters never change which file is served
      ignoreURLParametersMatching: [/.*/],
      runtimeCaching: [
        {
          // onnxruntime-web's lazy chunk and .wasm, and our ONNX adapter's chunk, as the build names them
          // (the function is copied into sw.js: no outside names)
          urlPattern: ({ url, sameOrigin }) => sameOrigin && /\/assets\/(ort[-.][^/]*|onnx-[^/]*)\.(js|wasm)$/.test(url.pathname),
          handler: 'CacheFirst',
          options: { cacheName: 'bias-workbench-onnxruntime', expiration: { maxEntries: 8 } },
        },
      ],
    },
  });
}

export default defineConfig({
  plugins: [react(), cspMeta(), offline()],
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 4000 },
  // the lazily imported ones too (the converter for graph models, onnxruntime-web's wasm build
  // for ONNX): found only when a model is opened, the dev server would re-bundle and reload then
  optimizeDeps: { include: ['@tensorflow/tfjs-core', '@tensorflow/tfjs-layers', '@tensorflow/tfjs-backend-cpu', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-converter', 'onnxruntime-web/wasm', 'comlink', 'react', 'react-dom', 'plotly.js-basic-dist-min'] },
  preview: { headers: SECURITY_HEADERS },
});
