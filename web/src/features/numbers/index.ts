export { AddNumberPage } from "./AddNumberPage";
export { ImportNumberPage, ImportProgressPage } from "./ImportNumberPage";
export { NumberPage } from "./NumberPage";
export { NumbersPage } from "./NumbersPage";
