/**
 * Amounts as the billing API has them: integers in the currency's minor units (cents), shown with Intl in the
 * currency, and typed by people in major units ("49.90" or "49,90" euros).
 */

/** How many digits a currency has after the decimal point (2 for EUR, 0 for JPY), as Intl knows it. */
export function minorDigits(currency: string): number {
  return (
    new Intl.NumberFormat("en", { style: "currency", currency: currency.toUpperCase() }).resolvedOptions()
      .maximumFractionDigits ?? 2
  );
}

/** An amount in minor units in words of the currency: 4990 eur → "€49.90" (the browser's locale, unless given). */
export function formatMoney(
  minor: number,
  currency: string,
  { locale, signed = false }: { locale?: string; signed?: boolean } = {},
): string {
  return new Intl.NumberFormat(locale, {
    style: "currency",
    currency: currency.toUpperCase(),
    ...(signed ? { signDisplay: "exceptZero" as const } : {}),
  }).format(minor / 10 ** minorDigits(currency));
}

/** An amount in minor units as a person types it in major units, for a form's starting value: 1000 → "10.00". */
export function toMajorText(minor: number, currency: string): string {
  return (minor / 10 ** minorDigits(currency)).toFixed(minorDigits(currency));
}

/**
 * An amount typed in major units in minor units, or undefined when it is no amount: "50", "49.9", "49,90" and
 * "1 000.50" are amounts; "-5", "4.999", "1,000.50" and "" are not. Counted in whole numbers (no float rounding).
 */
export function parseMajor(text: string, currency: string): number | undefined {
  const digits = minorDigits(currency);
  const typed = text.replace(/\s/g, "");
  const fraction = digits > 0 ? `(?:[.,](\\d{1,${digits}}))?` : "";
  const match = new RegExp(`^(\\d{1,9})${fraction}$`).exec(typed);
  if (!match) return undefined;
  const whole = Number(match[1]);
  const cents = Number((match[2] ?? "").padEnd(digits, "0") || "0");
  return whole * 10 ** digits + cents;
}
