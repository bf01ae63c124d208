import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const entry = (page: string) => fileURLToPath(new URL(`./renderer/${page}`, import.meta.url));

/**
 * Two builds into one folder: the app (`vite build`), then the co-facilitator's page the host
 * serves on the local network (`vite build --mode device`; no audio code in it). Built apart,
 * so the app's start screen loads its own few chunks, not the pieces a shared build splits
 * out for two entries (one build of both made the start ~100 ms slower).
 */
export default defineConfig(({ mode }) => ({
  root: 'renderer',
  // Relative asset paths so the same build loads from the desktop shell and the web host.
  base: './',
  // Icons and other small bundled files are served as-is next to the renderer.
  publicDir: mode === 'device' ? false : '../assets',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    // The device build comes second and adds to the app's.
    emptyOutDir: mode !== 'device',
    chunkSizeWarningLimit: 1500,
    rollupOptions: { input: entry(mode === 'device' ? 'device.html' : 'index.html') },
  },
}));
