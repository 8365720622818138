import { useId, type ReactNode } from "react";
import { FieldError, Input, Label, Text, TextArea, TextField } from "react-aria-components";

/** A text field of a form with its hint, the broken rule beside it (an error) and Meta's likely objection. */
export function TextInput({
  label,
  hint,
  value,
  problem,
  warning,
  onChange,
  multiline = false,
  isRequired = false,
  isReadOnly = false,
}: {
  label: string;
  hint?: string;
  value: string;
  problem: string | undefined;
  warning?: string | undefined;
  onChange: (value: string) => void;
  multiline?: boolean;
  isRequired?: boolean;
  isReadOnly?: boolean;
}) {
  return (
    <TextField
      value={value}
      onChange={onChange}
      isRequired={isRequired}
      isReadOnly={isReadOnly}
      isInvalid={problem !== undefined}
      className="field"
    >
      <Label>{label}</Label>
      {multiline ? <TextArea rows={5} /> : <Input />}
      {hint || warning ? (
        <Text slot="description">
          {hint}
          {warning ? <span className="field-warning block">Warning: {warning}</span> : null}
        </Text>
      ) : null}
      <FieldError className="field-error">{problem}</FieldError>
    </TextField>
  );
}

/** An example for each variable of a text, which Meta's reviewers see in place of it. */
export function Examples({
  legend,
  where,
  variables,
  values,
  problem,
  onChange,
}: {
  legend: string;
  where: string;
  variables: string[];
  values: Record<string, string>;
  problem: string | undefined;
  onChange: (variable: string, value: string) => void;
}): ReactNode {
  const problemId = useId();
  return (
    <fieldset className="examples" aria-describedby={problem ? problemId : undefined}>
      <legend>{legend}</legend>
      {variables.map((variable) => (
        <TextField
          key={variable}
          value={values[variable] ?? ""}
          onChange={(value) => {
            onChange(variable, value);
          }}
          className="field"
        >
          <Label>
            Example of {`{{${variable}}}`} in the {where}
          </Label>
          <Input />
        </TextField>
      ))}
      {problem ? (
        <p id={problemId} className="field-error">
          {problem}
        </p>
      ) : null}
    </fieldset>
  );
}
