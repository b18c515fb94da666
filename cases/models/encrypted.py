"""Personal data encrypted at rest (issue 17, point 4): resident IDs, phones, health details,
a household's income and expense amounts.

`EncryptedCharField` (and `EncryptedMoneyField`, a Decimal) keeps its value in clear in memory
and as AES-256-GCM ciphertext in the database ("v1:<key id>:<base64 of nonce + ciphertext>"),
in the main table and in the `historical*` table simple-history mirrors it into. Keys come from
the environment, FIELD_ENCRYPTION_KEYS (comma-separated secrets; the first encrypts, all
decrypt, so a key being rotated out still reads until `rotate_field_keys` has re-encrypted
everything).

A random nonce makes two encryptions of the same number differ, so the database cannot compare
them. Exact lookup, uniqueness, duplicate detection and record linkage go through a keyed blind
index instead: a separate column holding HMAC-SHA256(BLIND_INDEX_KEY, purpose + normalised
value), set whenever the encrypted attribute is set. Any other lookup on an encrypted field
(exact, contains, ordering in SQL is meaningless) raises FieldError rather than finding nothing,
and so does an aggregate or arithmetic on it (Sum("amount")): amounts are added up in Python.

Without the variables the public development keys below are used; `check --deploy` refuses
them when DEBUG is off (unioncase.E021, unioncase.E022).
"""

import base64
import hashlib
import hmac
import os
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import FieldError
from django.db import models
from django.db.models.expressions import Col
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

# Public on purpose: data encrypted or indexed with them is not protected. Development and tests only.
DEVELOPMENT_ENCRYPTION_KEY = "unioncase-development-field-key:not-secret:never-in-production"
DEVELOPMENT_BLIND_INDEX_KEY = "unioncase-development-blind-index-key:not-secret:never-in-production"
MINIMUM_KEY_LENGTH = 32
PREFIX = "v1"
NONCE_BYTES = 12


class EncryptedValueError(ValueError):
    """A stored value that cannot be decrypted: not our format, or a key that is not configured."""


# -- keys ------------------------------------------------------------------------------------------

def configured_encryption_keys() -> list[str]:
    """FIELD_ENCRYPTION_KEYS as set (current first), or [] when unset."""
    raw = getattr(settings, "FIELD_ENCRYPTION_KEYS", "") or ""
    if isinstance(raw, list | tuple):
        raw = ",".join(raw)
    return [key.strip() for key in raw.split(",") if key.strip()]


def configured_blind_index_key() -> str:
    return getattr(settings, "BLIND_INDEX_KEY", "") or ""


@lru_cache(maxsize=16)
def _derive(secret: str) -> tuple[str, bytes]:
    """(key id, 32-byte AES key) of a secret: the id names the key in each ciphertext."""
    key_id = hashlib.sha256(b"unioncase-field-key-id:" + secret.encode()).hexdigest()[:8]
    return key_id, hashlib.sha256(b"unioncase-field-key:" + secret.encode()).digest()


def encryption_keys() -> list[tuple[str, bytes]]:
    return [_derive(secret) for secret in (configured_encryption_keys() or [DEVELOPMENT_ENCRYPTION_KEY])]


def current_key_id() -> str:
    return encryption_keys()[0][0]


def _blind_key() -> bytes:
    return (configured_blind_index_key() or DEVELOPMENT_BLIND_INDEX_KEY).encode()


# -- values ----------------------------------------------------------------------------------------

def _aesgcm(key: bytes):
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    return AESGCM(key)


def encrypt(plain: str) -> str:
    key_id, key = encryption_keys()[0]
    nonce = os.urandom(NONCE_BYTES)
    sealed = _aesgcm(key).encrypt(nonce, plain.encode("utf-8"), None)
    return f"{PREFIX}:{key_id}:{base64.b64encode(nonce + sealed).decode('ascii')}"


def key_id_of(stored: str) -> str:
    """The key id a stored ciphertext was made with; raises EncryptedValueError on any other text."""
    parts = stored.split(":")
    if len(parts) != 3 or parts[0] != PREFIX or len(parts[1]) != 8:
        raise EncryptedValueError(_("数据库中的加密字段值格式不正确（应为“v1:密钥编号:密文”）：该值未加密或已损坏。"
                                    "请先运行数据迁移（migrate），不要直接往数据库写明文。"))
    return parts[1]


def decrypt(stored: str) -> str:
    from cryptography.exceptions import InvalidTag

    key_id = key_id_of(stored)
    keys = dict(encryption_keys())
    if key_id not in keys:
        raise EncryptedValueError(
            _("加密字段值使用的密钥（编号 %(key_id)s）不在 FIELD_ENCRYPTION_KEYS 中，无法解密。"
              "轮换密钥时旧密钥须保留在列表末尾，直到 manage.py rotate_field_keys 完成。") % {"key_id": key_id})
    try:
        blob = base64.b64decode(stored.split(":")[2], validate=True)
        return _aesgcm(keys[key_id]).decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], None).decode("utf-8")
    except (InvalidTag, ValueError) as error:
        raise EncryptedValueError(
            _("加密字段值（密钥编号 %(key_id)s）解密失败：密文被改动或密钥不符。") % {"key_id": key_id}) from error


def seal_value(value: str | None) -> str | None:
    """What the database stores for `value`: None and "" stay as they are (nothing to hide)."""
    if value is None or value == "":
        return value
    return encrypt(str(value))


def open_value(stored: str | None) -> str | None:
    if stored is None or stored == "":
        return stored
    return decrypt(stored)


# -- blind index -----------------------------------------------------------------------------------

def _normalise_resident_id(value: str) -> str:
    return "".join(str(value).split()).upper()


def _normalise_phone(value: str) -> str:
    digits = "".join(ch for ch in str(value) if ch.isdigit())
    return digits[2:] if len(digits) == 13 and digits.startswith("86") else digits


def _normalise_text(value: str) -> str:
    return str(value)


def _normalise_email(value: str) -> str:
    return str(value).strip().lower()


NORMALISERS = {"resident_id": _normalise_resident_id, "phone": _normalise_phone, "email": _normalise_email,
               "civil_record_key": _normalise_text}
# A column holding either a phone or an email (a notification's address) indexes each as what it
# is, so it matches the same number or mailbox recorded elsewhere.
CONTACT = "contact"
PURPOSES = {*NORMALISERS, CONTACT}


def blind_index(purpose: str, value: str | None) -> str:
    """HMAC-SHA256 under BLIND_INDEX_KEY of the normalised `value`, as 64 hex digits ("" for no value).
    The purpose is part of the message: a phone and an ID with the same digits index differently."""
    if value is None or str(value).strip() == "":
        return ""
    if purpose == CONTACT:
        purpose = "email" if "@" in str(value) else "phone"
    message = f"{purpose}:{NORMALISERS[purpose](value)}".encode()
    return hmac.new(_blind_key(), message, hashlib.sha256).hexdigest()


def blind_index_field(verbose_name, **kwargs) -> models.CharField:
    return models.CharField(verbose_name, max_length=64, blank=True, editable=False, **kwargs)


# -- the field -------------------------------------------------------------------------------------

class _EncryptedAttribute:
    """Sets the blind index column whenever the encrypted attribute is set, so save(),
    bulk_create, bulk_update (with the index field listed) and full_clean() all see it."""

    def __init__(self, field):
        self.field = field

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        if self.field.attname not in instance.__dict__:
            instance.refresh_from_db(fields=[self.field.attname])
        return instance.__dict__[self.field.attname]

    def __set__(self, instance, value):
        instance.__dict__[self.field.attname] = value
        if self.field.blind_index:
            index = blind_index(self.field.purpose, value)
            index_field = instance._meta.get_field(self.field.blind_index)
            instance.__dict__[index_field.attname] = index or (None if index_field.null else "")


class _ExactNoneOnly(models.lookups.Exact):
    def __init__(self, lhs, rhs):
        if rhs is not None:
            raise FieldError(lhs.output_field.refusal("'exact' lookup"))
        super().__init__(lhs, rhs)


class _SealedCol(Col):
    """A column of ciphertext: selected, it decrypts; as the source of an aggregate (Sum, Max…),
    of arithmetic or of a function, whose output field Django derives from it, it is refused."""

    @property
    def _output_field_or_none(self):
        raise FieldError(self.target.refusal("aggregate, arithmetic or function"))


class SealedField:
    """What every encrypted field shares: a text column of ciphertext that SQL can neither
    compare nor compute on (only `isnull`, and `field=None`, are allowed). `rotate_field_keys`
    re-encrypts the columns of every field of this kind (cases/platform/field_keys.py)."""

    def refusal_hint(self) -> str:
        return "Compute with it in Python."

    def refusal(self, what: str) -> str:
        return f"{self.model.__name__}.{self.name} is encrypted at rest: no {what} in SQL. {self.refusal_hint()}"

    def db_type(self, connection):
        return models.TextField().db_type(connection)

    def cast_db_type(self, connection):
        return models.TextField().cast_db_type(connection)

    def get_lookup(self, lookup_name):
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        if lookup_name == "exact":
            return _ExactNoneOnly  # `field=None` is `field__isnull=True`; any other value is refused
        raise FieldError(self.refusal(f"'{lookup_name}' lookup"))

    def get_transform(self, lookup_name):
        raise FieldError(self.refusal(f"'{lookup_name}' transform"))

    @cached_property
    def cached_col(self):
        return _SealedCol(self.model._meta.db_table, self)

    def get_col(self, alias, output_field=None):
        if alias == self.model._meta.db_table and (output_field is None or output_field == self):
            return self.cached_col
        return _SealedCol(alias, self, output_field)


class EncryptedCharField(SealedField, models.CharField):
    """A CharField in forms and validation (max_length applies to the clear value), stored as
    ciphertext in a text column. `blind_index` names the index column this field keeps, and
    `purpose` its normaliser ("resident_id", "phone", "email", "contact": a phone or an email)."""

    description = _("加密文本")

    def __init__(self, *args, blind_index: str = "", purpose: str = "", **kwargs):
        if blind_index and purpose not in PURPOSES:
            raise ValueError(f"unknown blind-index purpose {purpose!r}")
        self.blind_index, self.purpose = blind_index, purpose
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.blind_index:
            kwargs["blind_index"], kwargs["purpose"] = self.blind_index, self.purpose
        return name, "cases.models.encrypted.EncryptedCharField", args, kwargs

    def refusal_hint(self) -> str:
        return (f"Look it up by its blind index ({self.blind_index or 'none'}), "
                "e.g. Worker.objects.with_resident_id().")

    def contribute_to_class(self, cls, name, *args, **kwargs):
        super().contribute_to_class(cls, name, *args, **kwargs)
        setattr(cls, self.attname, _EncryptedAttribute(self))

    def from_db_value(self, value, expression, connection):
        return open_value(value)

    def get_prep_value(self, value):
        return seal_value(super().get_prep_value(value))


class EncryptedMoneyField(SealedField, models.DecimalField):
    """An amount in yuan: a DecimalField in memory, forms and validation (max_digits and
    decimal_places, the model's validators and bounds apply as to any amount), stored as the
    ciphertext of its text quantised to the field's places ("1234.50"). The database can
    neither sum nor compare it: totals of a household's rows are computed in Python."""

    description = _("加密金额")

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        return name, "cases.models.encrypted.EncryptedMoneyField", args, kwargs

    def get_internal_type(self):
        # Not "DecimalField": the backends would cast or convert the ciphertext as a number.
        return "TextField"

    def refusal_hint(self) -> str:
        return "Sum, compare or order the amounts in Python (one household's rows are few)."

    def quantised(self, amount: Decimal) -> Decimal:
        return amount.quantize(Decimal(1).scaleb(-self.decimal_places), rounding=ROUND_HALF_UP)

    def from_db_value(self, value, expression, connection):
        plain = open_value(value)
        return None if plain is None or plain == "" else self.quantised(Decimal(plain))

    def get_prep_value(self, value):
        amount = super().get_prep_value(value)  # to_python: a Decimal, or ValidationError
        return None if amount is None else seal_value(str(self.quantised(amount)))

    def get_db_prep_value(self, value, connection, prepared=False):
        # DecimalField's would adapt the ciphertext as a number.
        return value if prepared else self.get_prep_value(value)


class BlindIndexedModel(models.Model):
    """A model whose encrypted fields keep blind indexes: `save(update_fields=[...])` naming an
    encrypted field writes its index too."""

    class Meta:
        abstract = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Model.__init__ sets each index field to its default after its source was set: set it again.
        for field in self._meta.concrete_fields:
            if isinstance(field, EncryptedCharField) and field.blind_index and field.attname in self.__dict__:
                _EncryptedAttribute(field).__set__(self, self.__dict__[field.attname])

    def save(self, *args, update_fields=None, **kwargs):
        if update_fields is not None:
            update_fields = {*update_fields}
            update_fields |= {field.blind_index for field in self._meta.concrete_fields
                              if isinstance(field, EncryptedCharField) and field.blind_index
                              and field.name in update_fields}
        super().save(*args, update_fields=update_fields, **kwargs)
