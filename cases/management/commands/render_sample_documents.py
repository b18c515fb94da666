"""Render every registered document kind with its sample context, to look at the layout
and to prove the machine can make Chinese PDFs. Nothing is stored in the database."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from cases.documents.registry import DocumentKind, all_kinds
from cases.platform.documents import render_pdf


class Command(BaseCommand):
    help = _("用各类文书的示例内容生成PDF，写入指定目录（不入库）。")

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, type=Path, help=_("输出目录"))

    def handle(self, *args, out: Path, **options):
        out.mkdir(parents=True, exist_ok=True)
        failed = [kind.code for kind in all_kinds() if not self._render(kind, out)]
        if failed:
            raise CommandError(_("以下文书生成失败：%(kinds)s") % {"kinds": "、".join(failed)})

    def _render(self, kind: DocumentKind, out: Path) -> bool:
        started = time.perf_counter()
        try:
            rendered = render_pdf(template=kind.template, context=kind.sample_context())
            path = out / f"{kind.code}.pdf"
            path.write_bytes(rendered.content)
        except Exception as exc:  # report every kind, then fail once at the end
            self.stderr.write(_("%(code)s：生成失败：%(error)r") % {"code": kind.code, "error": exc})
            return False
        elapsed = (time.perf_counter() - started) * 1000
        self.stdout.write(_("%(path)s\t%(pages)d页\t%(ms).0f ms") % {
            "path": path, "pages": rendered.pages, "ms": elapsed,
        })
        return True
