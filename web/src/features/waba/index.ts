export { DetailsSection } from "./DetailsSection";
export { WabaManager } from "./WabaManager";
