"""`load_laws [directory]`: load the shipped texts (or those of a directory with the same MANIFEST.tsv)."""
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from fazhi.laws.loading import load_seed
from fazhi.laws.parser import LawTextError
from fazhi.laws.seed import DATA_DIR, MANIFEST


class Command(BaseCommand):
    help = ("载入法律法规文本：按目录中的 MANIFEST.tsv 逐部载入，已载入的相同文本跳过，可重复运行。"
            "不给目录时载入系统自带的文本。任何一部有错时不载入任何文本。")

    def add_arguments(self, parser):
        parser.add_argument("directory", nargs="?", help="含 MANIFEST.tsv 和各 .md 文本的目录")

    def handle(self, *args, directory=None, **options):
        source = Path(directory) if directory else DATA_DIR
        if not (source / MANIFEST).is_file():
            raise CommandError(f"目录“{source}”中没有 {MANIFEST}，请检查路径后重新运行。")
        try:
            results = load_seed(data_dir=source)
        except (ValidationError, LawTextError, OSError, KeyError) as error:
            if isinstance(error, ValidationError):
                message = "；".join(error.messages)
            elif isinstance(error, KeyError):
                message = f"{MANIFEST} 缺少列 {error}"
            else:
                message = str(error)
            raise CommandError(f"未载入任何文本：{message}") from error
        created = [r for r in results if r.created]
        for result in created:
            version = result.version
            self.stdout.write(f"已载入《{version.law.short_title}》（{version.version_label}），"
                              f"{result.provision_count}个条款单元。")
        self.stdout.write(self.style.SUCCESS(
            f"法律法规载入完成：新载入{len(created)}部，{len(results) - len(created)}部已在库中未变。"))
