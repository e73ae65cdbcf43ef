"""Seed the supervision domains and common document kinds; on PostgreSQL, make the audit table append-only."""
from django.db import migrations

DOMAINS = [
    ("medical_service", "医疗服务"),
    ("infectious_disease", "传染病防治"),
    ("public_place", "公共场所"),
    ("drinking_water", "生活饮用水"),
    ("school", "学校卫生"),
    ("occupational", "职业卫生"),
    ("radiation", "放射卫生"),
    ("maternal_family", "母婴保健与计划生育"),
    ("disinfection", "消毒产品"),
]

# Abbreviations follow common local practice; each bureau may edit them.
DOCUMENT_KINDS = [
    ("case_filing", "立案报告", "立"),
    ("onsite_record", "现场笔录", "现"),
    ("supervision_opinion", "卫生监督意见书", "监意"),
    ("evidence_preservation", "证据先行登记保存决定书", "保"),
    ("prior_notice", "行政处罚事先告知书", "罚告"),
    ("hearing_notice", "听证告知书", "听告"),
    ("penalty_decision", "行政处罚决定书", "罚"),
    ("simple_penalty", "当场行政处罚决定书", "简罚"),
    ("payment_reminder", "催告书", "催"),
]

APPEND_ONLY_SQL = """
CREATE OR REPLACE FUNCTION core_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '审计事件只能追加，不能修改或删除（core_auditevent %）', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS core_auditevent_no_update_delete ON core_auditevent;
CREATE TRIGGER core_auditevent_no_update_delete
    BEFORE UPDATE OR DELETE ON core_auditevent
    FOR EACH ROW EXECUTE FUNCTION core_auditevent_append_only();
"""

DROP_SQL = """
DROP TRIGGER IF EXISTS core_auditevent_no_update_delete ON core_auditevent;
DROP FUNCTION IF EXISTS core_auditevent_append_only();
"""


def seed(apps, schema_editor):
    Domain = apps.get_model("core", "Domain")
    DocumentKind = apps.get_model("core", "DocumentKind")
    for order, (code, name) in enumerate(DOMAINS):
        Domain.objects.update_or_create(code=code, defaults={"name": name, "sort_order": order})
    for code, name, abbreviation in DOCUMENT_KINDS:
        DocumentKind.objects.get_or_create(code=code, defaults={"name": name, "abbreviation": abbreviation})


def add_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(APPEND_ONLY_SQL)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(DROP_SQL)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
        migrations.RunPython(add_trigger, drop_trigger),
    ]
