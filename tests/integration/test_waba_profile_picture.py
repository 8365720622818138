"""A number's profile picture: checked here (a JPEG or PNG by its bytes, at most 4 MB, sides of 192 pixels or more),
carried to Meta through the Resumable Upload API (a session on the BSP's app, the bytes, the handle), set on the
profile by its handle and read back; each change published with who made it and the picture before and after."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import pytest

from hub_waba.models.profile import MAX_PICTURE_BYTES
from hub_waba.store.wabas import WabaStore
from local.sandboxes.meta.state import HUB_APP_ID
from tests.builders import (
    ACME_NUMBER,
    CLIENT_ACME,
    CLIENT_GLOBEX,
    PARTNER,
    SUPPORT,
    AwsWorld,
    FrozenClock,
    InProcessMeta,
    a_jpeg,
    a_png,
    assert_problem,
    routed_event,
    waba_answer,
    waba_upload,
    waba_world,
)

ROUTE = "/v1/numbers/{number_id}/profile/picture"
PATH = f"/v1/numbers/{ACME_NUMBER}/profile/picture"
OLD_PICTURE = "https://pps.whatsapp.net/v/acme-old.jpg"


@pytest.fixture
def meta(aws: AwsWorld) -> Iterator[InProcessMeta]:
    with waba_world(aws, FrozenClock()) as sandbox:
        sandbox.state.numbers[ACME_NUMBER].profile["profile_picture_url"] = OLD_PICTURE
        yield sandbox


def upload(
    claims: dict[str, str] | None, content: bytes, name: str = "logo.png", media_type: str = "image/png"
) -> tuple[int, dict[str, Any]]:
    return waba_upload(PATH, claims, route=ROUTE, files={"picture": (name, content, media_type)})


def history(aws: AwsWorld) -> list[dict[str, Any]]:
    return WabaStore("hub-waba", aws.dynamodb).history(ACME_NUMBER)


def test_a_png_goes_through_metas_resumable_upload_and_becomes_the_profiles_picture(
    meta: InProcessMeta, aws: AwsWorld
) -> None:
    picture = a_png(256, 256)

    status, body = upload(CLIENT_ACME, picture)

    assert status == 200, body
    url = body["profile_picture_url"]
    assert url != OLD_PICTURE
    assert meta.state.numbers[ACME_NUMBER].profile["profile_picture_url"] == url
    (session,) = meta.state.uploads.values()
    assert (session.file_type, session.file_length, session.content) == ("image/png", len(picture), picture)
    served = meta._http.get(url)  # the picture Meta now shows is the one uploaded
    assert (served.status_code, served.headers["content-type"], served.content) == (200, "image/png", picture)
    posts = [path for method, path in meta.calls if method == "POST"]
    assert posts == [f"{HUB_APP_ID}/uploads", session.id, f"{ACME_NUMBER}/whatsapp_business_profile"]
    (event,) = history(aws)
    assert event["before"] == {"profile_picture_url": OLD_PICTURE}
    assert event["after"] == {"profile_picture_url": url}
    assert (event["actor"]["user_id"], event["actor"]["role"]) == ("user-acme", "client")


def test_the_type_is_told_by_the_bytes_not_by_the_name_or_the_declared_type(meta: InProcessMeta) -> None:
    status, body = upload(CLIENT_ACME, a_jpeg(640, 480), name="logo.png", media_type="image/png")

    assert status == 200, body
    (session,) = meta.state.uploads.values()
    assert (session.file_type, session.file_name) == ("image/jpeg", "profile-picture.jpg")


@pytest.mark.parametrize(
    ("content", "status", "slug", "detail"),
    [
        (b"GIF89a" + b"\x00" * 2000, 422, "validation-failed", "JPEG or PNG"),
        (b"%PDF-1.7 not a picture", 422, "validation-failed", "JPEG or PNG"),
        (b"", 422, "validation-failed", "JPEG or PNG"),
        (a_png(191, 400), 422, "validation-failed", "191 × 400 pixels"),
        (a_jpeg(400, 100), 422, "validation-failed", "400 × 100 pixels"),
        (a_png(200, 200) + b"\x00" * MAX_PICTURE_BYTES, 413, "payload-too-large", "the most a profile picture"),
    ],
    ids=["gif", "pdf", "empty", "png-too-narrow", "jpeg-too-low", "oversize"],
)
def test_a_picture_meta_would_refuse_is_refused_here_naming_the_field_and_meta_is_not_asked(
    meta: InProcessMeta, aws: AwsWorld, content: bytes, status: int, slug: str, detail: str
) -> None:
    answer, problem = upload(CLIENT_ACME, content)

    assert answer == status
    assert_problem(problem, status, slug)
    assert detail in problem["detail"]
    assert [error["field"] for error in problem["errors"]] == ["picture"]
    assert meta.calls == []
    assert meta.state.uploads == {}
    assert meta.state.numbers[ACME_NUMBER].profile["profile_picture_url"] == OLD_PICTURE
    assert history(aws) == []


def test_pictures_at_the_limits_are_taken(meta: InProcessMeta) -> None:
    assert upload(CLIENT_ACME, a_png(192, 192))[0] == 200
    at_most = a_png(200, 200)
    assert upload(CLIENT_ACME, at_most + b"\x00" * (MAX_PICTURE_BYTES - len(at_most)))[0] == 200


def test_a_body_without_the_picture_field_is_refused(meta: InProcessMeta) -> None:
    status, problem = waba_upload(PATH, CLIENT_ACME, route=ROUTE, files={"photo": ("a.png", a_png(256, 256), "")})

    assert status == 422
    assert any(error["field"].startswith("body.picture") for error in problem["errors"]), problem
    assert meta.calls == []


@pytest.mark.parametrize(
    ("route", "content_type", "detail"),
    [
        (ROUTE, "image/png", "Content-Type is not one this route takes"),
        (ROUTE, "multipart/form-data", "needs the boundary"),
        ("/v1/numbers/{number_id}/profile", "text/plain", "Content-Type is not one this route takes"),
    ],
    ids=["raw-image", "no-boundary", "profile-as-text"],
)
def test_a_body_that_cannot_be_read_is_refused_as_bad_request(
    meta: InProcessMeta, aws: AwsWorld, route: str, content_type: str, detail: str
) -> None:
    path = route.replace("{number_id}", ACME_NUMBER)
    method = "POST" if route == ROUTE else "PATCH"
    event = routed_event(
        method,
        path,
        CLIENT_ACME,
        route=route,
        headers={"content-type": content_type},
        body=base64.b64encode(a_png(256, 256)).decode(),
    )
    event["isBase64Encoded"] = True

    status, problem = waba_answer(event)

    assert status == 400
    assert_problem(problem, 400, "bad-request")
    assert detail in problem["detail"]
    assert meta.calls == []
    assert history(aws) == []


@pytest.mark.parametrize(
    ("failing", "fault", "answer"),
    [
        (f"{HUB_APP_ID}/uploads", {"status": 500, "code": 2}, 503),
        ("upload:", {"status": 500, "code": 2}, 503),
        ("upload:", {"status": 429, "code": 4}, 429),
        (f"{ACME_NUMBER}/whatsapp_business_profile", {"status": 429, "code": 80008}, 429),
    ],
    ids=["session-5xx", "bytes-5xx", "bytes-429", "profile-429"],
)
def test_meta_failing_on_the_way_answers_its_problem_and_records_nothing(
    meta: InProcessMeta, aws: AwsWorld, failing: str, fault: dict[str, int], answer: int
) -> None:
    meta.fault_from("POST", failing, count=50, **fault)

    status, problem = upload(CLIENT_ACME, a_png(256, 256))

    assert (status, problem["status"]) == (answer, answer)
    assert meta.state.numbers[ACME_NUMBER].profile["profile_picture_url"] == OLD_PICTURE
    assert history(aws) == []


def test_who_may_change_the_picture(meta: InProcessMeta, aws: AwsWorld) -> None:
    picture = a_png(256, 256)
    aws.grant("acme", "bluewave", "numbers:read", "waba:read")
    assert upload(PARTNER, picture)[0] == 403
    assert upload(SUPPORT, picture)[0] == 403
    assert upload(CLIENT_GLOBEX, picture)[0] == 404
    assert meta.calls == []
    aws.grant("acme", "bluewave", "numbers:read", "profile:write")
    assert upload(PARTNER, picture)[0] == 200
    assert [event["actor"]["role"] for event in history(aws)] == ["partner"]
