"""The sandbox's own pages: Checkout (pick a test card, then Pay or Cancel), the billing portal, and each
finalized invoice's hosted page and PDF (one page, hand-built: Helvetica text and a correct xref table)."""

from __future__ import annotations

import html

from local.sandboxes.stripe.invoices import day
from local.sandboxes.stripe.state import CARDS, SUCCEEDING_CARD, Json, money

PDF_PAGE = (595, 842)  # A4 in points
PDF_MARGIN = 56
PDF_LEADING = 16


def page(title: str, body: str) -> str:
    return f"<!doctype html><meta charset=utf-8><title>{html.escape(title)}</title>{body}"


def checkout_page(session: Json, details: Json, error: str | None = None) -> str:
    paying = session["mode"] == "payment"
    title = f"Pay {money(session['amount_total'], session['currency'])}" if paying else "Save a card"
    if session["status"] != "open":
        return page("Sandbox checkout", f"<h1>{html.escape(title)}</h1><p>This checkout is {session['status']}.</p>")
    items = "".join(
        f"<li>{html.escape(line['name'])}: {money(line['amount'], line['currency'])}</li>" for line in details["lines"]
    )
    cards = "".join(
        f'<p><label><input type="radio" name="card" value="{number}"{" checked" if number == SUCCEEDING_CARD else ""}>'
        f" {number} · {card.brand.title()} · {card.summary}</label></p>"
        for number, card in CARDS.items()
    )
    cancel = f'<a href="{html.escape(session["cancel_url"])}">Cancel</a>' if session["cancel_url"] else ""
    alert = f'<p role="alert">{html.escape(error)}</p>' if error else ""
    return page(
        "Sandbox checkout",
        f"<h1>{html.escape(title)}</h1><p>Stripe sandbox: pick a test card.</p><ul>{items}</ul>{alert}"
        f'<form method="post" action="/checkout/{html.escape(session["id"])}/pay"><fieldset><legend>Card</legend>'
        f"{cards}</fieldset><button>{html.escape(title.split(' ', 1)[0])}</button> {cancel}</form>",
    )


def portal_page(session: Json, method: Json | None, invoices: list[Json]) -> str:
    card = f"{method['card']['brand'].title()} •••• {method['card']['last4']}" if method else "none"
    rows = "".join(
        f'<li><a href="{html.escape(invoice["hosted_invoice_url"])}">{html.escape(invoice["number"])}</a>: '
        f"{money(invoice['total'], invoice['currency'])}, {invoice['status']}</li>"
        for invoice in invoices
        if invoice["hosted_invoice_url"]
    )
    back = f'<a href="{html.escape(session["return_url"])}">Back</a>' if session["return_url"] else ""
    return page(
        "Sandbox billing portal",
        "<h1>Billing portal (Stripe sandbox)</h1>"
        f"<p>Customer {html.escape(session['customer'])}: plan, invoices and payment method.</p>"
        f"<p>Default card: {html.escape(card)}</p><ul>{rows}</ul>{back}",
    )


def _summary(invoice: Json) -> list[str]:
    currency = invoice["currency"]
    return [
        f"Invoice {invoice['number']}",
        f"Status: {invoice['status']}",
        f"Customer: {invoice['customer_name'] or invoice['customer']}",
        f"Period: {day(invoice['period_start'])} - {day(invoice['period_end'])}",
        *(f"{line['description']}: {money(line['amount'], currency)}" for line in invoice["lines"]["data"]),
        f"Total: {money(invoice['total'], currency)}",
        f"Amount due: {money(invoice['amount_due'], currency)}",
        f"Amount paid: {money(invoice['amount_paid'], currency)}",
    ]


def invoice_page(invoice: Json) -> str:
    rows = "".join(f"<p>{html.escape(text)}</p>" for text in _summary(invoice)[1:])
    return page(
        f"Invoice {invoice['number']}",
        f"<h1>Invoice {html.escape(invoice['number'])}</h1>{rows}"
        f'<p><a href="{html.escape(invoice["invoice_pdf"])}">Download PDF</a></p>',
    )


def _pdf_text(text: str) -> bytes:
    escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return escaped.encode("cp1252", errors="replace")


def invoice_pdf(invoice: Json) -> bytes:
    """A one-page PDF of the invoice: number, status, customer, period, lines and totals."""
    top = PDF_PAGE[1] - PDF_MARGIN
    shown = b"".join(b"(%s) '\n" % _pdf_text(text) for text in _summary(invoice))
    stream = b"BT\n/F1 12 Tf\n%d TL\n%d %d Td\n%sET" % (PDF_LEADING, PDF_MARGIN, top, shown)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>"
        % PDF_PAGE,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    document = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(document))
        document += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(document)
    document += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    document += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    document += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(document)
