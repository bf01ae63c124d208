import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

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
  },
});
