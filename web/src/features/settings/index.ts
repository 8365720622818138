export { settingsBase } from "./paths";
export { SettingsPage } from "./SettingsPage";
export { UserSettingsPage } from "./UserSettingsPage";
