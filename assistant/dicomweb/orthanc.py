"""DICOMweb through an Orthanc server (``dicomweb.mode = "orthanc"``).

Our routes check the case and its UIDs first, then forward the same DICOMweb path to
Orthanc's DICOMweb plugin and return its answer; any Orthanc URL inside a JSON answer
is rewritten to our route so the browser never talks to Orthanc. The imaging step
stores each de-identified instance with STOW-RS (PS3.18 10.5).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from pathlib import Path

import httpx

from assistant.errors import DomainError, NotFoundError


class OrthancError(DomainError):
    """Orthanc did not answer as expected (the routes answer 502)."""


class OrthancDicomWeb:
    """A thin DICOMweb client for one Orthanc DICOMweb root."""

    def __init__(self, base_url: str, timeout_s: float = 30.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout_s = timeout_s

    def get(self, path: str, accept: str, public_root: str) -> tuple[bytes, str]:
        """GET ``path`` (starting at ``/studies``); returns the body and its content type."""
        try:
            r = httpx.get(self.base_url + path, headers={"Accept": accept}, timeout=self.timeout_s)
        except httpx.HTTPError as e:
            raise OrthancError(f"The image archive could not be reached ({type(e).__name__}).") from e
        if r.status_code == 404 or (r.status_code == 200 and r.content.strip() in (b"", b"[]")):
            raise NotFoundError("Not found in the image archive.")
        if r.status_code >= 400:
            raise OrthancError(f"The image archive answered {r.status_code}.")
        ctype = r.headers.get("content-type", "application/octet-stream")
        body = r.content
        if "json" in ctype:
            body = body.replace(self.base_url.encode(), public_root.encode())
        return body, ctype

    def stow(self, files: Iterable[Path]) -> int:
        """Store Part 10 files with one STOW-RS request; returns how many were sent."""
        boundary = uuid.uuid4().hex
        parts = []
        count = 0
        for path in files:
            parts.append(f"--{boundary}\r\nContent-Type: application/dicom\r\n\r\n".encode())
            parts.append(path.read_bytes())
            parts.append(b"\r\n")
            count += 1
        if not count:
            return 0
        parts.append(f"--{boundary}--\r\n".encode())
        ctype = f'multipart/related; type="application/dicom"; boundary={boundary}'
        try:
            r = httpx.post(
                self.base_url + "/studies",
                content=b"".join(parts),
                headers={"Content-Type": ctype, "Accept": "application/dicom+json"},
                timeout=self.timeout_s * 4,
            )
        except httpx.HTTPError as e:
            raise OrthancError(f"The image archive could not be reached ({type(e).__name__}).") from e
        if r.status_code >= 400:
            raise OrthancError(f"The image archive refused the studies ({r.status_code}).")
        return count
