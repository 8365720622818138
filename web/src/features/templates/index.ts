export { AddLanguagePage, EditTemplatePage } from "./EditTemplatePage";
export { NewTemplatePage } from "./NewTemplatePage";
export { TemplatesHome } from "./TemplatesHome";
export { TemplatesPage } from "./TemplatesPage";
