export {
  actableClients,
  meKey,
  useChangeMe,
  useConfirmEmailChange,
  useMe,
  useRequestEmailChange,
  type Me,
} from "./api";
export { codeProblem } from "./password";
export { ClientPickerPage } from "./ClientPickerPage";
export { SignInPage } from "./SignInPage";
