// The dashboard's build: `npm run build:web` (vite build web) writes web/dist, which
// `netbox-gitops api` serves at `/`. `npx vite web` serves it with hot reload, proxying the API
// to NBG_API_URL (default http://127.0.0.1:8080) so the browser talks to one origin as in production.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const api = process.env.NBG_API_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    // The charts are the one large dependency; they load with the overview only.
    chunkSizeWarningLimit: 700,
  },
  server: {
    proxy: {
      '/api': api,
      '/health': api,
      '/graphql': { target: api, ws: true },
    },
  },
});
