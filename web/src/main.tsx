import { StrictMode } from "react";
import { createRoot } from "react-dom/client";

import { App } from "./app/App";
import { ConfigProblem } from "./app/ConfigProblem";
import { loadConfig } from "./lib/config";
import { configureAuth } from "./lib/auth";
import "./styles.css";

const container = document.getElementById("root");
if (!container) throw new Error("index.html has no #root");
const root = createRoot(container);

// The settings come from /config.json beside the app (one build, every stage); the app starts once they are read.
loadConfig().then(
  (config) => {
    configureAuth(config);
    root.render(
      <StrictMode>
        <App config={config} />
      </StrictMode>,
    );
  },
  (error: unknown) => {
    root.render(<ConfigProblem error={error} />);
  },
);
