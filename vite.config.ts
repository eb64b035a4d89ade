import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

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

export default defineConfig({
  plugins: [react(), cspMeta()],
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 4000 },
  // the lazily imported ones too (the converter for graph models, onnxruntime-web's wasm build
  // for ONNX): found only when a model is opened, the dev server would re-bundle and reload then
  optimizeDeps: { include: ['@tensorflow/tfjs-core', '@tensorflow/tfjs-layers', '@tensorflow/tfjs-backend-cpu', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-converter', 'onnxruntime-web/wasm', 'comlink', 'react', 'react-dom', 'plotly.js-basic-dist-min'] },
  preview: { headers: SECURITY_HEADERS },
});
