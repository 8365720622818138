/**
 * The portal's few building blocks on top of React Aria Components: the accessible behaviour (focus, keyboard,
 * labels, descriptions, live regions) comes from React Aria; the look from styles.css.
 */
import { useEffect, type ReactNode, type Ref } from "react";
import {
  Button,
  Focusable,
  Link as AriaLink,
  Tooltip,
  TooltipTrigger,
  type ButtonProps,
  type LinkProps,
} from "react-aria-components";

import { ApiError } from "./api";

/** A link to a route of the portal (React Router navigates; see RouterProvider in app/). */
export function Link(props: LinkProps) {
  return <AriaLink {...props} className={["link", props.className].filter(Boolean).join(" ")} />;
}

/** A link to a page outside the portal, opened in a new tab, which its accessible name says. */
export function ExternalLink({
  href,
  children,
  className,
  ref,
}: {
  href: string;
  children: ReactNode;
  className?: string;
  ref?: Ref<HTMLAnchorElement>;
}) {
  return (
    <a href={href} target="_blank" rel="noopener noreferrer" className={className ?? "link"} ref={ref}>
      {children}
      <span className="visually-hidden"> (opens in a new tab)</span>
    </a>
  );
}

/** A short text with its explanation shown on hover and on keyboard focus (a tooltip, its trigger's description). */
export function Explained({
  children,
  explanation,
  className,
}: {
  children: ReactNode;
  explanation: string;
  className?: string;
}) {
  return (
    <TooltipTrigger delay={300} closeDelay={100}>
      <Focusable>
        <span role="button" className={["explained", className].filter(Boolean).join(" ")}>
          {children}
        </span>
      </Focusable>
      <Tooltip className="tooltip" placement="top" offset={6}>
        {explanation}
      </Tooltip>
    </TooltipTrigger>
  );
}

/** An error the API answered, or any other, as an alert the screen reader announces. */
export function ErrorMessage({ error, title }: { error: unknown; title?: string }) {
  const detail =
    error instanceof ApiError ? error.detail : error instanceof Error ? error.message : "Something went wrong.";
  const heading = title ?? (error instanceof ApiError ? error.title : "Something went wrong");
  return (
    <div role="alert" className="alert">
      <p className="alert-title">{heading}</p>
      <p>{detail}</p>
    </div>
  );
}

/**
 * A button that starts a request which takes a while: while `isBusy` it says so (`busyLabel`), is marked disabled
 * and ignores presses, yet keeps the keyboard focus. (React Aria's `isPending` announces the pending button by its id
 * through a live region; a button that is gone once its request succeeds leaves that announcement unlabelled.)
 */
export function BusyButton({
  isBusy,
  busyLabel,
  children,
  onPress,
  ref,
  ...props
}: Omit<ButtonProps, "children" | "isPending"> & {
  isBusy: boolean;
  busyLabel: string;
  children: ReactNode;
  ref?: Ref<HTMLButtonElement>;
}) {
  return (
    <Button {...props} {...(ref ? { ref } : {})} {...(isBusy ? { "aria-disabled": true } : onPress ? { onPress } : {})}>
      {isBusy ? busyLabel : children}
    </Button>
  );
}

/** A busy message in a live region. */
export function Loading({ children }: { children: ReactNode }) {
  return (
    <p role="status" className="loading">
      {children}
    </p>
  );
}

/** The browser tab's title for a screen: "Numbers · Client Hub" (screen readers announce it on navigation). */
export function useDocumentTitle(title: string): void {
  useEffect(() => {
    document.title = title ? `${title} · Client Hub` : "Client Hub";
  }, [title]);
}
