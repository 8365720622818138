"""The attachments bucket: pre-signed POST forms whose policy holds the key, the content type and the size, and
short-lived download addresses (SigV4, computed here: no request to S3 but `exists`)."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import quote

from botocore.exceptions import ClientError

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client


class S3Files:
    def __init__(self, client: S3Client, bucket: str):
        self._client = client
        self._bucket = bucket

    def upload_form(self, key: str, *, content_type: str, size: int, expires_in: int) -> tuple[str, dict[str, str]]:
        post = self._client.generate_presigned_post(
            Bucket=self._bucket,
            Key=key,
            Fields={"Content-Type": content_type},
            Conditions=[{"Content-Type": content_type}, ["content-length-range", 1, size]],
            ExpiresIn=expires_in,
        )
        return post["url"], {name: str(value) for name, value in post["fields"].items()}

    def download_url(self, key: str, *, filename: str, expires_in: int) -> str:
        disposition = f"attachment; filename*=UTF-8''{quote(filename, safe='')}"
        url: str = self._client.generate_presigned_url(
            "get_object",
            Params={"Bucket": self._bucket, "Key": key, "ResponseContentDisposition": disposition},
            ExpiresIn=expires_in,
        )
        return url

    def exists(self, key: str) -> bool:
        try:
            self._client.head_object(Bucket=self._bucket, Key=key)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise
        return True
