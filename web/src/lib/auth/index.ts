export { configureAuth, idToken, SignInRefused } from "./auth";
export { AuthProvider, useAuth, type AuthState } from "./AuthProvider";
