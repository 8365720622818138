import { createContext, use, type ReactNode } from "react";

import type { PortalConfig } from "./config";

const ConfigContext = createContext<PortalConfig | null>(null);

export function ConfigProvider({ config, children }: { config: PortalConfig; children: ReactNode }) {
  return <ConfigContext value={config}>{children}</ConfigContext>;
}

export function useConfig(): PortalConfig {
  const config = use(ConfigContext);
  if (!config) throw new Error("useConfig needs a ConfigProvider above it");
  return config;
}
