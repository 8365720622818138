import { createBrowserRouter } from "react-router";

import { ClientPickerPage } from "../features/accounts";
import { ActivityPage } from "../features/activity";
import { FundsPage, InsightsPage, InvoicesPage } from "../features/billing";
import { AddNumberPage, ImportNumberPage, ImportProgressPage, NumberPage, NumbersPage } from "../features/numbers";
import { InboxPage, PartnerChangesPage, PartnerHomePage, PartnerSettingsPage } from "../features/partners";
import { SettingsPage, UserSettingsPage } from "../features/settings";
import { NewTicketPage, QueuePage, SupportPage, TicketPage } from "../features/support";
import {
  AddLanguagePage,
  EditTemplatePage,
  NewTemplatePage,
  TemplatesHome,
  TemplatesPage,
} from "../features/templates";
import { ClientOnly, ClientScope, Home, NotFound, RequireAuth, Root, SignInRoute } from "./routes";
import { Shell } from "./Shell";

/**
 * The portal's URLs. A client user works on its own client (`/numbers`); partners and support agents act for the
 * client named in the URL (`/clients/globex/numbers`), chosen at `/clients`. A WABA's templates are at
 * `/wabas/{waba_id}/templates` (`/clients/globex/wabas/…/templates`), one of them at `…/templates/{name}/{language}/edit`
 * and `…/add-language`; `/templates` leads there. A number's Insights are at `/insights?number_id=…`
 * (`/clients/globex/insights?…`); a client user's own billing at `/billing/funds` and `/billing/invoices`. Support
 * tickets are at `/support` (`/clients/globex/support`), a new one at `…/support/new`, one at `…/support/{ticket_id}`;
 * the support agents' queue of every client's tickets at `/queue`, a ticket opened from it at `/queue/{ticket_id}`.
 * A client's activity is at `/activity` (`/clients/globex/activity` for support agents), its settings at `/settings`
 * and its partner and partner permissions at `/settings/partner` (`/clients/globex/settings/…`); a partner user's
 * clients and settings at `/partner`, the change requests addressed to it at `/partner/requests`; the support agents'
 * list of every client's partner change requests at `/partner-changes`. Every user's own account (username) is at
 * `/account`, reached from their name in the menu bar.
 */
export const router = createBrowserRouter([
  {
    element: <Root />,
    children: [
      { path: "/sign-in", element: <SignInRoute /> },
      {
        element: (
          <RequireAuth>
            <Shell />
          </RequireAuth>
        ),
        children: [
          { index: true, element: <Home /> },
          {
            element: <ClientOnly />,
            children: [
              { path: "numbers", element: <NumbersPage /> },
              { path: "numbers/:numberId", element: <NumberPage /> },
              { path: "numbers/add", element: <AddNumberPage /> },
              { path: "numbers/import", element: <ImportNumberPage /> },
              { path: "numbers/import/:importId", element: <ImportProgressPage /> },
              { path: "templates", element: <TemplatesHome /> },
              { path: "wabas/:wabaId/templates", element: <TemplatesPage /> },
              { path: "wabas/:wabaId/templates/new", element: <NewTemplatePage /> },
              { path: "wabas/:wabaId/templates/:name/:language/edit", element: <EditTemplatePage /> },
              { path: "wabas/:wabaId/templates/:name/:language/add-language", element: <AddLanguagePage /> },
              { path: "insights", element: <InsightsPage /> },
              { path: "billing/funds", element: <FundsPage /> },
              { path: "billing/invoices", element: <InvoicesPage /> },
              { path: "support", element: <SupportPage /> },
              { path: "support/new", element: <NewTicketPage /> },
              { path: "support/:ticketId", element: <TicketPage /> },
              { path: "activity", element: <ActivityPage /> },
              { path: "settings", element: <SettingsPage /> },
              { path: "settings/partner", element: <PartnerSettingsPage /> },
            ],
          },
          { path: "clients", element: <ClientPickerPage /> },
          {
            path: "clients/:clientId",
            element: <ClientScope />,
            children: [
              { index: true, element: <Home /> },
              { path: "numbers", element: <NumbersPage /> },
              { path: "numbers/:numberId", element: <NumberPage /> },
              { path: "templates", element: <TemplatesHome /> },
              { path: "wabas/:wabaId/templates", element: <TemplatesPage /> },
              { path: "wabas/:wabaId/templates/new", element: <NewTemplatePage /> },
              { path: "wabas/:wabaId/templates/:name/:language/edit", element: <EditTemplatePage /> },
              { path: "wabas/:wabaId/templates/:name/:language/add-language", element: <AddLanguagePage /> },
              { path: "insights", element: <InsightsPage /> },
              { path: "support", element: <SupportPage /> },
              { path: "support/new", element: <NewTicketPage /> },
              { path: "support/:ticketId", element: <TicketPage /> },
              { path: "activity", element: <ActivityPage /> },
              { path: "settings", element: <SettingsPage /> },
              { path: "settings/partner", element: <PartnerSettingsPage /> },
            ],
          },
          { path: "account", element: <UserSettingsPage /> },
          { path: "partner", element: <PartnerHomePage /> },
          { path: "partner/requests", element: <InboxPage /> },
          { path: "partner-changes", element: <PartnerChangesPage /> },
          { path: "queue", element: <QueuePage /> },
          { path: "queue/:ticketId", element: <TicketPage fromQueue /> },
          { path: "*", element: <NotFound /> },
        ],
      },
    ],
  },
]);
