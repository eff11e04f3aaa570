// Vite for the reference web app: `npm run dev -w web` on :5173 (an origin npm start allows),
// `npm run build -w web` into web/dist, which npm start serves.
import { defineConfig } from "vite";

export default defineConfig({
  root: import.meta.dirname,
  server: { host: "127.0.0.1", port: 5173, strictPort: true },
  preview: { host: "127.0.0.1", port: 4173, strictPort: true },
  build: { outDir: "dist", emptyOutDir: true, target: "es2023", chunkSizeWarningLimit: 1024 },
});
