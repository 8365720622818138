import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

// `npm run dev` serves the portal with hot reload and sends the API and the settings to a running `make run`
// (the local gateway on 127.0.0.1:8750), so the browser sees one origin as it does when the gateway serves the build.
const hub = process.env.CLIENT_HUB_API ?? "http://127.0.0.1:8750";

export default defineConfig({
  plugins: [react()],
  server: {
    host: "127.0.0.1",
    proxy: { "/v1": hub, "/config.json": hub },
  },
  build: {
    outDir: "dist",
    sourcemap: true,
    rolldownOptions: {
      output: {
        // the libraries change less often than the portal: their own files stay cached across deployments
        codeSplitting: {
          groups: [
            { name: "amplify", test: /node_modules[\\/](@aws-amplify|aws-amplify|@aws-sdk|@aws-crypto|@smithy)/ },
            {
              name: "react-aria",
              test: /node_modules[\\/](react-aria|react-aria-components|react-stately|@react-aria|@react-stately|@react-types|@internationalized)/,
            },
            { name: "react", test: /node_modules[\\/](react|react-dom|scheduler|react-router|@tanstack)[\\/]/ },
          ],
        },
      },
    },
  },
  test: {
    environment: "node",
    include: ["src/**/*.test.ts"],
  },
});
