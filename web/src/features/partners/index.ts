export { InboxPage } from "./InboxPage";
export { PartnerHomePage } from "./PartnerHomePage";
export { PartnerMenuItems } from "./PartnerMenu";
export { partnerSettingsHref } from "./paths";
export { PartnerSettingsPage } from "./PartnerSettingsPage";
