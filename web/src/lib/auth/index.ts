export {
  CodeRefused,
  configureAuth,
  confirmEmailCode,
  idToken,
  PasswordResetRequired,
  sendPasswordCode,
  setPasswordWithCode,
  SignInRefused,
} from "./auth";
export { AuthProvider, useAuth, type AuthState } from "./AuthProvider";
