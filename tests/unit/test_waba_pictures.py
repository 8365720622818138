"""Telling a profile picture's type and size from its own bytes: JPEGs and PNGs of any size, and nothing else."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from hub_waba.models.profile import JPEG, PNG, Picture, picture_of
from tests.builders import a_jpeg, a_png

sides = st.integers(min_value=1, max_value=5000)


@given(width=st.integers(min_value=1, max_value=300), height=st.integers(min_value=1, max_value=300))
def test_a_png_tells_its_size(width: int, height: int) -> None:
    assert picture_of(a_png(width, height)) == Picture(PNG, width, height)


@given(width=sides, height=sides, padding=st.integers(min_value=0, max_value=2000))
def test_a_jpeg_tells_its_size_after_any_segments(width: int, height: int, padding: int) -> None:
    assert picture_of(a_jpeg(width, height, padding=padding)) == Picture(JPEG, width, height)


@given(st.binary(max_size=200))
def test_any_bytes_are_a_picture_or_none_never_an_error(content: bytes) -> None:
    found = picture_of(content)
    assert found is None or found.media_type in (JPEG, PNG)


@given(st.binary(max_size=64))
def test_a_jpeg_cut_before_its_frame_header_is_not_a_picture(tail: bytes) -> None:
    whole = a_jpeg(640, 640, padding=100)
    cut = whole[: whole.index(b"\xff\xc0")]
    assert picture_of(cut) is None
    assert picture_of(b"\xff\xd8" + b"\x00" + tail) is None


def test_other_formats_are_not_pictures() -> None:
    assert picture_of(b"GIF89a\x10\x00\x10\x00") is None
    assert picture_of(b"RIFF\x00\x00\x00\x00WEBPVP8 ") is None
    assert picture_of(a_png(10, 10)[:20]) is None  # cut inside its header
