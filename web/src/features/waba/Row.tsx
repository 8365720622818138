import type { ReactNode } from "react";

/** One name and value of a description list (`<dl className="fields">`). */
export function Row({ name, children }: { name: string; children: ReactNode }) {
  return (
    <div className="field-row">
      <dt>{name}</dt>
      <dd>{children}</dd>
    </div>
  );
}
