import { createBrowserRouter } from "react-router";

import { ClientPickerPage } from "../features/accounts";
import { AddNumberPage, ImportNumberPage, ImportProgressPage, NumberPage, NumbersPage } from "../features/numbers";
import { ClientOnly, ClientScope, Home, NotFound, RequireAuth, Root, SignInRoute } from "./routes";
import { Shell } from "./Shell";

/**
 * The portal's URLs. A client user works on its own client (`/numbers`); partners and support agents act for the
 * client named in the URL (`/clients/globex/numbers`), chosen at `/clients`.
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
            ],
          },
          { path: "*", element: <NotFound /> },
        ],
      },
    ],
  },
]);
