export { BillingDetails } from "./BillingDetails";
export { BillingMenuItems } from "./BillingMenu";
export { FundsNotice } from "./FundsNotice";
export { FundsPage } from "./FundsPage";
export { InsightsPage } from "./InsightsPage";
export { InvoicesPage } from "./InvoicesPage";
