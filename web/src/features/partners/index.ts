export { InboxPage } from "./InboxPage";
export { PartnerChangesPage } from "./PartnerChangesPage";
export { PartnerHomePage } from "./PartnerHomePage";
export { AgentPartnerMenuItems, PartnerMenuItems } from "./PartnerMenu";
export { partnerSettingsHref } from "./paths";
export { PartnerSettingsPage } from "./PartnerSettingsPage";
