export { settingsBase } from "./paths";
export { SettingsPage } from "./SettingsPage";
