import type { ReactNode } from "react";
import { useParams } from "react-router";

import { ErrorMessage, Loading, useDocumentTitle } from "../../lib/ui";
import { useTemplate, useTemplateLanguages, type Template } from "./api";
import { formOf } from "./content";
import { ChangePage } from "./NewTemplatePage";
import { templatesBase } from "./paths";
import { TemplateEditor } from "./TemplateEditor";
import { languageName, notEditableReason } from "./wording";

/**
 * Edit a template (the WABA Manager's Edit): the template form filled with it, beside its live preview; its name and
 * language stay, an APPROVED one keeps its category and shows Meta's edit limit. A submitted template goes back to
 * Meta's review (PENDING); a draft stays a draft, or is submitted with the changes.
 */
export function EditTemplatePage() {
  const { clientId, wabaId = "", name = "", language = "" } = useParams();
  useDocumentTitle(`Edit ${name}`);
  const back = templatesBase(clientId, wabaId);
  const template = useTemplate(wabaId, name, language);
  return (
    <ChangePage
      title="Edit template"
      subtitle={`${name} · ${languageName(language)}`}
      back={back}
      wabaId={wabaId}
      refusal="edit them"
    >
      <Loaded template={template}>
        {(found) => {
          const why = notEditableReason(found.status);
          if (why) return <p>{why}</p>;
          const held = formOf(found);
          if ("unsupported" in held) return <Unsupported part={held.unsupported} />;
          return (
            <TemplateEditor wabaId={wabaId} back={back} mode={{ kind: "edit", template: found, form: held.form }} />
          );
        }}
      </Loaded>
    </ChangePage>
  );
}

/**
 * Add a language to a template's name (the WABA Manager's Add language): the form filled with one language's
 * components to translate, a language the name does not have yet, the name's category.
 */
export function AddLanguagePage() {
  const { clientId, wabaId = "", name = "", language = "" } = useParams();
  useDocumentTitle(`Add a language to ${name}`);
  const back = templatesBase(clientId, wabaId);
  const template = useTemplate(wabaId, name, language);
  const group = useTemplateLanguages(wabaId, name);
  return (
    <ChangePage title="Add a language" subtitle={name} back={back} wabaId={wabaId} refusal="add languages">
      <Loaded template={template}>
        {(found) => {
          if (group.isPending) return <Loading>Loading the name&apos;s languages…</Loading>;
          if (group.isError)
            return <ErrorMessage error={group.error} title="The name's languages could not be loaded" />;
          const held = formOf(found);
          if ("unsupported" in held) return <Unsupported part={held.unsupported} />;
          const taken = group.data.languages.map((one) => one.language);
          return (
            <TemplateEditor
              wabaId={wabaId}
              back={back}
              mode={{ kind: "language", template: found, form: held.form, taken }}
            />
          );
        }}
      </Loaded>
    </ChangePage>
  );
}

function Loaded({
  template,
  children,
}: {
  template: ReturnType<typeof useTemplate>;
  children: (template: Template) => ReactNode;
}) {
  if (template.isPending) return <Loading>Loading the template…</Loading>;
  if (template.isError) return <ErrorMessage error={template.error} title="The template could not be loaded" />;
  return children(template.data);
}

function Unsupported({ part }: { part: string }) {
  return (
    <p>
      The portal&apos;s form writes text templates with quick replies; this one has {part}. Change it in Meta&apos;s
      WhatsApp Manager.
    </p>
  );
}
