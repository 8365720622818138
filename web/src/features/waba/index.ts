export { WabaManager } from "./WabaManager";
