"""Fingerprints for exact and near-duplicate detection (reposts, copies, the same complaint reworded).

Exact copies share `content_key` (a hash of the normalized text). Near-copies are found with MinHash
over character shingles: characters rather than words because Chinese has no spaces and reposts
change punctuation, prefixes (转发, RT @x:) and a few words. Locality-sensitive banding turns
"which earlier posts might be similar" into exact lookups of band keys, which SQLite indexes well.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zlib

import numpy as np
import numpy.typing as npt

NUM_PERM = 128
# Two rows per band: a repost that adds its own words has a low Jaccard similarity (~0.2) to the
# original, and it must still come up as a candidate (P ~ 0.93 at 0.2); candidates are verified.
BANDS = 64
ROWS = NUM_PERM // BANDS
SHINGLE = 3
_PRIME = np.uint64((1 << 31) - 1)
_rng = np.random.default_rng(20261125)  # fixed: signatures must be comparable across runs
_A = _rng.integers(1, (1 << 31) - 1, size=NUM_PERM, dtype=np.uint64)
_B = _rng.integers(0, (1 << 31) - 1, size=NUM_PERM, dtype=np.uint64)

_URL = re.compile(r"https?://\S+")
_MENTION = re.compile(r"(?:^|\s)(?:RT\s+)?@[\w\-\u4e00-\u9fff]+[:：]?")
_REPOST = re.compile(r"^\s*(?:转发微博|转发|repost(?:ed)?|RT)\s*[:：]?\s*", re.IGNORECASE)
_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)


def normalize_text(text: str) -> str:
    """Lowercase NFKC text without URLs, @mentions, repost prefixes, punctuation or spaces."""
    t = unicodedata.normalize("NFKC", text).lower()
    t = _URL.sub(" ", t)
    t = _REPOST.sub("", t)
    t = _MENTION.sub(" ", t)
    return _NOT_WORD.sub("", t)


def content_key(text: str) -> str:
    """Equal for texts that differ only in case, width, spacing, punctuation, links and mentions."""
    return hashlib.sha1(normalize_text(text).encode("utf-8")).hexdigest()[:24]


def _shingles(normalized: str) -> set[str]:
    if len(normalized) <= SHINGLE:
        return {normalized} if normalized else set()
    return {normalized[i : i + SHINGLE] for i in range(len(normalized) - SHINGLE + 1)}


def shingle_count(text: str) -> int:
    return len(_shingles(normalize_text(text)))


def minhash(text: str) -> npt.NDArray[np.uint32]:
    """A NUM_PERM-long MinHash signature of the text's character shingles."""
    shingles = _shingles(normalize_text(text))
    if not shingles:
        return np.full(NUM_PERM, np.iinfo(np.uint32).max, dtype=np.uint32)
    hashes = np.fromiter((zlib.crc32(s.encode("utf-8")) for s in shingles), dtype=np.uint64)
    # (a*h + b) mod p for every permutation at once; a, h < 2^32 keeps the product below 2^64.
    permuted = (np.outer(hashes & np.uint64(0x7FFFFFFF), _A) + _B) % _PRIME
    return permuted.min(axis=0).astype(np.uint32)


def band_keys(signature: npt.NDArray[np.uint32]) -> list[str]:
    """One key per band; two posts sharing any key are candidates for near-duplicates."""
    rows = signature.reshape(BANDS, ROWS)
    return [f"{i}:{hashlib.blake2b(r.tobytes(), digest_size=8).hexdigest()}" for i, r in enumerate(rows)]


def similarity(a: npt.NDArray[np.uint32], b: npt.NDArray[np.uint32]) -> float:
    """Estimated Jaccard similarity of the two texts' shingle sets."""
    return float(np.mean(a == b))


def near_duplicate_score(
    a: npt.NDArray[np.uint32],
    size_a: int,
    b: npt.NDArray[np.uint32],
    size_b: int,
    *,
    jaccard: float,
    containment: float,
    min_shingles: int = 25,
    max_size_ratio: float = 4.0,
) -> float:
    """How strongly two texts are copies of each other; 0.0 when they are not near-duplicates.

    Either the texts are alike as a whole (Jaccard >= `jaccard`), or most of the shorter one is
    inside the longer one (containment >= `containment`): a repost, a quote, or a complaint pasted
    into a longer post. Containment is estimated from the MinHash Jaccard and the set sizes, and
    that estimate is noise when the Jaccard is small and the sizes far apart (a short review "in" a
    long post because common trigrams are everywhere); so it needs some Jaccard, a text of
    `min_shingles` shingles and sizes within `max_size_ratio` of each other. Clusters merge through
    such matches, so a loose rule here would chain unrelated posts into one giant cluster.
    """
    j = similarity(a, b)
    if j >= jaccard:
        return j
    smaller, larger = sorted((size_a, size_b))
    if smaller < min_shingles or larger > max_size_ratio * smaller or j < 0.25:
        return 0.0
    shared = j * (size_a + size_b) / (1 + j)
    c = shared / smaller
    return j if c >= containment else 0.0


def near_duplicate_scores(
    a: npt.NDArray[np.uint32],
    size_a: int,
    others: npt.NDArray[np.uint32],
    sizes: npt.NDArray[np.int64],
    *,
    jaccard: float,
    containment: float,
    min_shingles: int = 25,
    max_size_ratio: float = 4.0,
) -> npt.NDArray[np.float64]:
    """`near_duplicate_score` of `a` against each row of `others` (sizes in `sizes`), at once."""
    j = (others == a).mean(axis=1)
    smaller, larger = np.minimum(sizes, size_a), np.maximum(sizes, size_a)
    contained = (j * (size_a + sizes) / (1 + j)) / np.maximum(smaller, 1) >= containment
    plausible = (smaller >= min_shingles) & (larger <= max_size_ratio * smaller) & (j >= 0.25)
    return np.where((j >= jaccard) | (plausible & contained), j, 0.0)


def signatures_from_bytes(blobs: list[bytes]) -> npt.NDArray[np.uint32]:
    """Several stored signatures as the rows of one array."""
    return np.frombuffer(b"".join(blobs), dtype="<u4").astype(np.uint32).reshape(len(blobs), NUM_PERM)


def signature_bytes(signature: npt.NDArray[np.uint32]) -> bytes:
    return signature.astype("<u4").tobytes()


def signature_from_bytes(blob: bytes) -> npt.NDArray[np.uint32]:
    return np.frombuffer(blob, dtype="<u4").astype(np.uint32)
