import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';
import { fileURLToPath } from 'node:url';

// The dashboard is a static single-page app: `vite build` writes it to dist/dashboard, next to the
// compiled server, and src/api/routes/dashboard.ts serves it at `/`.
export default defineConfig({
  root: fileURLToPath(new URL('./src/dashboard', import.meta.url)),
  // Relative asset URLs: the built files work behind a reverse proxy that mounts Herald under a path.
  base: './',
  plugins: [preact()],
  build: {
    outDir: fileURLToPath(new URL('./dist/dashboard', import.meta.url)),
    emptyOutDir: true,
    // Small enough to ship without source maps; the source is in the repository.
    sourcemap: false,
    reportCompressedSize: false,
  },
  logLevel: 'warn',
});
