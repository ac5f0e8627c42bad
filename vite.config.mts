/**
 * Renderer build. The same bundle is loaded from app://latent/ by Electron and from
 * http://127.0.0.1:PORT/ in serve mode, so every URL in it is relative
 * (base './') and nothing is fetched from another origin at run time.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import vue from '@vitejs/plugin-vue';

const rendererRoot = fileURLToPath(new URL('./renderer', import.meta.url));
const outDir = fileURLToPath(new URL('./dist/renderer', import.meta.url));

/**
 * The dev server (not the build) injects styles as <style> tags and talks to
 * its HMR socket, which the strict CSP in index.html forbids. Relax the policy
 * for `vite` dev only; built files keep the strict one.
 */
function devCspRelax(): Plugin {
  return {
    name: 'latent-dev-csp-relax',
    apply: 'serve',
    transformIndexHtml(html) {
      return html
        .replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
        .replace("connect-src 'self'", "connect-src 'self' ws: http://127.0.0.1:* http://localhost:*");
    },
  };
}

/** Optional: `LATENT_API_TARGET=http://127.0.0.1:PORT npx vite` proxies the API of a running `npm run serve`. */
const apiTarget = process.env['LATENT_API_TARGET'];

export default defineConfig({
  root: rendererRoot,
  base: './',
  plugins: [vue(), devCspRelax()],
  build: {
    outDir,
    emptyOutDir: true,
    // Electron's Chromium and any current browser: no legacy polyfills.
    target: 'es2022',
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 1200,
    sourcemap: false,
  },
  server: {
    host: '127.0.0.1',
    proxy: apiTarget
      ? {
          '/api/': { target: apiTarget },
          '/events': { target: apiTarget.replace(/^http/, 'ws'), ws: true },
        }
      : undefined,
  },
});
