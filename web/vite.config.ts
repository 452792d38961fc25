import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The dev server and `vite preview` forward the API routes (not `/account/…`: the set-up and
// reset pages are the app's) to a portal running on PORTAL_API (default http://127.0.0.1:8090).
const api = process.env.PORTAL_API ?? 'http://127.0.0.1:8090';
const proxy = {
  '/graphql': { target: api, ws: true },
  '/attachments': { target: api },
  '/export': { target: api },
};

export default defineConfig({
  base: '/',
  plugins: [react()],
  server: { proxy },
  preview: { proxy },
  build: {
    outDir: 'dist',
    sourcemap: false,
    target: 'es2022',
    // The app, and GraphiQL (served by the portal at GET /graphql in development only).
    rollupOptions: {
      input: { main: 'index.html', graphiql: 'graphiql.html' },
      // GraphiQL's React compiler runtime starts with "use no memo", which bundling drops
      // harmlessly; the notice would otherwise be printed at every build.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
    // GraphiQL's own bundle is about 800 kB (260 kB gzipped); the app's chunks stay far below.
    chunkSizeWarningLimit: 1000,
  },
});
