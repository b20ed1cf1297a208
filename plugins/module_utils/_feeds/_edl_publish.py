# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where External Dynamic Lists are published, and how they are read back.

- ``DirectoryTarget``: a directory a web server serves, written on the web server's host (the module
  runs there, delegated). Each file is replaced atomically: written to a temporary file in the same
  directory, flushed to disk, then renamed over the old one, so a firewall fetching it reads the
  old list or the new one, never half a file.
- ``S3Target``: a bucket (and key prefix) through a boto3 S3 client; one PutObject replaces an
  object whole (a reader gets the old or the new object).

Reading back goes over the HTTPS URL the firewalls fetch (TLS verified): what they see is what the
next run continues from. A 404 is "not published yet", unless the target holds the file: then the
URL serves another place than the target, which is named. Plain Python, no Ansible imports.
"""

from __future__ import annotations


import base64
import os
import tempfile
from typing import Any, Dict, Optional

from ansible_collections.tagwarden.panos.plugins.module_utils._errors import TagwardenError
from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._edl_format import ListError
from ansible_collections.tagwarden.panos.plugins.module_utils._http._client import HttpsClient, HttpsError

try:
    from typing import Protocol
except ImportError:  # pragma: no cover - Python < 3.8
    Protocol = object  # type: ignore[assignment]

CONTENT_TYPE = {".txt": "text/plain; charset=utf-8", ".json": "application/json"}


class PublishError(TagwardenError):
    """A list could not be written; the message names the place and the cause."""


class Target(Protocol):
    label: str

    def exists(self, name: str) -> bool:
        ...  # pragma: no cover

    def write(self, name: str, text: str) -> None:
        ...  # pragma: no cover


class DirectoryTarget:
    def __init__(self, path: str, mode: int = 0o644) -> None:
        self.path = path
        self.mode = mode
        self.label = "directory %s" % path

    def check(self) -> Optional[str]:
        if not os.path.isdir(self.path):
            return "directory: %s is not a directory on this host: create it (the web server's document root or a " \
                   "directory below it), or delegate the task to the web server's host" % self.path
        return None

    def exists(self, name: str) -> bool:
        return os.path.isfile(os.path.join(self.path, name))

    def write(self, name: str, text: str) -> None:
        final = os.path.join(self.path, name)
        try:
            handle, temporary = tempfile.mkstemp(prefix=".%s." % name, dir=self.path)
            try:
                with os.fdopen(handle, "wb") as stream:
                    stream.write(text.encode("utf-8"))
                    stream.flush()
                    os.fsync(stream.fileno())
                os.chmod(temporary, self.mode)
                os.replace(temporary, final)
            except BaseException:
                if os.path.exists(temporary):
                    os.unlink(temporary)
                raise
        except OSError as exc:
            raise PublishError("cannot write %s: %s" % (final, exc.strerror or exc)) from None


class S3Target:
    def __init__(self, client: Any, bucket: str, prefix: str = "") -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = prefix
        self.label = "s3://%s/%s" % (bucket, prefix)

    def exists(self, name: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=self.prefix + name)
        except Exception as exc:  # botocore.exceptions.ClientError, without importing botocore here
            if _status(exc) == 404:
                return False
            raise PublishError("cannot read s3://%s/%s%s: %s" % (self.bucket, self.prefix, name, exc)) from None
        return True

    def write(self, name: str, text: str) -> None:
        content_type = CONTENT_TYPE[os.path.splitext(name)[1]]
        try:
            self.client.put_object(Bucket=self.bucket, Key=self.prefix + name, Body=text.encode("utf-8"),
                                   ContentType=content_type, CacheControl="no-cache")
        except Exception as exc:  # botocore's ClientError and EndpointConnectionError
            raise PublishError("cannot write s3://%s/%s%s: %s" % (self.bucket, self.prefix, name, exc)) from None


def _status(exc: Exception) -> Optional[int]:
    response = getattr(exc, "response", None) or {}
    status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return int(status) if status else None


def url_of(base_url: str, name: str) -> str:
    return base_url.rstrip("/") + "/" + name


def basic_auth(username: Optional[str], password: Optional[str]) -> Dict[str, str]:
    """The header of the web server's basic auth (the firewalls' EDL objects send the same)."""
    if not username:
        return {}
    token = base64.b64encode(("%s:%s" % (username, password or "")).encode("utf-8")).decode("ascii")
    return {"Authorization": "Basic " + token}


def read_back(reader: HttpsClient, base_url: str, name: str, target: Target,
              headers: Optional[Dict[str, str]] = None) -> Optional[str]:
    """The text the firewalls fetch at ``base_url``/``name``; None when nothing is published there yet."""
    url = url_of(base_url, name)
    try:
        return reader.request("GET", url, headers=headers).body.decode("utf-8", errors="replace")
    except HttpsError as exc:
        if exc.status != 404:
            raise ListError("cannot read the published list back from %s, nothing was published: %s; the firewalls "
                            "keep their last good copy" % (url, exc)) from None
    if target.exists(name):
        raise ListError("%s holds %s but %s answers 404: base_url must be the URL that serves %s" % (
            target.label, name, url, target.label))
    return None
