"""The encrypted archive container (S47, S48): no database; every defect is refused."""

import io
import os

import pytest

from casework.core.backup_archive import (
    CHUNK_SIZE,
    MAGIC,
    ArchiveError,
    ArchiveReader,
    ArchiveWriter,
    generate_key,
    key_id,
    parse_key,
    read_header,
)

KEY = parse_key(generate_key())
# Three full frames and a partial one: incompressible, so frames keep their size.
PLAIN = os.urandom(3 * CHUNK_SIZE + 12345)


def seal(data: bytes = PLAIN, key: bytes = KEY, *, compress: bool = False) -> bytes:
    out = io.BytesIO()
    writer = ArchiveWriter(out, key, compress=compress)
    writer.write(data)
    writer.close()
    return out.getvalue()


def unseal(archive: bytes, key: bytes = KEY) -> bytes:
    reader = ArchiveReader(io.BytesIO(archive), key)
    data = reader.read()
    reader.finish()
    return data


def frame_offsets(archive: bytes) -> list[int]:
    offset = len(MAGIC) + 4 + int.from_bytes(archive[len(MAGIC) : len(MAGIC) + 4], "big")
    offsets = []
    while offset < len(archive):
        offsets.append(offset)
        offset += 5 + int.from_bytes(archive[offset : offset + 4], "big")
    return offsets


@pytest.mark.parametrize("compress", [False, True])
def test_round_trip_restores_every_byte(compress: bool) -> None:
    data = PLAIN if not compress else b"casework " * 300_000
    assert unseal(seal(data, compress=compress)) == data


def test_an_empty_payload_round_trips() -> None:
    assert unseal(seal(b"")) == b""


def test_the_header_names_the_key_without_revealing_it() -> None:
    header = read_header(io.BytesIO(seal(b"x")))
    assert header["key_id"] == key_id(KEY)
    assert header["cipher"] == "AES-256-GCM"
    assert len(header["key_id"]) == 16


def test_each_archive_has_its_own_salt_so_equal_data_encrypts_differently() -> None:
    assert seal(b"same") != seal(b"same")


def test_a_wrong_key_is_refused_by_name() -> None:
    other = parse_key(generate_key())
    with pytest.raises(ArchiveError) as error:
        unseal(seal(), other)
    assert str(error.value) == (
        f"the archive was encrypted with another backup key (key id {key_id(KEY)}; "
        f"the configured key's id is {key_id(other)})"
    )


def test_a_flipped_bit_in_a_frame_is_refused() -> None:
    archive = bytearray(seal())
    second = frame_offsets(bytes(archive))[1]
    archive[second + 100] ^= 0x01
    with pytest.raises(ArchiveError, match=r"tampered with \(frame 1 fails authentication\)"):
        unseal(bytes(archive))


def test_an_edited_header_is_refused() -> None:
    archive = seal()
    edited = archive.replace(b'"compression": "none"', b'"compression": "zlib"')
    assert edited != archive
    with pytest.raises(ArchiveError, match=r"frame 0 fails authentication"):
        unseal(edited)


def test_swapped_frames_are_refused() -> None:
    archive = seal()
    a, b, c = frame_offsets(archive)[:3]
    swapped = archive[:a] + archive[b:c] + archive[a:b] + archive[c:]
    with pytest.raises(ArchiveError, match=r"frame 0 fails authentication"):
        unseal(swapped)


def test_an_archive_cut_mid_frame_is_truncated() -> None:
    with pytest.raises(ArchiveError, match=r"^the archive is truncated \(frame 3 cut short\)$"):
        unseal(seal()[:-10])


def test_an_archive_without_its_final_frame_is_truncated() -> None:
    archive = seal()
    last = frame_offsets(archive)[-1]
    with pytest.raises(ArchiveError) as error:
        unseal(archive[:last])
    assert str(error.value) == (
        "the archive is truncated (it ends after 3 frame(s) without the final one)"
    )


def test_a_frame_marked_final_early_is_refused() -> None:
    archive = bytearray(seal())
    archive[frame_offsets(bytes(archive))[0] + 4] = 0x01
    with pytest.raises(ArchiveError, match=r"frame 0 fails authentication"):
        unseal(bytes(archive))


def test_data_after_the_final_frame_is_refused() -> None:
    with pytest.raises(ArchiveError, match=r"data after the final frame"):
        unseal(seal() + b"\0")


@pytest.mark.parametrize(
    ("archive", "message"),
    [
        (b"", "not a casework backup archive"),
        (b"PK\x03\x04 a zip file", "not a casework backup archive"),
        (MAGIC + b"\0\0", "the archive is truncated (header cut short)"),
        (MAGIC + b"\0\0\0\x05nope!", "the archive header is damaged (not the expected JSON)"),
    ],
)
def test_what_is_not_an_archive_is_refused(archive: bytes, message: str) -> None:
    with pytest.raises(ArchiveError) as error:
        unseal(archive)
    assert str(error.value).startswith(message)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the backup key must be 32 bytes (base64), not 0"),
        ("c2hvcnQ=", "the backup key must be 32 bytes (base64), not 5"),
        ("not base64!", "the backup key is not valid base64"),
    ],
)
def test_a_malformed_key_is_refused(text: str, message: str) -> None:
    with pytest.raises(ArchiveError) as error:
        parse_key(text)
    assert str(error.value) == message
