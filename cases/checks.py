"""System checks: fail clearly when the machine cannot produce proper Chinese PDFs, when a
transition names a door effect that no installed app registers, and (`check --deploy`, DEBUG
off) when the audit chain would be sealed with the public development key.

Both detections ask the same native libraries WeasyPrint uses (libfontconfig and
libharfbuzz-subset, through ctypes), so no command-line tool needs to be installed.
"""

import ctypes
import ctypes.util

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning, register
from django.utils.translation import gettext_lazy as _

FC_RESULT_MATCH = 0
# WeasyPrint uses libharfbuzz-subset only with HarfBuzz >= 4.1.0 (pdf/fonts.py).
HARFBUZZ_MINIMUM = (4, 1, 0)


class _FcFontSet(ctypes.Structure):
    _fields_ = [
        ("nfont", ctypes.c_int),
        ("sfont", ctypes.c_int),
        ("fonts", ctypes.POINTER(ctypes.c_void_p)),
    ]


def _load(*names: str | None) -> ctypes.CDLL | None:
    for name in filter(None, names):
        try:
            return ctypes.CDLL(name)
        except OSError:
            continue
    return None


def _declare_fontconfig(fc: ctypes.CDLL) -> None:
    fc.FcNameParse.restype = ctypes.c_void_p
    fc.FcNameParse.argtypes = [ctypes.c_char_p]
    fc.FcObjectSetCreate.restype = ctypes.c_void_p
    fc.FcObjectSetAdd.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
    fc.FcFontList.restype = ctypes.POINTER(_FcFontSet)
    fc.FcFontList.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]
    fc.FcPatternGetString.argtypes = [
        ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int, ctypes.POINTER(ctypes.c_char_p),
    ]
    fc.FcFontSetDestroy.argtypes = [ctypes.POINTER(_FcFontSet)]
    fc.FcObjectSetDestroy.argtypes = [ctypes.c_void_p]
    fc.FcPatternDestroy.argtypes = [ctypes.c_void_p]


def _families(fc: ctypes.CDLL, font_set: _FcFontSet) -> set[str]:
    families = set()
    for index in range(font_set.nfont):
        value = ctypes.c_char_p()
        if fc.FcPatternGetString(font_set.fonts[index], b"family", 0, ctypes.byref(value)) == FC_RESULT_MATCH:
            families.add(value.value.decode("utf-8", "replace"))
    return families


def cjk_font_families() -> list[str]:
    """Font families fontconfig offers for Chinese: what `fc-list :lang=zh family` prints."""
    fc = _load(ctypes.util.find_library("fontconfig"), "libfontconfig.so.1")
    if fc is None:
        return []
    _declare_fontconfig(fc)
    pattern, objects = fc.FcNameParse(b":lang=zh"), fc.FcObjectSetCreate()
    fc.FcObjectSetAdd(objects, b"family")
    font_set = fc.FcFontList(None, pattern, objects)
    try:
        return sorted(_families(fc, font_set.contents)) if font_set else []
    finally:
        if font_set:
            fc.FcFontSetDestroy(font_set)
        fc.FcObjectSetDestroy(objects)
        fc.FcPatternDestroy(pattern)


def harfbuzz_subset_loadable() -> bool:
    """Whether WeasyPrint can subset fonts with libharfbuzz-subset rather than fontTools."""
    subset = _load(ctypes.util.find_library("harfbuzz-subset"), "libharfbuzz-subset.so.0")
    harfbuzz = _load(ctypes.util.find_library("harfbuzz"), "libharfbuzz.so.0")
    if subset is None or harfbuzz is None or not hasattr(subset, "hb_subset_or_fail"):
        return False
    harfbuzz.hb_version_atleast.argtypes = [ctypes.c_uint] * 3
    harfbuzz.hb_version_atleast.restype = ctypes.c_int
    return bool(harfbuzz.hb_version_atleast(*HARFBUZZ_MINIMUM))


def _font_messages() -> list[CheckMessage]:
    families = cjk_font_families()
    if not families:
        return [Error(
            _("没有找到中文字体：生成的PDF文书中的汉字将无法显示。"),
            hint=_("请安装 Noto CJK 字体：apt-get install fonts-noto-cjk"),
            id="unioncase.E001",
        )]
    configured = settings.UNIONCASE.get("DOCUMENT_FONT_FAMILY", "")
    if configured and configured not in families:
        return [Warning(
            _("DOCUMENT_FONT_FAMILY 设置的字体“%(family)s”未安装，文书的印章栏将改用其他中文字体。")
            % {"family": configured},
            hint=_("可用的中文字体：%(families)s") % {"families": "、".join(families)},
            id="unioncase.W001",
        )]
    return []


@register("documents")
def check_document_rendering(app_configs=None, **kwargs) -> list[CheckMessage]:
    errors = _font_messages()
    if not harfbuzz_subset_loadable():
        errors.append(Error(
            _("无法加载 libharfbuzz-subset（需 HarfBuzz 4.1.0 及以上）：WeasyPrint 将改用 fontTools 子集化字体。"),
            hint=_("请安装：apt-get install libharfbuzz-subset0。缺少它时每份中文PDF文书需要数秒才能生成。"),
            id="unioncase.E002",
        ))
    return errors


def unregistered_effects() -> list[tuple[str, str, str]]:
    """(model label, transition, effect) for every effect or performer a transition names that
    nobody registered."""
    from django.apps import apps
    from django_fsm import FSMFieldMixin

    from cases.platform import effects

    missing = []
    for model in apps.get_models():
        for field in model._meta.fields:
            if not isinstance(field, FSMFieldMixin):
                continue
            for spec in field.get_all_transitions(model):
                named = [*spec.custom.get("effects", ()), *filter(None, [spec.custom.get("performed_by")])]
                missing += [(model._meta.label, spec.name, name) for name in named if not effects.is_registered(name)]
    return sorted(set(missing))


@register()
def check_door_effects(app_configs=None, **kwargs) -> list[CheckMessage]:
    return [Error(
        _("%(model)s 的状态变更“%(transition)s”需要执行“%(effect)s”，但没有任何已安装的应用提供它。")
        % {"model": model, "transition": transition, "effect": effect},
        hint=_("请确认 INSTALLED_APPS 包含 cases 和 workflows（它们在启动时登记这些处理）。"),
        id="unioncase.E003",
    ) for model, transition, effect in unregistered_effects()]


@register("security", deploy=True)
def check_audit_key(app_configs=None, **kwargs) -> list[CheckMessage]:
    """`check --deploy` with DEBUG off: the audit chain must be sealed with a secret of the deployment's own."""
    from cases.platform.audit.keys import DEVELOPMENT_KEY, MINIMUM_KEY_LENGTH, configured_key

    if settings.DEBUG:
        return []
    key = configured_key()
    if not key or key == DEVELOPMENT_KEY:
        return [Error(
            _("AUDIT_HMAC_KEY 未设置（或仍是公开的开发密钥）：任何能写数据库的人都能改写审计链并重新计算全部哈希。"),
            hint=_("请设置环境变量 AUDIT_HMAC_KEY 为至少 32 个字符的随机密钥（例如 python -c \"import secrets; "
                   "print(secrets.token_urlsafe(48))\" 的输出），保存在数据库之外；已有的审计链随后用 "
                   "manage.py rekey_audit_chain 迁移，见 SECURITY.md。"),
            id="unioncase.E020",
        )]
    if len(key) < MINIMUM_KEY_LENGTH:
        return [Warning(
            _("AUDIT_HMAC_KEY 只有 %(length)d 个字符：审计密钥应至少 %(minimum)d 个字符。")
            % {"length": len(key), "minimum": MINIMUM_KEY_LENGTH},
            hint=_("换用更长的随机密钥，并用 manage.py rekey_audit_chain --old-key-env 轮换，见 SECURITY.md。"),
            id="unioncase.W020",
        )]
    return []


@register("security", deploy=True)
def check_field_encryption_keys(app_configs=None, **kwargs) -> list[CheckMessage]:
    """`check --deploy` with DEBUG off: personal data at rest must be encrypted and indexed under the
    deployment's own keys, not the public development ones (issue 17, point 4)."""
    from cases.models.encrypted import (
        DEVELOPMENT_BLIND_INDEX_KEY,
        DEVELOPMENT_ENCRYPTION_KEY,
        MINIMUM_KEY_LENGTH,
        configured_blind_index_key,
        configured_encryption_keys,
    )

    if settings.DEBUG:
        return []
    problems: list[CheckMessage] = []
    keys = configured_encryption_keys()
    if not keys or DEVELOPMENT_ENCRYPTION_KEY in keys or any(len(key) < MINIMUM_KEY_LENGTH for key in keys):
        problems.append(Error(
            _("FIELD_ENCRYPTION_KEYS 未设置、含公开的开发密钥或有密钥短于 %(minimum)d 个字符：身份证号、手机号码和健康"
              "信息在数据库中等于未加密。") % {"minimum": MINIMUM_KEY_LENGTH},
            hint=_("请设置环境变量 FIELD_ENCRYPTION_KEYS 为至少 32 个字符的随机密钥（多个用逗号分隔，第一个用于加密），"
                   "保存在数据库之外；已有数据随后用 manage.py rotate_field_keys 重新加密，见 SECURITY.md。"),
            id="unioncase.E021",
        ))
    key = configured_blind_index_key()
    if not key or key == DEVELOPMENT_BLIND_INDEX_KEY or len(key) < MINIMUM_KEY_LENGTH:
        problems.append(Error(
            _("BLIND_INDEX_KEY 未设置、仍是公开的开发密钥或短于 %(minimum)d 个字符：任何人都能由索引反查身份证号和手机号码。")
            % {"minimum": MINIMUM_KEY_LENGTH},
            hint=_("请设置环境变量 BLIND_INDEX_KEY 为至少 32 个字符的随机密钥，并立即运行 manage.py rotate_field_keys "
                   "重算索引，见 SECURITY.md。"),
            id="unioncase.E022",
        ))
    return problems
