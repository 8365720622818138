export { NumberPage } from "./NumberPage";
export { NumbersPage } from "./NumbersPage";
