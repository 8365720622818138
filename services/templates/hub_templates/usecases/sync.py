"""A WABA's templates synced from Meta: its whole list, page by page, made the mirror's — what Meta has that the
mirror lacks is added, what Meta describes otherwise is updated, what Meta no longer has is removed; drafts, which
Meta never saw, are kept; a template Meta describes as the mirror does is not written again."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from aws_lambda_powertools import Logger

from hub_shared.auth import Action, Principal
from hub_shared.errors import HubError, UpstreamError
from hub_shared.fan_out import fan_out
from hub_shared.graph import Graph, text_or_none
from hub_shared.wabas import RegisteredWaba
from hub_templates.models.mirror import SyncCounts, Template, TemplateStatus
from hub_templates.usecases.wabas import Registry, managed_waba

logger = Logger(child=True)

FIELDS = (
    "id,name,language,status,category,previous_category,correct_category,components,parameter_format,"
    "rejected_reason,quality_score"
)
MAX_PAGES = 1000
"""More pages than a WABA can fill (6,000 templates at 100 a page is 60): a list that never ends is Meta's fault."""
META_FIELDS = (
    "template_id",
    "status",
    "category",
    "previous_category",
    "correct_category",
    "quality_score",
    "rejected_reason",
    "components",
    "parameter_format",
)
"""What the mirror takes from Meta's description; the rest is the hub's own (drafts, submissions, advice)."""


class SyncedMirror(Protocol):
    def mirror(self, waba_id: str) -> dict[tuple[str, str], Template]: ...

    def replace(self, puts: Iterable[Template], deletes: Iterable[Template]) -> int: ...

    def count(self, waba_id: str) -> int: ...

    def set_count(self, waba_id: str, count: int) -> None: ...


def sync_waba(
    waba_id: str,
    principal: Principal,
    *,
    registry: Registry,
    mirror: SyncedMirror,
    graph: Graph,
    now: datetime,
    page_size: int,
) -> SyncCounts:
    """A sync asked for by a user who may read the WABA's templates (it changes nothing at Meta)."""
    waba = managed_waba(waba_id, principal, registry, action=Action.TEMPLATES_READ)
    return sync_templates(waba, mirror=mirror, graph=graph, now=now, page_size=page_size)


def sync_templates(
    waba: RegisteredWaba, *, mirror: SyncedMirror, graph: Graph, now: datetime, page_size: int
) -> SyncCounts:
    kept = mirror.mirror(waba.waba_id)
    pages = 0
    seen: set[tuple[str, str]] = set()
    puts: list[Template] = []
    added = updated = 0
    for described in _meta_pages(waba.waba_id, graph, page_size):
        pages += 1
        for data in described:
            key = (str(data.get("name", "")), str(data.get("language", "")))
            if not all(key) or key in seen:
                continue
            seen.add(key)
            was = kept.get(key)
            now_is = _from_meta(waba.waba_id, data, was, now)
            if was is None or was.status == TemplateStatus.DRAFT:
                added += 1
            elif _described(was) == _described(now_is):
                continue
            else:
                updated += 1
            puts.append(now_is)
    gone = [t for key, t in kept.items() if key not in seen and t.status != TemplateStatus.DRAFT]
    writes = mirror.replace(puts, gone)
    if mirror.count(waba.waba_id) != len(seen):  # a read, so that a sync that changes nothing writes nothing
        mirror.set_count(waba.waba_id, len(seen))
    logger.info(
        "templates synced",
        extra={"waba_id": waba.waba_id, "pages": pages, "added": added, "updated": updated, "writes": writes},
    )
    return SyncCounts(
        waba_id=waba.waba_id,
        added=added,
        updated=updated,
        removed=len(gone),
        unchanged=len(seen) - added - updated,
        pages=pages,
        synced_at=now,
    )


@dataclass
class SyncRun:
    """What a sync of every WABA did."""

    wabas: int = 0
    failed: int = 0
    added: int = 0
    updated: int = 0
    removed: int = 0
    pages: int = 0


def sync_every_waba(
    wabas: Iterable[RegisteredWaba],
    *,
    mirror: SyncedMirror,
    graph: Graph,
    now: datetime,
    page_size: int,
    workers: int,
) -> SyncRun:
    """The scheduled sync: every WABA's templates, `workers` at a time; a WABA Meta fails for is logged and counted,
    and the others are synced all the same (the next run tries it again)."""

    def one(waba: RegisteredWaba) -> SyncCounts | None:
        try:
            return sync_templates(waba, mirror=mirror, graph=graph, now=now, page_size=page_size)
        except HubError as error:
            logger.warning("templates of a WABA not synced", extra={"waba_id": waba.waba_id, "error": error.detail})
            return None

    run = SyncRun()
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="templates-sync") as pool:
        for counts in fan_out([wabas], one, pool, workers):
            run.wabas += 1
            if counts is None:
                run.failed += 1
                continue
            run.added += counts.added
            run.updated += counts.updated
            run.removed += counts.removed
            run.pages += counts.pages
    return run


def _meta_pages(waba_id: str, graph: Graph, page_size: int) -> Iterator[list[dict[str, Any]]]:
    """Meta's list of the WABA's templates, a page at a time, following `paging.cursors.after` while there is a
    `paging.next`."""
    params: dict[str, str | int] = {"fields": FIELDS, "limit": page_size}
    for _ in range(MAX_PAGES):
        answer = graph.get(f"{waba_id}/message_templates", params=params)
        data = answer.get("data")
        yield [item for item in data if isinstance(item, dict)] if isinstance(data, list) else []
        paging = answer.get("paging") or {}
        after = (paging.get("cursors") or {}).get("after")
        if not paging.get("next") or not isinstance(after, str):
            return
        params = {**params, "after": after}
    raise UpstreamError(f"Meta's list of templates of {waba_id} did not end after {MAX_PAGES} pages.")


def _from_meta(waba_id: str, data: dict[str, Any], was: Template | None, now: datetime) -> Template:
    quality = data.get("quality_score")
    reason = data.get("rejected_reason")
    return Template(
        waba_id=waba_id,
        name=str(data["name"]),
        language=str(data["language"]),
        template_id=str(data["id"]) if data.get("id") is not None else None,
        status=str(data.get("status") or TemplateStatus.PENDING),
        category=str(data.get("category") or (was.category if was else "UTILITY")),
        previous_category=text_or_none(data.get("previous_category")),
        correct_category=text_or_none(data.get("correct_category")),
        allow_category_change=was.allow_category_change if was else True,
        quality_score=text_or_none(quality.get("score") if isinstance(quality, dict) else quality),
        rejected_reason=None if reason in (None, "NONE") else str(reason),
        recommendation=was.recommendation if was else None,
        components=[c for c in data.get("components") or [] if isinstance(c, dict)],
        parameter_format=str(data.get("parameter_format") or "POSITIONAL").upper(),
        last_submitted_at=was.last_submitted_at if was else None,
        synced_at=now,
        meta_time=was.meta_time if was else None,
        edits=was.edits if was else [],
    )


def _described(template: Template) -> dict[str, Any]:
    return template.model_dump(include=set(META_FIELDS))
