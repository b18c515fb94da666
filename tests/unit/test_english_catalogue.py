"""The English catalogue (locale/en) translates every message, none of them fuzzy, and its
compiled .mo says the same as the .po.

After `manage.py makemessages -l en` adds new Chinese strings, this fails until they are
translated and `manage.py compilemessages -l en` has been run; and it fails before anyone runs
makemessages, since it runs it itself on a copy of the sources.
"""

import ast
import gettext
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

CATALOGUE = Path(__file__).resolve().parents[2] / "locale" / "en" / "LC_MESSAGES"


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str = ""
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)

    @property
    def pending(self) -> bool:
        return "fuzzy" in self.flags or not self.msgstr or not all(self.msgstr.values())


def parse_po(text: str) -> list[Entry]:
    """The live entries of a .po file (obsolete `#~` entries and the header left out)."""
    entries, entry, target = [], Entry(), None
    for line in text.splitlines() + [""]:
        line = line.strip()
        if not line:
            if target is not None:
                entries.append(entry)
            entry, target = Entry(), None
        elif line.startswith("#,"):
            entry.flags.update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            _append(entry, target, line)
        else:
            keyword, _, value = line.partition(" ")
            target = keyword
            _append(entry, target, value)
    return [entry for entry in entries if entry.msgid]


def _append(entry: Entry, target: str, quoted: str) -> None:
    text = ast.literal_eval(quoted)  # a PO string uses the same escapes as a Python one
    if target == "msgid":
        entry.msgid += text
    elif target == "msgid_plural":
        entry.msgid_plural += text
    elif target == "msgstr":
        entry.msgstr[0] = entry.msgstr.get(0, "") + text
    elif target.startswith("msgstr["):
        index = int(target[len("msgstr["):-1])
        entry.msgstr[index] = entry.msgstr.get(index, "") + text


def test_the_parser_finds_untranslated_and_fuzzy_entries():
    sample = '\n'.join([
        'msgid ""', 'msgstr ""', '"Language: en\\n"', '',
        'msgid "已受理"', 'msgstr "Accepted"', '',
        '#, fuzzy, python-format', 'msgid "第%(n)s期"', 'msgstr "Instalment %(n)s"', '',
        'msgid ""', '"收到申请"', 'msgstr ""', '',
        'msgid "%(n)s份"', 'msgid_plural "%(n)s份"', 'msgstr[0] "%(n)s file"', 'msgstr[1] ""', '',
        '#~ msgid "暂无入户调查任务"', '#~ msgstr ""',
    ])
    entries = parse_po(sample)

    assert [entry.msgid for entry in entries] == ["已受理", "第%(n)s期", "收到申请", "%(n)s份"]
    assert [entry.msgid for entry in entries if entry.pending] == ["第%(n)s期", "收到申请", "%(n)s份"]


@pytest.fixture(scope="module")
def entries():
    return parse_po((CATALOGUE / "django.po").read_text(encoding="utf-8"))


def test_every_english_message_is_translated_and_none_is_fuzzy(entries):
    pending = [entry.msgid for entry in entries if entry.pending]

    assert len(entries) > 200
    assert pending == [], f"{len(pending)} untranslated or fuzzy entries in locale/en, first: {pending[:10]}"


def test_the_compiled_catalogue_matches_the_po(entries):
    with (CATALOGUE / "django.mo").open("rb") as compiled:
        catalog = gettext.GNUTranslations(compiled)._catalog

    stale = []
    for entry in entries:
        if entry.msgid_plural:
            found = [catalog.get((entry.msgid, index)) for index in sorted(entry.msgstr)]
            wanted = [entry.msgstr[index] for index in sorted(entry.msgstr)]
        else:
            found, wanted = catalog.get(entry.msgid), entry.msgstr.get(0)
        if found != wanted:
            stale.append(entry.msgid)
    assert stale == [], f"django.mo is out of date for {len(stale)} entries; run compilemessages -l en: {stale[:10]}"


ROOT = CATALOGUE.parents[2]
COPIED = shutil.ignore_patterns(".*", "__pycache__", "var", "media", "node_modules", "*.sqlite3", "*.pyc", "*.mo",
                                "*.pdf", "*.png", "*.xlsx")


def test_makemessages_would_add_no_message_without_english(tmp_path):
    """The catalogue test above reads the .po as committed; this runs `makemessages -l en` on a copy
    of the sources (the project's locale/ is not touched) and fails when a message in the code or
    the templates has no English yet, or when msgmerge would only guess one (fuzzy)."""
    if shutil.which("xgettext") is None:
        pytest.fail("gettext is not installed (make test installs it: apt-get install gettext)")
    copy = tmp_path / "src"
    shutil.copytree(ROOT, copy, ignore=COPIED)
    result = subprocess.run([sys.executable, "manage.py", "makemessages", "-l", "en"], cwd=copy,
                            capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(copy)})
    assert result.returncode == 0, result.stderr

    entries = parse_po((copy / "locale" / "en" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8"))
    pending = [entry.msgid for entry in entries if entry.pending]
    assert pending == [], (f"{len(pending)} messages would need English after makemessages -l en "
                           f"(translate them in locale/en, then compilemessages -l en): {pending[:10]}")
