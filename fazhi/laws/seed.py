"""The texts shipped with Fazhi (data/*.md, listed in data/MANIFEST.tsv) and what must be said about them.

Read without the database, so the seed migration and `load_laws` take the same entries. The caveats are
shown with each version wherever it appears: the shipped texts are as of April 2025 and some are known to
be out of date.
"""
from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from .choices import LawLevel, VersionStatus
from .parser import version_dates

DATA_DIR = Path(__file__).resolve().parent / "data"
MANIFEST = "MANIFEST.tsv"

# MANIFEST's level column → 效力层级.
LEVELS = {label: value for value, label in LawLevel.choices}

GENERAL_CAVEAT = ("随系统提供的文本，截至2025年4月，取自公开的法律文本汇编，未与国家法律法规数据库逐条核对；"
                  "作为处罚依据引用前，请核对官方文本。")

# What is known about a shipped text beyond its own header, by file. `effective_to` and `status` mark a
# version already replaced by a text that is not shipped.
SEED_AMENDMENTS: dict[str, dict] = {
    "传染病防治法.md": {
        "effective_to": dt.date(2025, 9, 1),
        "status": VersionStatus.SUPERSEDED,
        "caveat": ("本库所载为2013年修正文本。2025年4月30日修订的《中华人民共和国传染病防治法》（主席令第47号）"
                   "自2025年9月1日起施行，条文序号与罚则均已变化，部分处罚权改由疾病预防控制部门行使；"
                   "新文本尚未载入本库，2025年9月1日以后结束的违法行为须先导入新文本。"),
    },
    "医疗机构管理条例.md": {
        "caveat": ("本库所载可能为1994年原文，缺少2022年修订：据公开信息，国务院2022年3月29日修订（国务院令第752号），"
                   "自2022年5月1日起施行，条文重新编号，诊所可改为备案。引用前请核对官方文本，并导入修订文本。"),
    },
}


@dataclass(frozen=True)
class SeedEntry:
    file: str
    title: str
    short_title: str
    level: str
    issuer: str
    version_label: str
    promulgated_on: dt.date | None
    effective_from: dt.date
    effective_to: dt.date | None
    status: str
    caveats: str
    source: str

    def read_text(self, data_dir: Path = DATA_DIR) -> str:
        return (data_dir / self.file).read_text(encoding="utf-8")


def seed_entries(data_dir: Path = DATA_DIR) -> list[SeedEntry]:
    """One entry per MANIFEST row, with dates parsed from its version column and caveats gathered."""
    entries = []
    with (data_dir / MANIFEST).open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            label = row["latest_amendment_or_effective_date"].strip()
            promulgated, effective = version_dates(label)
            amendment = SEED_AMENDMENTS.get(row["file"], {})
            caveats = [text for text in (row.get("notes", "").strip(), amendment.get("caveat", ""), GENERAL_CAVEAT)
                       if text]
            commit = row.get("commit", "").strip()
            entries.append(SeedEntry(
                file=row["file"],
                title=row["title"].strip(),
                short_title=Path(row["file"]).stem,
                level=LEVELS[row["level"].strip()],
                issuer=row["promulgating_body"].strip(),
                version_label=label,
                promulgated_on=promulgated,
                effective_from=effective,
                effective_to=amendment.get("effective_to"),
                status=amendment.get("status", VersionStatus.IN_FORCE),
                caveats="\n".join(caveats),
                source=f"{row['source_path'].strip()}（{commit[:12]}）" if commit else row["source_path"].strip(),
            ))
    return entries
