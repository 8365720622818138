export { actableClients, meKey, useChangeMe, useMe, type Me } from "./api";
export { ClientPickerPage } from "./ClientPickerPage";
export { SignInPage } from "./SignInPage";
