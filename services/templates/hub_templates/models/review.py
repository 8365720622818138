"""What the hub tells about a template before Meta sees it: Meta's rules it breaks (errors), what Meta's review
often objects to (warnings), and how its customer would see it."""

from __future__ import annotations

from pydantic import Field

from hub_shared.model import HubModel
from hub_shared.problems import ProblemFieldError
from hub_templates.rules.preview import Preview
from hub_templates.rules.warnings import Warning


class TemplateReview(HubModel):
    valid: bool = Field(description="No errors: Meta's rules that the hub checks are kept.")
    errors: list[ProblemFieldError] = Field(
        description="Each rule of Meta's the template breaks, on its field (`components[1].text`)."
    )
    warnings: list[Warning] = Field(description="What Meta's review often rejects or re-categorises, and why.")
    preview: Preview
