import { useId } from "react";

/**
 * A labelled native select (long lists such as Meta's languages stay quick to pick by typing), with its hint and the
 * problem beside it. `options` are [value, words] pairs; a locked select says why in its hint.
 */
export function SelectField({
  label,
  value,
  options,
  onChange,
  hint,
  problem,
  isDisabled = false,
  className = "field",
}: {
  label: string;
  value: string;
  options: readonly (readonly [string, string])[];
  onChange: (value: string) => void;
  hint?: string | undefined;
  problem?: string | undefined;
  isDisabled?: boolean;
  className?: string;
}) {
  const id = useId();
  const hintId = useId();
  const problemId = useId();
  const describedBy = [hint ? hintId : "", problem ? problemId : ""].filter(Boolean).join(" ");
  return (
    <div className={className}>
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        value={value}
        disabled={isDisabled}
        onChange={(event) => {
          onChange(event.target.value);
        }}
        aria-invalid={problem ? true : undefined}
        aria-describedby={describedBy || undefined}
      >
        {options.map(([option, words]) => (
          <option key={option} value={option}>
            {words}
          </option>
        ))}
      </select>
      {hint ? (
        <p id={hintId} className="small muted field-hint">
          {hint}
        </p>
      ) : null}
      {problem ? (
        <p id={problemId} className="field-error">
          {problem}
        </p>
      ) : null}
    </div>
  );
}
