"""A province at scale for the benchmarks: 广东省's real cities and counties, ~1M entities, loaded with COPY.

    .venv/bin/python bench/province.py [--database-url URL] [--entities 1000000] [--seed 2026]

It drops and recreates the database named in the URL (PostgreSQL only), migrates it, loads the region table,
creates the province's bureaus through the core services, adds synthetic townships where the region table
has none, then runs the generator steps in `STEPS`; each takes the psycopg connection, the random generator
and what was created so far (`Province`). Later modules add their own step to `STEPS`. Everything is
printed with its time; the data is the same for the same seed.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/fazhi_bench"
DEFAULT_ENTITIES = 1_000_000
DEFAULT_SEED = 2026
PROVINCE_CODE = "440000"
# The demo county: the county the benchmarks sign in to, with its real townships.
BENCH_COUNTY_CODE = "440783"
BENCH_USERS = {"county": "bench_county_officer", "province": "bench_province_leader", "importer": "bench_importer"}
BENCH_DAY = dt.date(2026, 3, 2)  # "today" for the generated dates, so a seed gives the same data on any day

# Each city's seat (longitude, latitude), telephone area code and local number length: counties sit around it.
CITIES = {
    "440100": ((113.26, 23.13), "020", 8), "440200": ((113.60, 24.81), "0751", 7), "440300": ((114.06, 22.54), "0755", 8),
    "440400": ((113.58, 22.27), "0756", 7), "440500": ((116.68, 23.35), "0754", 7), "440600": ((113.12, 23.02), "0757", 8),
    "440700": ((113.08, 22.58), "0750", 7), "440800": ((110.36, 21.27), "0759", 7), "440900": ((110.93, 21.66), "0668", 7),
    "441200": ((112.47, 23.05), "0758", 7), "441300": ((114.42, 23.11), "0752", 7), "441400": ((116.12, 24.29), "0753", 7),
    "441500": ((115.38, 22.79), "0660", 7), "441600": ((114.70, 23.74), "0762", 7), "441700": ((111.98, 21.86), "0662", 7),
    "441800": ((113.06, 23.68), "0763", 7), "441900": ((113.75, 23.02), "0769", 8), "442000": ((113.39, 22.52), "0760", 7),
    "445100": ((116.62, 23.66), "0768", 7), "445200": ((116.37, 23.55), "0663", 7), "445300": ((112.04, 22.92), "0766", 7),
}
LOCAL_SURNAMES = ("陈", "黄", "梁", "李", "林", "张", "罗", "何", "郑", "谢", "关", "邓", "吴", "叶", "钟", "冯")


def configure(database_url: str) -> None:
    """Point Django at `database_url` and set it up; the benchmarks call this before importing the app."""
    root = Path(__file__).resolve().parent.parent
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fazhi.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
    import django

    django.setup()


def describe_database() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT version(), pg_size_pretty(pg_database_size(current_database()))")
        version, size = cursor.fetchone()
    return f"{connection.settings_dict['NAME']} ({version.split(' on ')[0]}, {size})"


def bench_user(key: str):
    from fazhi.core.models import User

    return User.objects.select_related("organisation__bureau").get(username=BENCH_USERS[key])


@contextmanager
def timed(label: str) -> Iterator[None]:
    start = time.perf_counter()
    yield
    print(f"  {label}: {time.perf_counter() - start:.1f} s", flush=True)


# -- what the steps share ---------------------------------------------------------------------------------
@dataclass
class CountyUnit:
    """A bureau that supervises entities directly: a county's, or a city's that has no counties (东莞, 中山)."""

    bureau_id: int
    region_id: int
    county: object  # fazhi.entities.synthetic.County
    township_ids: dict[str, int] = field(default_factory=dict)
    weight: float = 1.0
    entity_ids: range = range(0)


@dataclass
class Province:
    """What the steps have created so far, for the steps after them."""

    bureau_id: int = 0
    city_bureau_ids: dict[str, int] = field(default_factory=dict)
    units: list[CountyUnit] = field(default_factory=list)
    user_ids: dict[str, int] = field(default_factory=dict)
    entities: int = 0
    options: dict = field(default_factory=dict)


Step = Callable[["object", random.Random, Province], str]


# -- the database -----------------------------------------------------------------------------------------
def recreate_database(database_url: str) -> None:
    import psycopg

    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    if not name.replace("_", "").isalnum():
        raise SystemExit(f"database name must be letters, digits and _: {name!r}")
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0 "
                     "LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'")


def migrate() -> str:
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    from fazhi.core.regions import load_shipped_regions

    return f"区划 {load_shipped_regions().summary}"


# -- steps ------------------------------------------------------------------------------------------------
def create_bureaus(conn, rng: random.Random, province: Province) -> str:
    """The province's, each city's and each county's 卫生健康局, through the core service (audited)."""
    from fazhi.core.choices import OrganisationKind, RegionLevel
    from fazhi.core.models import Region
    from fazhi.core.services import create_organisation, ensure_system_account

    actor = ensure_system_account()
    regions = Region.objects.filter(code__startswith=PROVINCE_CODE[:2]).order_by("code")
    by_level = {level: [r for r in regions if r.level == level] for level in RegionLevel.values}
    top = by_level[RegionLevel.PROVINCE][0]
    province_bureau = create_organisation(actor=actor, name=f"{top.name}卫生健康委员会", short_name=f"{top.name}卫健委",
                                          doc_prefix="粤卫", kind=OrganisationKind.BUREAU, region=top)
    province.bureau_id = province_bureau.pk
    cities = {}
    for city in by_level[RegionLevel.CITY]:
        cities[city.pk] = create_organisation(
            actor=actor, name=f"{city.name}卫生健康局", short_name=f"{city.name}卫健局", doc_prefix=city.name[0] + "卫",
            kind=OrganisationKind.BUREAU, region=city, parent=province_bureau)
        province.city_bureau_ids[city.code] = cities[city.pk].pk
    counties = by_level[RegionLevel.COUNTY]
    parents_of_counties = {c.parent_id for c in counties}
    supervising = counties + [c for c in by_level[RegionLevel.CITY] if c.pk not in parents_of_counties]
    for region in supervising:
        if region.level == RegionLevel.CITY:  # 东莞市, 中山市: the city bureau supervises its towns itself
            bureau, city = cities[region.pk], region
        else:
            city = next(c for c in by_level[RegionLevel.CITY] if c.pk == region.parent_id)
            name = f"{city.name}{region.name}" if region.name.endswith("区") else region.name
            bureau = create_organisation(actor=actor, name=f"{name}卫生健康局", short_name=f"{region.name}卫健局",
                                         doc_prefix=region.name[0] + "卫", kind=OrganisationKind.BUREAU, region=region,
                                         parent=cities[city.pk])
        province.units.append(CountyUnit(bureau.pk, region.pk, _county_context(rng, region, city, bureau)))
    return f"卫生健康局 {1 + len(cities) + len(counties)} 个，直接监管的县级单位 {len(province.units)} 个"


def _county_context(rng: random.Random, region, city, bureau):
    from fazhi.entities.synthetic import County

    (lon, lat), area_code, digits = CITIES[city.code]
    spread = 0.12 if region.name.endswith("区") else 0.6  # districts crowd around the city seat
    centre = (112.698, 22.376) if region.code == BENCH_COUNTY_CODE else (
        lon + rng.uniform(-spread, spread), lat + rng.uniform(-spread, spread) * 0.8)
    return County(code=region.code, name=region.name, city=city.name, province="广东省", bureau=bureau.name,
                  doc_prefix=bureau.doc_prefix, townships=(), centre=centre, area_code=area_code,
                  landline_digits=digits, local_surnames=LOCAL_SURNAMES)


def create_townships(conn, rng: random.Random, province: Province) -> str:
    """Real townships where the region table has them; made-up ones (9-digit codes) elsewhere."""
    from dataclasses import replace

    from fazhi.core.choices import RegionLevel
    from fazhi.core.models import Region
    from fazhi.entities.synthetic import Township

    made = 0
    for unit in province.units:
        existing = list(Region.objects.filter(parent_id=unit.region_id, level=RegionLevel.TOWNSHIP).order_by("code"))
        if not existing:
            existing = Region.objects.bulk_create(_made_up_townships(rng, unit))
            made += len(existing)
        unit.township_ids = {r.code: r.pk for r in existing}
        unit.county = replace(unit.county, townships=tuple(Township(r.code, r.name) for r in existing))
    return f"新建乡镇（街道） {made} 个，共 {sum(len(u.township_ids) for u in province.units)} 个"


def _made_up_townships(rng: random.Random, unit: CountyUnit) -> list:
    """A district is mostly 街道, a county mostly 镇; 街道 are numbered from 001 and 镇 from 100, as in GB/T 10114."""
    from fazhi.core.choices import RegionLevel
    from fazhi.core.models import Region
    from fazhi.entities.synthetic import township_names

    code, district = unit.county.code, unit.county.name.endswith("区")
    if code.endswith("00"):  # a city without counties: 东莞市 and 中山市 have some thirty towns
        count = rng.randint(20, 32)
    else:
        count = rng.randint(6, 14) if district else rng.randint(10, 18)
    names = township_names(rng, count, urban_share=0.85 if district else 0.15)
    urban = [n for n in names if n.endswith("街道")]
    towns = [n for n in names if n not in urban]
    numbered = [*enumerate(urban, start=1), *enumerate(towns, start=100)]
    return [Region(code=f"{code}{n:03d}", name=name, level=RegionLevel.TOWNSHIP, parent_id=unit.region_id)
            for n, name in numbered]


def create_bench_users(conn, rng: random.Random, province: Province) -> str:
    """A county officer, a province leader and a county importer, signed in by the benchmarks with force_login."""
    from fazhi.core.audit import record_create
    from fazhi.core.choices import Role
    from fazhi.core.models import Organisation, RoleAssignment, User
    from fazhi.core.services import ensure_system_account

    actor = ensure_system_account()
    county = Organisation.objects.get(region__code=BENCH_COUNTY_CODE)
    plans = {"county": (county, [Role.OFFICER]), "province": (Organisation.objects.get(pk=province.bureau_id), [Role.LEADER]),
             "importer": (county, [Role.SECTION_HEAD, Role.OFFICER, Role.LICENSING_CLERK])}
    for key, (organisation, roles) in plans.items():
        user = User(username=BENCH_USERS[key], full_name=f"压测{key}", organisation=organisation, must_change_password=False)
        user.set_unusable_password()
        user.save()
        RoleAssignment.objects.bulk_create(RoleAssignment(user=user, role=r) for r in roles)
        record_create(user, actor=actor, detail={"roles": roles, "purpose": "性能测试"})
        province.user_ids[key] = user.pk
    return "、".join(BENCH_USERS.values())


def load_entities(conn, rng: random.Random, province: Province) -> str:
    """~N entities over the counties, with domains, licences and grade histories, by COPY with indexes deferred."""
    from fazhi.entities.synthetic import CountyGenerator

    total = province.options.get("entities", DEFAULT_ENTITIES)
    counts = _spread(rng, province.units, total)
    next_id = _next_id(conn, "entities_entity")
    written = {"entities": 0, "domains": 0, "licences": 0, "grades": 0}
    with deferred_indexes(conn, ["entities_entity", "entities_entity_domains", "entities_licence",
                                 "entities_creditgradechange"]):
        for done, (unit, count) in enumerate(zip(province.units, counts), start=1):
            generated = CountyGenerator(unit.county, random.Random(rng.getrandbits(64)), BENCH_DAY).entities(count)
            unit.entity_ids = range(next_id, next_id + len(generated))
            with conn.transaction():
                for table, n in _copy_county(conn, unit, generated).items():
                    written[table] += n
            next_id += len(generated)
            if done % 20 == 0:
                print(f"    {done}/{len(province.units)} 个县级单位，{written['entities']:,} 个监管对象", flush=True)
    with conn.cursor() as cursor:
        cursor.execute("SELECT setval(pg_get_serial_sequence('entities_entity', 'id'), %s)", (next_id - 1,))
    conn.commit()
    province.entities = written["entities"]
    return "，".join(f"{k} {v:,}" for k, v in written.items())


def _spread(rng: random.Random, units: list[CountyUnit], total: int) -> list[int]:
    """Share `total` among the units: districts and county-less cities are busier, and no two are alike."""
    for unit in units:
        busy = 2.5 if unit.county.code.endswith("00") else 1.4 if unit.county.name.endswith("区") else 1.0
        unit.weight = busy * rng.lognormvariate(0, 0.3)
    scale = total / sum(u.weight for u in units)
    counts = [int(u.weight * scale) for u in units]
    for i in range(total - sum(counts)):
        counts[i % len(counts)] += 1
    return counts


def _next_id(conn, table: str) -> int:
    with conn.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")
        return cursor.fetchone()[0]


@lru_cache(maxsize=None)
def _initials(part: str) -> str:
    from fazhi.entities.naming import name_initials

    return name_initials(part)


ENTITY_COLUMNS = ("id", "organisation_id", "name", "name_initials", "credit_code", "no_credit_code_reason", "legal_form",
                  "kind", "sub_kind", "legal_representative", "contact_person", "contact_phone", "address", "township_id",
                  "longitude", "latitude", "status", "is_key_supervision", "key_supervision_reason", "credit_grade",
                  "note", "domain_codes", "created_at", "updated_at")
LICENCE_COLUMNS = ("entity_id", "organisation_id", "kind", "number", "issued_on", "valid_to", "issuer", "created_at",
                   "updated_at")
GRADE_COLUMNS = ("entity_id", "organisation_id", "from_grade", "to_grade", "basis", "reason", "effective_on",
                 "changed_by_id", "changed_at")


def _copy_county(conn, unit: CountyUnit, generated) -> dict[str, int]:
    from fazhi.entities.choices import CreditGradeBasis
    from fazhi.entities.models import domain_codes_value

    org = unit.bureau_id
    entities, domains, licences, grades = [], [], [], []
    for entity_id, g in zip(unit.entity_ids, generated):
        registered = dt.datetime.combine(g.registered_on, dt.time(9, 0), dt.timezone.utc)
        updated = max([registered] + [dt.datetime.combine(c.effective_on, dt.time(10, 0), dt.timezone.utc)
                                      for c in g.grade_changes])
        entities.append((
            entity_id, org, g.name, "".join(_initials(p) for p in g.name_parts), g.credit_code, g.no_credit_code_reason,
            g.legal_form, g.kind, g.sub_kind, g.legal_representative, g.contact_person, g.contact_phone, g.address,
            unit.township_ids[g.township_code], g.longitude, g.latitude, g.status, g.is_key_supervision,
            g.key_supervision_reason, g.credit_grade, "", domain_codes_value(g.domains), registered, updated,
        ))
        domains += [(entity_id, code) for code in g.domains]
        licences += [(entity_id, org, lic.kind, lic.number, lic.issued_on, lic.valid_to, lic.issuer, registered, registered)
                     for lic in g.licences]
        grades.append((entity_id, org, "", "B", CreditGradeBasis.INITIAL.value, "新登记监管对象", g.registered_on, None,
                       registered))
        grades += [(entity_id, org, c.from_grade, c.to_grade, c.basis, c.reason, c.effective_on, None, updated)
                   for c in g.grade_changes]
    copy_rows(conn, "entities_entity", ENTITY_COLUMNS, entities)
    copy_rows(conn, "entities_entity_domains", ("entity_id", "domain_id"), domains)
    copy_rows(conn, "entities_licence", LICENCE_COLUMNS, licences)
    copy_rows(conn, "entities_creditgradechange", GRADE_COLUMNS, grades)
    return {"entities": len(entities), "domains": len(domains), "licences": len(licences), "grades": len(grades)}


def copy_rows(conn, table: str, columns: tuple[str, ...], rows) -> None:
    """COPY rows (tuples in `columns` order) into `table`: the one fast path for every step's bulk data."""
    with conn.cursor() as cursor, cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


@contextmanager
def deferred_indexes(conn, tables: list[str]) -> Iterator[None]:
    """Drop the tables' secondary indexes for the load and build them once at the end: far faster than
    maintaining a trigram index row by row. Primary keys and constraints stay, so bad data still fails."""
    with conn.cursor() as cursor:
        cursor.execute(
            """SELECT i.indexname, i.indexdef FROM pg_indexes i
               WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s)
               AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = (quote_ident(i.indexname))::regclass)""",
            (tables,),
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    conn.commit()
    try:
        yield
    finally:
        start = time.perf_counter()
        with conn.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '512MB'")
            for _name, definition in indexes:
                cursor.execute(definition)
        conn.commit()
        print(f"    重建索引 {len(indexes)} 个：{time.perf_counter() - start:.1f} s", flush=True)



# -- inspections ------------------------------------------------------------------------------------------
BENCH_OFFICERS_PER_UNIT = 6
VISIT_SHARE = 0.4  # of the entities, visited 1–4 times over two years: about 1M visits for 1M entities
VISIT_REASONS = (("random_draw", 30), ("routine", 30), ("key_supervision", 10), ("complaint", 8), ("campaign", 8),
                 ("hotline", 5), ("recheck", 5), ("licence_verification", 3), ("referral", 1))
INSPECTION_COLUMNS = ("id", "organisation_id", "entity_id", "reason", "window_start", "window_end", "status", "code",
                      "code_issued_at", "code_expires_at", "over_cap", "cap_approval_reason", "cancel_reason",
                      "closed_at", "created_at", "updated_at")


def _visit_code(visit_id: int) -> str:
    """A code unique per visit, in the codes' alphabet and length (real codes are random; these cannot collide)."""
    from fazhi.inspections.codes import CODE_ALPHABET
    from fazhi.inspections.rules import INSPECTION_RULES

    digits, n = [], visit_id
    for _ in range(INSPECTION_RULES.code_length):
        n, d = divmod(n, len(CODE_ALPHABET))
        digits.append(CODE_ALPHABET[d])
    return "".join(reversed(digits))


def _bench_officers(rng: random.Random, province: Province) -> dict[int, list[tuple[int, int]]]:
    """Officers with a certificate for every domain, per county bureau: {bureau: [(user id, certificate id)]}."""
    from fazhi.core.audit import PendingEvent, record_events, snapshot
    from fazhi.core.choices import AuditAction, Role
    from fazhi.core.models import Domain, EnforcementCertificate, RoleAssignment, User
    from fazhi.core.services import ensure_system_account

    users = []
    for unit in province.units:
        for n in range(BENCH_OFFICERS_PER_UNIT):
            user = User(username=f"bench_officer_{unit.county.code}_{n + 1}", organisation_id=unit.bureau_id,
                        full_name=rng.choice(LOCAL_SURNAMES) + rng.choice("志伟建国丽芳海燕文华明杰晓红"), must_change_password=False)
            user.set_unusable_password()
            users.append(user)
    User.objects.bulk_create(users, batch_size=2000)
    RoleAssignment.objects.bulk_create([RoleAssignment(user=u, role=Role.OFFICER) for u in users], batch_size=2000)
    certificates = [EnforcementCertificate(holder=u, number=f"44{u.pk:08d}", issuer="广东省人民政府",
                                           valid_from=dt.date(2023, 1, 1), valid_to=dt.date(2029, 12, 31)) for u in users]
    EnforcementCertificate.objects.bulk_create(certificates, batch_size=2000)
    domains = list(Domain.objects.values_list("pk", flat=True))
    EnforcementCertificate.domains.through.objects.bulk_create(
        [EnforcementCertificate.domains.through(enforcementcertificate_id=c.pk, domain_id=d)
         for c in certificates for d in domains], batch_size=5000)
    record_events([PendingEvent(AuditAction.CREATE, u, after=snapshot(u), detail={"purpose": "性能测试"}) for u in users]
                  + [PendingEvent(AuditAction.CREATE, c, after=snapshot(c)) for c in certificates],
                  actor=ensure_system_account())
    staff = defaultdict(list)
    for user, certificate in zip(users, certificates):
        staff[user.organisation_id].append((user.pk, certificate.pk))
    return staff


def load_inspections(conn, rng: random.Random, province: Province) -> str:
    """Visits of the last two years (and the next months) for a share of the entities, each with a team of two."""
    staff = _bench_officers(rng, province)
    reasons, weights = zip(*VISIT_REASONS)
    next_id = _next_id(conn, "inspections_inspection")
    written = {"visits": 0, "team": 0}
    with deferred_indexes(conn, ["inspections_inspection", "inspections_inspectionofficer"]):
        for unit in province.units:
            visits, team = [], []
            officers = staff[unit.bureau_id]
            for entity_id in unit.entity_ids:
                if rng.random() >= VISIT_SHARE:
                    continue
                for _ in range(rng.choice((1, 2, 2, 3, 3, 4))):
                    start = BENCH_DAY + dt.timedelta(days=rng.randint(-730, 90))
                    end = start + dt.timedelta(days=rng.choice((0, 6, 14, 29)))
                    status = _visit_status(rng, start, end)
                    at = dt.datetime.combine(start - dt.timedelta(days=7), dt.time(9), dt.timezone.utc)
                    coded = status in ("registered", "recorded", "closed")
                    issued = dt.datetime.combine(start, dt.time(9, 30), dt.timezone.utc) if coded else None
                    visits.append((
                        next_id, unit.bureau_id, entity_id, rng.choices(reasons, weights)[0], start, end, status,
                        _visit_code(next_id) if coded else None, issued,
                        dt.datetime.combine(end + dt.timedelta(days=1), dt.time(23, 59), dt.timezone.utc) if coded else None,
                        False, "", "因企业停业取消" if status == "cancelled" else "",
                        dt.datetime.combine(end, dt.time(17), dt.timezone.utc) if status == "closed" else None, at, at,
                    ))
                    for n, (officer, certificate) in enumerate(rng.sample(officers, 2)):
                        team.append((next_id, officer, certificate, n == 0))
                    next_id += 1
            with conn.transaction():
                copy_rows(conn, "inspections_inspection", INSPECTION_COLUMNS, visits)
                copy_rows(conn, "inspections_inspectionofficer", ("inspection_id", "officer_id", "certificate_id", "is_lead"),
                          team)
            written["visits"] += len(visits)
            written["team"] += len(team)
    with conn.cursor() as cursor:
        cursor.execute("SELECT setval(pg_get_serial_sequence('inspections_inspection', 'id'), %s)", (next_id - 1,))
    conn.commit()
    return (f"执法人员 {sum(len(v) for v in staff.values()):,}（各有执法证），监督检查 {written['visits']:,}，"
            f"检查人员 {written['team']:,}")


def _visit_status(rng: random.Random, start: dt.date, end: dt.date) -> str:
    if start > BENCH_DAY:
        return "planned"
    if rng.random() < 0.04:
        return "cancelled"
    if end < BENCH_DAY - dt.timedelta(days=30):
        return "closed"
    return rng.choice(("planned", "registered", "recorded", "closed"))


def analyse(conn, rng: random.Random, province: Province) -> str:
    """VACUUM ANALYZE, as autovacuum would have done by the time a real province had this much data."""
    conn.execute("VACUUM (ANALYZE)")  # Django keeps the connection in autocommit, which VACUUM needs
    return "VACUUM ANALYZE 完成"


STEPS: list[tuple[str, Step]] = [
    ("机构", create_bureaus),
    ("乡镇（街道）", create_townships),
    ("压测账号", create_bench_users),
    ("监管对象", load_entities),
    ("监督检查", load_inspections),
    # Later modules add their record generators here, before the final ANALYZE.
    ("统计信息", analyse),
]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--entities", type=int, default=DEFAULT_ENTITIES)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("the province generator loads PostgreSQL with COPY: give a postgres:// URL")
    started = time.perf_counter()
    print(f"生成省级数据：{args.entities:,} 个监管对象，种子 {args.seed}，数据库 {args.database_url}", flush=True)
    with timed("建库、迁移、区划"):
        recreate_database(args.database_url)
        configure(args.database_url)
        print(f"    {migrate()}")
    from django.db import connection

    rng = random.Random(args.seed)
    province = Province(options={"entities": args.entities})
    connection.ensure_connection()
    conn = connection.connection  # the psycopg 3 connection under Django's, for COPY
    for label, step in STEPS:
        with timed(label):
            print(f"    {step(conn, rng, province)}", flush=True)
    print(f"完成：{time.perf_counter() - started:.0f} s；数据库 {describe_database()}")


if __name__ == "__main__":
    main()
