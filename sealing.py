"""Personal numbers sealed at rest with national algorithms (等保): SM4-GCM under the deployment's
PII_KEY, and HMAC-SM3 lookup hashes so that a sealed number can still be found and kept unique.

A sealed value reads "sm4gcm:v1:<key id>:<base64 of nonce, ciphertext and tag>"; the key id names
the key it was sealed under, so values sealed under a key listed in PII_OLD_KEYS stay readable
until `flask rotate-pii-key` seals them again under PII_KEY. A value without the prefix is plain
text an older release stored: unseal() hands it back as it is, so a database works before its
upgrade seals it. Nothing here knows Flask or the models: create_app calls use_keys().
"""
import base64
import hashlib
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

PREFIX = "sm4gcm:v1:"
NONCE_BYTES, TAG_BYTES = 12, 16
KEY_HELP = "PII_KEY must be 32 hex digits (the 16-byte SM4 key); make one with: openssl rand -hex 16"


class SealError(Exception):
    """A sealed value that cannot be opened: unknown key, or altered since it was sealed."""


def _sm3_mac(key, data):
    mac = hmac.HMAC(key, hashes.SM3())
    mac.update(data)
    return mac.finalize()


class Key:
    """One SM4 key, its id (written into what it seals) and its own key for lookup hashes."""

    def __init__(self, text):
        try:
            self.secret = bytes.fromhex(text.strip())
        except ValueError:
            raise ValueError(KEY_HELP) from None
        if len(self.secret) != 16:
            raise ValueError(KEY_HELP)
        # Separate keys derived for separate jobs: the id names the key without revealing it.
        self.id = _sm3_mac(self.secret, b"beian key id")[:4].hex()
        self.lookup_key = _sm3_mac(self.secret, b"beian lookup hash")


_current = None
_keys = {}


def use_keys(current, old=""):
    """Seal under current from now on (hex); old: comma-separated hex keys still to be opened."""
    global _current, _keys
    key = Key(current)
    older = [Key(text) for text in old.split(",") if text.strip()] if old else []
    _current, _keys = key, {k.id: k for k in [*older, key]}


def demo_key(secret):
    """A fixed key derived from SECRET_KEY, for tests and the demo only (production sets PII_KEY)."""
    return hashlib.sha256(b"beian demo pii key|" + secret.encode()).hexdigest()[:32]


def _key():
    if _current is None:
        raise SealError("PII_KEY is not configured")
    return _current


def is_sealed(value):
    """True for a value seal() wrote (not an older release's plain text)."""
    return isinstance(value, str) and value.startswith(PREFIX)


def key_id_of(value):
    """The id of the key a sealed value was sealed under (None for plain text)."""
    return value[len(PREFIX):].split(":", 1)[0] if is_sealed(value) else None


def is_current(value):
    """True when the value is sealed under the current key (nothing for rotation to do)."""
    return key_id_of(value) == _key().id


def seal(text):
    """Encrypt text under the current key; None and "" stay as they are."""
    if not text:
        return text
    key = _key()
    header = f"{PREFIX}{key.id}:"
    nonce = os.urandom(NONCE_BYTES)
    encryptor = Cipher(algorithms.SM4(key.secret), modes.GCM(nonce)).encryptor()
    # The header is authenticated too: a value cannot be passed off as sealed under another key.
    encryptor.authenticate_additional_data(header.encode())
    body = encryptor.update(text.encode()) + encryptor.finalize()
    return header + base64.b64encode(nonce + body + encryptor.tag).decode()


def unseal(value):
    """The text of a sealed value; plain (legacy) text comes back unchanged."""
    if not is_sealed(value):
        return value
    key_id, _, payload = value[len(PREFIX):].partition(":")
    key = _keys.get(key_id)
    if key is None:
        raise SealError(f"sealed under an unknown key {key_id}: list it in PII_OLD_KEYS")
    try:
        raw = base64.b64decode(payload, validate=True)
        nonce, body, tag = raw[:NONCE_BYTES], raw[NONCE_BYTES:-TAG_BYTES], raw[-TAG_BYTES:]
        decryptor = Cipher(algorithms.SM4(key.secret), modes.GCM(nonce, tag)).decryptor()
        decryptor.authenticate_additional_data(f"{PREFIX}{key_id}:".encode())
        return (decryptor.update(body) + decryptor.finalize()).decode()
    except (ValueError, InvalidTag):
        raise SealError("a sealed value was altered or is damaged") from None


def lookup_hash(text, key=None):
    """HMAC-SM3 of text under the lookup key of key (the current one), as hex: equal texts, equal hashes."""
    return _sm3_mac((key or _key()).lookup_key, (text or "").encode()).hex()


def lookup_hashes(text):
    """text's lookup hash under every configured key: a row rotate-pii-key has not reached yet is
    still found."""
    _key()
    return [lookup_hash(text, key) for key in _keys.values()]
