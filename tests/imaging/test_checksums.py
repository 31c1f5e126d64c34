"""The one hashing helper (imaging.checksums): file digests and the two published JSON forms."""

from __future__ import annotations

import hashlib
from pathlib import Path

from imaging.checksums import CHUNK, canonical_json_sha256, sha256_file


class TestSha256File:
    def test_matches_hashlib_across_chunks(self, tmp_path: Path) -> None:
        """A file longer than one read chunk hashes as its whole bytes do."""
        data = bytes(range(256)) * (CHUNK // 256 + 3)
        path = tmp_path / "blob.bin"
        path.write_bytes(data)
        assert sha256_file(path) == hashlib.sha256(data).hexdigest()


class TestCanonicalJson:
    def test_key_order_and_spacing_do_not_matter(self) -> None:
        """The same data in another key order gives the same hash."""
        assert canonical_json_sha256({"b": 1, "a": [1, 2]}, ascii_only=False) == canonical_json_sha256(
            {"a": [1, 2], "b": 1}, ascii_only=False
        )

    def test_published_forms_are_pinned(self) -> None:
        """Stored fingerprints keep verifying: escaped for the audit chain, UTF-8 for signed drafts."""
        payload = {"b": 1, "a": "caf\u00e9"}
        escaped = hashlib.sha256(b'{"a":"caf\\u00e9","b":1}').hexdigest()
        utf8 = hashlib.sha256('{"a":"caf\u00e9","b":1}'.encode()).hexdigest()
        assert canonical_json_sha256(payload, ascii_only=True) == escaped
        assert canonical_json_sha256(payload, ascii_only=False) == utf8
