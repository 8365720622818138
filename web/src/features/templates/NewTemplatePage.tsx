import type { ReactNode } from "react";
import { useParams } from "react-router";

import { ErrorMessage, Link, Loading, useDocumentTitle } from "../../lib/ui";
import { useMe } from "../accounts";
import { mayWriteTemplates } from "./api";
import { templatesBase } from "./paths";
import { TemplateEditor } from "./TemplateEditor";

/**
 * Create a template (seed, "Create and preview new template messages"): the template form beside its live preview.
 * "Submit for review" sends it to Meta; "Save draft" keeps it in the hub.
 */
export function NewTemplatePage() {
  const { clientId, wabaId = "" } = useParams();
  useDocumentTitle("Create template");
  const back = templatesBase(clientId, wabaId);
  return (
    <ChangePage title="Create template" back={back} wabaId={wabaId} refusal="create them">
      <TemplateEditor wabaId={wabaId} back={back} mode={{ kind: "create" }} />
    </ChangePage>
  );
}

/**
 * A page that changes a WABA's templates: its heading and way back, and its content only for those who may write
 * the client's templates (others are told they only read them).
 */
export function ChangePage({
  title,
  subtitle,
  back,
  wabaId,
  refusal,
  children,
}: {
  title: string;
  subtitle?: string;
  back: string;
  wabaId: string;
  refusal: string;
  children: ReactNode;
}) {
  const { clientId } = useParams();
  const me = useMe();
  return (
    <>
      <p>
        <Link href={back}>Back to templates</Link>
      </p>
      <h1>{title}</h1>
      <p className="muted">
        {subtitle ? `${subtitle} · ` : ""}WhatsApp Business Account {wabaId}
      </p>
      {me.isPending ? <Loading>Loading your account…</Loading> : null}
      {me.isError ? <ErrorMessage error={me.error} /> : null}
      {me.data ? (
        mayWriteTemplates(me.data, clientId) ? (
          children
        ) : (
          <p>You may read this account&apos;s templates, but not {refusal}.</p>
        )
      ) : null}
    </>
  );
}
