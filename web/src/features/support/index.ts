export { NewTicketPage } from "./NewTicketPage";
export { QueuePage } from "./QueuePage";
export { SupportMenuItems } from "./SupportMenu";
export { SupportPage } from "./SupportPage";
export { TicketPage } from "./TicketPage";
