"""The encrypted container of a backup archive (S47, S48): AES-256-GCM over chunks.

Layout of an archive file:

    b"CASEWORK-BACKUP\\n"                      magic, 16 bytes
    u32 length + header JSON (UTF-8)         format, cipher, salt, key id, compression
    frames, each: u32 length, u8 flags, ciphertext with its 16-byte GCM tag

Each archive encrypts with its own key, derived from the backup key with HKDF-SHA256 and
a random salt kept in the header, so the per-frame nonce (a counter) never repeats under
one key. Every frame is authenticated together with a hash of the magic and header, its
number and its flags: an edited, reordered, dropped or appended frame, or an edited
header, fails authentication. The last frame carries the FINAL flag: a stream that ends
without it was truncated. The key id (an HMAC of a fixed label under the backup key)
tells a wrong key apart from a damaged archive without revealing the key.

Frames hold up to CHUNK_SIZE bytes of plaintext, zlib-compressed first when the header
says so (compressing before encrypting is sound for data at rest: no attacker chooses
part of the plaintext and watches the size).
"""

import base64
import hashlib
import hmac
import json
import os
import struct
import zlib
from collections.abc import Iterator
from typing import IO, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MAGIC = b"CASEWORK-BACKUP\n"
FORMAT = 1
CHUNK_SIZE = 1 << 20
MAX_FRAME = CHUNK_SIZE + (CHUNK_SIZE >> 4) + 1024  # zlib's worst case plus the tag
MAX_HEADER = 64 * 1024
FINAL = 0x01
KEY_BYTES = 32
_U32 = struct.Struct(">I")


class ArchiveError(Exception):
    """The archive cannot be read: not an archive, wrong key, truncated or tampered with."""


def generate_key() -> str:
    """A new random backup key, as the URL-safe base64 text the settings expect."""
    return base64.urlsafe_b64encode(os.urandom(KEY_BYTES)).decode()


def parse_key(text: str) -> bytes:
    """The 32 key bytes from their URL-safe base64 text (`casework backup --generate-key`)."""
    try:
        key = base64.urlsafe_b64decode(text.strip().encode())
    except (ValueError, TypeError) as error:
        raise ArchiveError("the backup key is not valid base64") from error
    if len(key) != KEY_BYTES:
        raise ArchiveError(f"the backup key must be {KEY_BYTES} bytes (base64), not {len(key)}")
    return key


def key_id(key: bytes) -> str:
    """A short public name of the key: which key an archive needs, never the key."""
    return hmac.new(key, b"casework backup key id", hashlib.sha256).hexdigest()[:16]


def _archive_key(key: bytes, salt: bytes) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=salt, info=b"casework backup 1")
    return hkdf.derive(key)


def _nonce(counter: int) -> bytes:
    return b"\0\0\0\0" + counter.to_bytes(8, "big")


def _aad(header_hash: bytes, counter: int, flags: int) -> bytes:
    return header_hash + counter.to_bytes(8, "big") + bytes([flags])


class ArchiveWriter:
    """A write-only file object that encrypts what is written into `out`, frame by frame.

    `close()` writes the FINAL frame; an archive whose writer was never closed is
    refused as truncated."""

    def __init__(self, out: IO[bytes], key: bytes, *, compress: bool) -> None:
        salt = os.urandom(16)
        header = json.dumps(
            {
                "format": FORMAT,
                "cipher": "AES-256-GCM",
                "kdf": "HKDF-SHA256",
                "salt": salt.hex(),
                "key_id": key_id(key),
                "compression": "zlib" if compress else "none",
                "chunk_size": CHUNK_SIZE,
            },
            sort_keys=True,
        ).encode()
        out.write(MAGIC + _U32.pack(len(header)) + header)
        self._out = out
        self._aead = AESGCM(_archive_key(key, salt))
        self._hash = hashlib.sha256(MAGIC + header).digest()
        self._compress = compress
        self._buffer = bytearray()
        self._counter = 0
        self.closed = False
        self.plaintext_bytes = 0

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:
        if self.closed:
            raise ValueError("write to a closed archive")
        self._buffer += data
        self.plaintext_bytes += len(data)
        while len(self._buffer) >= CHUNK_SIZE:
            chunk = bytes(self._buffer[:CHUNK_SIZE])
            del self._buffer[:CHUNK_SIZE]
            self._frame(chunk, 0)
        return len(data)

    def flush(self) -> None:
        self._out.flush()

    def _frame(self, chunk: bytes, flags: int) -> None:
        if self._compress:
            chunk = zlib.compress(chunk, 1)
        sealed = self._aead.encrypt(
            _nonce(self._counter), chunk, _aad(self._hash, self._counter, flags)
        )
        self._out.write(_U32.pack(len(sealed)) + bytes([flags]) + sealed)
        self._counter += 1

    def close(self) -> None:
        if not self.closed:
            self._frame(bytes(self._buffer), FINAL)
            self._buffer.clear()
            self.closed = True
            self._out.flush()


def read_header(source: IO[bytes]) -> dict[str, Any]:
    """The archive's clear header (after checking the magic), without needing the key."""
    header, _ = _read_header(source)
    return header


def _read_exact(source: IO[bytes], size: int, what: str) -> bytes:
    data = source.read(size)
    if len(data) != size:
        raise ArchiveError(f"the archive is truncated ({what} cut short)")
    return data


def _read_header(source: IO[bytes]) -> tuple[dict[str, Any], bytes]:
    magic = source.read(len(MAGIC))
    if magic != MAGIC:
        raise ArchiveError("not a casework backup archive (its first bytes are not the magic)")
    (length,) = _U32.unpack(_read_exact(source, 4, "header"))
    if length > MAX_HEADER:
        raise ArchiveError("the archive header is damaged (impossible length)")
    raw = _read_exact(source, length, "header")
    try:
        header = json.loads(raw)
        salt = bytes.fromhex(header["salt"])
        if header["format"] != FORMAT or header["cipher"] != "AES-256-GCM":
            raise ArchiveError(
                f"unsupported archive format {header['format']!r} / {header['cipher']!r}"
            )
        if header["compression"] not in ("zlib", "none") or len(salt) != 16:
            raise ValueError("compression or salt")
    except (ValueError, KeyError, TypeError) as error:
        raise ArchiveError("the archive header is damaged (not the expected JSON)") from error
    return header, raw


def decrypt_chunks(source: IO[bytes], key: bytes) -> Iterator[bytes]:
    """The plaintext of every frame in order; raises ArchiveError on any defect, and only
    after the FINAL frame authenticated and nothing follows it does the iteration end."""
    header, raw = _read_header(source)
    if not hmac.compare_digest(header["key_id"], key_id(key)):
        raise ArchiveError(
            f"the archive was encrypted with another backup key (key id {header['key_id']}; "
            f"the configured key's id is {key_id(key)})"
        )
    aead = AESGCM(_archive_key(key, bytes.fromhex(header["salt"])))
    header_hash = hashlib.sha256(MAGIC + raw).digest()
    compressed = header["compression"] == "zlib"
    counter = 0
    while True:
        prefix = source.read(5)
        if not prefix:
            raise ArchiveError(
                f"the archive is truncated (it ends after {counter} frame(s) without the final one)"
            )
        if len(prefix) != 5:
            raise ArchiveError(f"the archive is truncated (frame {counter} cut short)")
        (length,) = _U32.unpack(prefix[:4])
        flags = prefix[4]
        if length > MAX_FRAME or flags & ~FINAL:
            raise ArchiveError(f"the archive is corrupted or was tampered with (frame {counter})")
        sealed = _read_exact(source, length, f"frame {counter}")
        try:
            chunk = aead.decrypt(_nonce(counter), sealed, _aad(header_hash, counter, flags))
        except InvalidTag:
            raise ArchiveError(
                f"the archive is corrupted or was tampered with (frame {counter} fails "
                "authentication)"
            ) from None
        if compressed:
            try:
                chunk = zlib.decompress(chunk)
            except zlib.error as error:  # authenticated, so only a writer's bug gets here
                raise ArchiveError(f"frame {counter} does not decompress") from error
        counter += 1
        if flags & FINAL:
            if source.read(1):
                raise ArchiveError("the archive was tampered with (data after the final frame)")
            if chunk:
                yield chunk
            return
        yield chunk


class ArchiveReader:
    """A read-only file object over the decrypted plaintext (for `tarfile` stream mode)."""

    def __init__(self, source: IO[bytes], key: bytes) -> None:
        self._chunks = decrypt_chunks(source, key)
        self._buffer = b""
        self._done = False

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        while not self._done and (size < 0 or len(self._buffer) < size):
            try:
                self._buffer += next(self._chunks)
            except StopIteration:
                self._done = True
        if size < 0:
            data, self._buffer = self._buffer, b""
        else:
            data, self._buffer = self._buffer[:size], self._buffer[size:]
        return data

    def finish(self) -> None:
        """Read (and authenticate) the rest, up to the FINAL frame and the end of the file."""
        while not self._done:
            try:
                next(self._chunks)
            except StopIteration:
                self._done = True
