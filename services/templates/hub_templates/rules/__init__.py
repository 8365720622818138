"""A template's content judged before Meta sees it, without AWS or Meta: Meta's rules (`checks`), what Meta's review
often turns down beyond them (`warnings`), what the customer would see (`preview`) and the languages (`languages`)."""
