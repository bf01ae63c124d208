import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const entry = (page: string) => fileURLToPath(new URL(`./renderer/${page}`, import.meta.url));

export default defineConfig({
  root: 'renderer',
  // Relative asset paths so the same build loads from the desktop shell and the web host.
  base: './',
  // Icons and other small bundled files are served as-is next to the renderer.
  publicDir: '../assets',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      input: {
        // The app, and the co-facilitator's page the host serves on the local network (no audio code in it).
        main: entry('index.html'),
        device: entry('device.html'),
      },
    },
  },
});
