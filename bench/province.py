"""A province at scale for the benchmarks: 广东省's real cities and counties, ~1M entities, loaded with COPY.

    .venv/bin/python bench/province.py [--database-url URL] [--entities 1000000] [--cases 500000] [--seed 2026]
    .venv/bin/python bench/province.py --only cases [--cases 500000]    # again on an existing province

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
from decimal import Decimal
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
INSPECTION_COLUMNS = ("id", "organisation_id", "entity_id", "entity_name", "entity_name_initials", "entity_credit_code",
                      "reason", "window_start", "window_end", "status", "code", "code_issued_at", "code_expires_at",
                      "over_cap", "cap_approval_reason", "cancel_reason", "closed_at", "created_at", "updated_at")


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


def _entity_names(conn, ids: range) -> dict[int, tuple[str, str, str]]:
    """Name, initials and credit code of a county's entities: each visit keeps a copy (`Inspection.entity_name`)."""
    with conn.cursor() as cursor:
        cursor.execute("SELECT id, name, name_initials, credit_code FROM entities_entity WHERE id >= %s AND id < %s",
                       (ids.start, ids.stop))
        return {entity_id: tuple(names) for entity_id, *names in cursor}


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
            names = _entity_names(conn, unit.entity_ids)
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
                        next_id, unit.bureau_id, entity_id, *names[entity_id], rng.choices(reasons, weights)[0],
                        start, end, status, _visit_code(next_id) if coded else None, issued,
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


# -- penalty cases ----------------------------------------------------------------------------------------
DEFAULT_CASES = 500_000
CASE_DAYS = 3 * 365  # cases received over the three years before the reference day
CASE_TABLES = ["cases_case", "cases_caseofficer", "cases_caseextension", "cases_evidence", "cases_interview",
               "cases_interview_officers", "cases_investigationreport", "cases_legalreview", "cases_deliberation",
               "cases_deliberation_attendees", "cases_priornotice", "cases_hearing", "cases_service", "cases_payment",
               "cases_reminder", "cases_enforcementapplication"]
# Shares of the general procedure's endings; the rest end in a penalty (about 88%).
GENERAL_ENDINGS = (("not_filed", 0.02), ("transfer", 0.01), ("withdraw", 0.01), ("no_penalty", 0.06))
SIMPLE_SHARE = 0.12  # of all cases: decided on the spot
DELIBERATED_SHARE = 0.10  # of penalty cases: complex or heavy, decided by the leaders collectively
HEARING_SHARE = 0.30  # of the deliberated cases against an organisation: a large fine, a hearing
WARNING_ONLY_SHARE = 0.12  # of penalty cases: a warning, nothing to pay
UNPAID_SHARE = 0.06  # of served fines: reminded, then taken to court once the window opens
CASE_SOURCES = (("inspection", 55), ("complaint", 25), ("referral", 8), ("transfer", 4), ("direct", 8))
ASPECTS = ("subject", "facts", "evidence", "law", "procedure", "discretion", "documents")
NUMBERED_KINDS = ("case_filing", "penalty_decision", "no_penalty_decision", "simple_penalty", "prior_notice",
                  "hearing_notice", "payment_reminder")
MEDICAL_DOMAINS = ("medical_service", "infectious_disease", "maternal_family")


class Rows:
    """Rows of one model for COPY, in its concrete columns' order, defaults filled in as the model would."""

    def __init__(self, model, *, with_id: bool = False):
        from django.db.models import JSONField
        from psycopg.types.json import Jsonb

        # A generated column is the database's to fill: COPY refuses it.
        fields = [f for f in model._meta.concrete_fields
                  if (with_id or not f.primary_key) and not getattr(f, "generated", False)]
        self.table = model._meta.db_table
        self.columns = tuple(f.column for f in fields)
        self.names = [f.attname for f in fields]
        self.json = {f.attname for f in fields if isinstance(f, JSONField)}
        self.defaults = {f.attname: f.get_default() if f.has_default()
                         else "" if f.empty_strings_allowed and not f.null else None for f in fields}
        self.rows: list[dict] = []
        self.wrap = Jsonb

    def add(self, **values) -> dict:
        unknown = set(values) - set(self.names)
        if unknown:
            raise ValueError(f"{self.table}: unknown columns {sorted(unknown)}")
        self.rows.append(values)
        return values

    def copy(self, conn) -> int:
        def tuples():
            for values in self.rows:
                row = []
                for name in self.names:
                    value = values.get(name, self.defaults[name])
                    row.append(self.wrap(value) if name in self.json else value)
                yield row

        copy_rows(conn, self.table, self.columns, tuples())
        written, self.rows = len(self.rows), []
        return written


@dataclass
class CaseBureau:
    """A county bureau as the cases step sees it, read from the database (so the step can run on its own)."""

    bureau_id: int
    code: str
    name: str
    region_name: str
    city_name: str
    prefix: str
    officers: list[tuple[int, int]]  # (user id, certificate id)
    head: int = 0
    legal: int = 0
    leader: int = 0

    @property
    def court(self) -> str:
        return f"{self.name.removesuffix('卫生健康局')}人民法院"

    @property
    def police(self) -> str:
        if self.region_name.endswith("区"):
            return f"{self.city_name}公安局{self.region_name.removesuffix('区')}分局"
        return f"{self.region_name}公安局"


@dataclass(frozen=True)
class CaseOption:
    """A violation with a band to propose a fine in, or a warning only (no band with amounts)."""

    violation: tuple  # id, domain, name, provision_broken_id, penalty_provision_id, broken_cited, penalty_cited
    kinds: str
    level: str = ""
    low: int = 0
    high: int = 0


def _case_options() -> dict[str, dict[str, list[CaseOption]]]:
    """{domain: {"ordinary" | "large" | "simple" | "person": [options]}} from the seeded discretion table."""
    from fazhi.cases.models import Violation

    found: dict[str, dict[str, list[CaseOption]]] = defaultdict(lambda: defaultdict(list))
    for v in Violation.objects.filter(is_active=True).prefetch_related("bands").order_by("code"):
        kinds = v.penalty_kinds.split()
        head = (v.pk, v.domain_id, v.name, v.provision_broken_id, v.penalty_provision_id, v.provision_broken_cited,
                v.penalty_provision_cited)
        bands = {b.level: b for b in v.bands.all() if b.fine_max is not None}
        with_fine = " ".join(k for k in ("warning", "fine") if k in kinds)
        if "fine" in kinds and bands:
            for level in ("minor", "general", "serious"):
                band = bands.get(level)
                if band is None:
                    continue
                low, high = int(band.fine_min or v.fine_min or 0), int(band.fine_max)
                if low < 49_500:
                    found[v.domain_id]["ordinary"].append(CaseOption(head, with_fine, level, low, min(high, 49_500)))
                if low < 4_500:
                    found[v.domain_id]["person"].append(CaseOption(head, with_fine, level, low, min(high, 4_500)))
                if low <= 3_000:
                    found[v.domain_id]["simple"].append(CaseOption(head, with_fine, level, low, min(high, 3_000)))
                if 50_000 <= low <= 60_000 and level == "minor":
                    found[v.domain_id]["large"].append(CaseOption(head, with_fine, level, low, min(high, 60_000)))
        elif "warning" in kinds:
            for weight in ("ordinary", "person", "simple"):
                found[v.domain_id][weight].append(CaseOption(head, "warning"))
    return found


def _round_fine(rng: random.Random, option: CaseOption) -> Decimal | None:
    if not option.high:
        return None
    step = 50 if option.high <= 1000 else 500 if option.high <= 20_000 else 1000
    low = max(option.low, step)
    steps = range(-(-low // step), option.high // step + 1)
    return Decimal(rng.choice(steps) * step) if steps else None


def _case_bureaus(province: Province) -> list[CaseBureau]:
    """The bureaus with entities, their benchmark officers (from the 监督检查 step) and their reviewers."""
    from fazhi.core.models import EnforcementCertificate, Organisation

    with_entities = (Organisation.objects.filter(pk__in=_entity_bureau_ids()).select_related("region__parent")
                     .order_by("region__code"))
    officers = defaultdict(list)
    for user_id, organisation_id, certificate_id in (
            EnforcementCertificate.objects.filter(holder__username__startswith="bench_officer_")
            .order_by("holder__username", "id").values_list("holder_id", "holder__organisation_id", "id")):
        officers[organisation_id].append((user_id, certificate_id))
    bureaus = []
    for org in with_entities:
        if len(officers[org.pk]) < 2:
            raise SystemExit(f"{org.name}没有压测执法人员：先运行完整的 province.py（监督检查一步会创建他们）")
        region = org.region
        city = region.parent.name if region.parent_id and region.level != 2 else region.name
        bureaus.append(CaseBureau(org.pk, region.code, org.name, region.name, city, org.doc_prefix, officers[org.pk]))
    _case_reviewers(bureaus)
    return bureaus


def _entity_bureau_ids() -> list[int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT organisation_id FROM entities_entity")
        return [row[0] for row in cursor.fetchall()]


def _case_reviewers(bureaus: list[CaseBureau]) -> None:
    """A section head, a legal reviewer (qualified) and a leader per bureau, made once and audited."""
    from fazhi.core.audit import PendingEvent, record_events, snapshot
    from fazhi.core.choices import AuditAction, Role
    from fazhi.core.models import RoleAssignment, User
    from fazhi.core.services import ensure_system_account

    plans = (("head", Role.SECTION_HEAD, "科长"), ("legal", Role.LEGAL_REVIEWER, "法制"), ("leader", Role.LEADER, "局长"))
    existing = {u.username: u.pk for u in User.objects.filter(username__startswith="bench_").only("username")}
    made = []
    for bureau in bureaus:
        for key, role, title in plans:
            username = f"bench_{key}_{bureau.code}"
            if username not in existing:
                user = User(username=username, organisation_id=bureau.bureau_id,
                            full_name=f"{bureau.region_name}{title}", must_change_password=False,
                            has_legal_qualification=role == Role.LEGAL_REVIEWER)
                user.set_unusable_password()
                made.append((user, role))
    User.objects.bulk_create([u for u, _ in made], batch_size=2000)
    RoleAssignment.objects.bulk_create([RoleAssignment(user=u, role=r) for u, r in made], batch_size=2000)
    if made:
        record_events([PendingEvent(AuditAction.CREATE, u, after=snapshot(u), detail={"purpose": "性能测试"})
                       for u, _ in made], actor=ensure_system_account())
    existing.update({u.username: u.pk for u, _ in made})
    for bureau in bureaus:
        for key, _, _ in plans:
            setattr(bureau, key, existing[f"bench_{key}_{bureau.code}"])


@lru_cache(maxsize=None)
def _clock(name: str, day: dt.date, *args) -> dt.date:
    """clocks.py's answers, once per distinct day: each reads the holiday table."""
    from fazhi.cases import clocks

    return getattr(clocks, name)(day, *args)


def _id_card(rng: random.Random, region_code: str) -> str:
    """A well-formed identity card number: an individual business answers as its owner."""
    from fazhi.core.validators import id_card_check_character

    born = dt.date(1965, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 30))
    body = f"{region_code}{born:%Y%m%d}{rng.randrange(0, 1000):03d}"
    return body + id_card_check_character(body)


def _aware(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), dt.timezone(dt.timedelta(hours=8)))


class CaseTables:
    """The rows of one bureau's cases, with the numbers to issue once all its cases are known."""

    def __init__(self):
        from fazhi.cases import models as m

        self.case = Rows(m.Case, with_id=True)
        self.team = Rows(m.CaseOfficer)
        self.extension = Rows(m.CaseExtension)
        self.evidence = Rows(m.Evidence)
        self.interview = Rows(m.Interview, with_id=True)
        self.interview_officers = Rows(m.Interview.officers.through)
        self.report = Rows(m.InvestigationReport)
        self.review = Rows(m.LegalReview)
        self.deliberation = Rows(m.Deliberation, with_id=True)
        self.attendees = Rows(m.Deliberation.attendees.through)
        self.notice = Rows(m.PriorNotice)
        self.hearing = Rows(m.Hearing)
        self.service = Rows(m.Service)
        self.payment = Rows(m.Payment)
        self.reminder = Rows(m.Reminder)
        self.enforcement = Rows(m.EnforcementApplication)
        self.numbers: list[tuple] = []  # (day, order, kind, [(row, field)]) to number by day

    def all(self) -> list[Rows]:
        return [self.case, self.team, self.extension, self.evidence, self.interview, self.interview_officers,
                self.report, self.review, self.deliberation, self.attendees, self.notice, self.hearing, self.service,
                self.payment, self.reminder, self.enforcement]

    def number(self, day: dt.date, kind: str, *targets) -> list:
        """Give the rows' fields the number of `kind` issued on `day`, once the bureau's numbers are issued."""
        found = list(targets)
        self.numbers.append((day, len(self.numbers), kind, found))
        return found


class CaseMaker:
    """Plays one case's course up to the reference day, writing the rows each step would have written."""

    def __init__(self, rng: random.Random, bureau: CaseBureau, tables: CaseTables, ids: dict[str, int]):
        self.rng, self.bureau, self.t, self.ids = rng, bureau, tables, ids

    def next_id(self, table: str) -> int:
        self.ids[table] += 1
        return self.ids[table]

    def make(self, entity: tuple, option: CaseOption, received: dt.date, *, simple: bool, weight: str) -> None:
        rng, b = self.rng, self.bureau
        entity_id, name, credit_code, legal_form, representative, address, phone = entity[:7]
        person = legal_form == "individual"
        self.lead, self.second = rng.sample(b.officers, 2)
        self.fine = _round_fine(rng, option)
        violation_id, domain, cause, broken_id, penalty_id, broken_cited, penalty_cited = option.violation
        at = _aware(received, 10)
        self.c = self.t.case.add(
            id=self.next_id("cases_case"), organisation_id=b.bureau_id, procedure="simple" if simple else "general",
            status="registered", cause=cause, source=rng.choices(*zip(*CASE_SOURCES))[0], received_on=received,
            source_detail="", entity_id=entity_id, party_kind="person" if person else "organisation", party_name=name,
            party_credit_code=credit_code or "", party_representative=(representative or "")[:50],
            party_id_number=_id_card(rng, b.code) if person else "",
            party_address=address or "", party_phone=phone or "", domain_id=domain, violation_id=violation_id,
            provision_broken_id=broken_id, penalty_provision_id=penalty_id, provision_broken_cited=broken_cited,
            penalty_provision_cited=penalty_cited, act_ended_on=received - dt.timedelta(days=rng.randint(0, 20)),
            is_complex=weight == "complex",
            facts=(f"{received:%Y年%m月%d日}，执法人员对{name}进行调查，发现当事人存在{cause}的行为。"
                   "上述事实有现场检查执法记录仪视频、询问笔录等证据证实。"),
            created_by_id=self.lead[0], created_at=at, updated_at=at)
        for n, (officer, certificate) in enumerate((self.lead, self.second)):
            self.t.team.add(case_id=self.c["id"], officer_id=officer, certificate_id=certificate, is_lead=n == 0)
        self.option, self.weight = option, weight
        if simple:
            self.simple(received)
        else:
            self.general(received)
        self.c["updated_at"] = _aware(self.last, 16)

    def reached(self, day: dt.date) -> bool:
        if day > BENCH_DAY:
            return False
        self.last = day
        return True

    # -- the simple procedure ----------------------------------------------------------------------------------
    def simple(self, day: dt.date) -> None:
        c, rng = self.c, self.rng
        self.last = day
        c.update(status="on_spot", penalty_kinds=self.option.kinds, fine_amount=self.fine, decided_on=day,
                 served_on=day, act_ended_on=day, on_spot_place=c["party_address"],
                 payment_due_on=_clock("payment_due", day) if self.fine else None)
        self.t.number(day, "simple_penalty", (c, "decision_number"))
        recorded = day + dt.timedelta(days=rng.randint(0, 5))
        if not self.reached(recorded):
            return
        c["status"] = "recorded"
        paid = max(recorded, day + dt.timedelta(days=rng.randint(1, 14)))
        if self.fine:
            if not self.reached(paid):
                return
            self.pay(paid)
        closed = paid + dt.timedelta(days=rng.randint(3, 12))
        if self.reached(closed):
            c.update(status="closed", closed_on=closed)
            archived = closed + dt.timedelta(days=rng.randint(10, 40))
            if self.reached(archived):
                c.update(status="archived", archived_on=archived)

    # -- the general procedure ----------------------------------------------------------------------------------
    def general(self, received: dt.date) -> None:
        c, rng, b = self.c, self.rng, self.bureau
        self.last = received
        ending = "penalty"
        draw = rng.random()
        for name, share in GENERAL_ENDINGS:
            if draw < share:
                ending = name
                break
            draw -= share
        filed = received + dt.timedelta(days=rng.randint(0, 5))
        if not self.reached(filed):
            return
        if ending == "not_filed":
            c.update(status="not_filed", closed_on=filed, act_ended_on=received - dt.timedelta(days=800),
                     outcome_reason="违法行为自终了之日起至发现时已超过二年，不再给予行政处罚（行政处罚法第三十六条），不予立案。")
            return
        deadline = _clock("decision_deadline", filed)
        c.update(status="investigating", filed_on=filed, deadline_on=deadline)
        self.t.number(filed, "case_filing", (c, "filing_number"))
        inquiry = filed + dt.timedelta(days=rng.randint(1, 5))
        if not self.reached(inquiry):
            return
        self.investigate(filed, inquiry, ending)
        if ending in ("transfer", "withdraw"):
            day = inquiry + dt.timedelta(days=rng.randint(5, 30))
            if self.reached(day):
                if ending == "transfer":
                    c.update(status="transferred", transferred_to=b.police,
                             outcome_reason="经调查，当事人涉嫌犯罪，依法移送公安机关（行政处罚法第二十七条）。")
                else:
                    c.update(status="withdrawn", closed_on=day, outcome_reason="经调查，违法事实不能成立，撤销立案。")
            return
        concluded = inquiry + dt.timedelta(days=rng.randint(10, 45))
        if not self.reached(concluded):
            return
        self.t.report.add(case_id=c["id"], concluded_on=concluded, evidence_summary="现场检查执法记录仪视频；询问笔录。",
                          analysis=f"当事人的行为违反了{c['provision_broken_cited']}的规定。",
                          proposal="不予行政处罚。" if ending == "no_penalty" else "给予行政处罚。",
                          written_by_id=self.lead[0])
        c["status"] = "in_review"
        day = concluded
        for stage, reviewer in (("section", b.head), ("legal", b.legal)):
            day += dt.timedelta(days=rng.randint(1, 4))
            if not self.reached(day):
                return
            self.review(stage, reviewer, day)
        if ending == "no_penalty":
            day += dt.timedelta(days=rng.randint(1, 4))
            if self.reached(day):
                c.update(status="no_penalty", decided_on=day, penalty_kinds="", fine_amount=None, band_level="",
                         outcome_reason="初次违法且危害后果轻微并及时改正，依照行政处罚法第三十三条第一款不予行政处罚。",
                         education_record="执法人员当场讲解相关法律法规，当事人签字确认。")
                self.t.number(day, "no_penalty_decision", (c, "decision_number"))
                self.close_and_archive(day)
            return
        if self.weight in ("complex", "large"):
            day += dt.timedelta(days=rng.randint(2, 6))
            if not self.reached(day):
                return
            self.deliberate(day)
        self.penalty(day, deadline)

    def investigate(self, filed: dt.date, inquiry: dt.date, ending: str) -> None:
        c, rng = self.c, self.rng
        self.t.evidence.add(case_id=c["id"], kind="audiovisual", title="现场检查执法记录仪视频", collected_on=filed,
                            bodycam_device=f"DSJ-{self.lead[0]:05d}", bodycam_file_id=f"{filed:%Y%m%d}-{c['id']:07d}",
                            bodycam_seconds=rng.randint(600, 2400), added_by_id=self.lead[0],
                            added_at=_aware(filed, 11))
        interview_id = self.next_id("cases_interview")
        start = _aware(inquiry, rng.choice((9, 10, 14, 15)))
        self.t.interview.add(id=interview_id, case_id=c["id"], interviewee=c["party_representative"] or "当事人",
                             interviewee_role="法定代表人（负责人）", place=c["party_address"] or "当事人经营场所",
                             started_at=start, ended_at=start + dt.timedelta(minutes=50), recorder_id=self.lead[0],
                             transcript="问：请说明有关情况。\n答：情况属实，愿意配合调查并立即改正。", signed=True)
        for officer, _ in (self.lead, self.second):
            self.t.interview_officers.add(interview_id=interview_id, user_id=officer)
        if ending in ("penalty", "withdraw"):
            c.update(penalty_kinds=self.option.kinds, fine_amount=self.fine, band_level=self.option.level)

    def review(self, stage: str, reviewer: int, day: dt.date, *, after_hearing: bool = False) -> None:
        self.t.review.add(case_id=self.c["id"], stage=stage, reviewer_id=reviewer, reviewed_on=day, outcome="agree",
                          reasons="事实清楚，证据确凿，适用依据正确，程序合法，裁量适当。", after_hearing=after_hearing,
                          aspects={a: "合法" for a in ASPECTS})

    def deliberate(self, day: dt.date) -> None:
        b = self.bureau
        deliberation_id = self.next_id("cases_deliberation")
        self.t.deliberation.add(id=deliberation_id, case_id=self.c["id"], held_on=day, place="局会议室", chair_id=b.leader,
                                minutes="承办人员汇报案情，法制审核人员汇报审核意见，参会人员逐一发表意见。",
                                conclusion="agree", conclusion_text="同意拟处罚意见。")
        for person in (b.leader, b.legal, b.head):
            self.t.attendees.add(deliberation_id=deliberation_id, user_id=person)

    def penalty(self, day: dt.date, deadline: dt.date) -> None:
        c, rng, b = self.c, self.rng, self.bureau
        notified = day + dt.timedelta(days=rng.randint(1, 3))
        if not self.reached(notified):
            return
        rights = self.weight == "large"
        notice = self.t.notice.add(
            case_id=c["id"], issued_on=notified, served_on=notified, hearing_rights=rights,
            statement_until=_clock("statement_until", notified),
            hearing_request_until=_clock("hearing_request_until", notified) if rights else None)
        self.t.number(notified, "prior_notice", (notice, "number"))
        if rights:
            self.t.number(notified, "hearing_notice", (notice, "hearing_number"))
        c.update(status="notified", notified_fine=self.fine, notified_penalty_kinds=self.option.kinds)
        windows = max(notice["statement_until"], notice["hearing_request_until"] or notice["statement_until"])
        decided = windows + dt.timedelta(days=rng.randint(1, 5))
        if rights:
            requested = notified + dt.timedelta(days=rng.randint(1, 3))
            if not self.reached(requested):
                return
            c["status"] = "hearing"
            held = requested + dt.timedelta(days=rng.randint(9, 14))
            hearing = self.t.hearing.add(case_id=c["id"], requested_on=requested, scheduled_for=held,
                                         notified_on=requested + dt.timedelta(days=1), place="局听证室", chair_id=b.legal)
            if not self.reached(held):
                return
            hearing.update(held_on=held, record="当事人进行陈述、申辩和质证。", chair_opinion="建议维持拟处罚意见。")
            reviewed = held + dt.timedelta(days=rng.randint(1, 3))
            if not self.reached(reviewed):
                return
            self.review("legal", b.legal, reviewed, after_hearing=True)
            decided = reviewed + dt.timedelta(days=rng.randint(1, 3))
        if decided > deadline:  # the limit was extended before it ran out (行政处罚法第六十条)
            approved = max(notified, deadline - dt.timedelta(days=rng.randint(2, 6)))
            extended = _clock("decision_deadline", c["filed_on"], 30)
            self.t.extension.add(case_id=c["id"], days=30, reason="案情复杂，经负责人批准延长办案期限。", approved_by_id=b.leader,
                                 approved_on=approved, previous_deadline=deadline, new_deadline=extended)
            c["deadline_on"], decided = extended, min(decided, extended)
        if not self.reached(decided):
            return
        c.update(status="decided", decided_on=decided)
        numbered = self.t.number(decided, "penalty_decision", (c, "decision_number"))
        served = decided + dt.timedelta(days=rng.randint(0, 6))
        if not self.reached(served):
            return
        service = self.t.service.add(case_id=c["id"], document_kind="penalty_decision", method="in_person",
                                     served_on=served, place=c["party_address"], served_by_id=self.lead[0],
                                     recipient=c["party_representative"] or c["party_name"])
        numbered.append((service, "document_number"))  # the receipt names the decision it delivered
        if not self.fine:
            c.update(status="fulfilled", served_on=served)
            self.close_and_archive(served)
            return
        due = _clock("payment_due", served)
        c.update(status="served", served_on=served, payment_due_on=due)
        if rng.random() >= UNPAID_SHARE:
            paid = served + dt.timedelta(days=rng.randint(1, 14))
            if self.reached(paid):
                self.pay(paid)
                c["status"] = "fulfilled"
                self.close_and_archive(paid)
            return
        self.unpaid(served, due)

    def unpaid(self, served: dt.date, due: dt.date) -> None:
        from fazhi.cases import clocks

        c, rng, b = self.c, self.rng, self.bureau
        reminded = due + dt.timedelta(days=rng.randint(10, 40))
        if not self.reached(reminded):
            return
        reminder = self.t.reminder.add(case_id=c["id"], issued_on=reminded, served_on=reminded,
                                       amount_due=self.fine + clocks.late_surcharge(self.fine, due, reminded))
        self.t.number(reminded, "payment_reminder", (reminder, "number"))
        c["status"] = "reminded"
        window = clocks.enforcement_window(served, reminded)
        applied = min(window.opens_on + dt.timedelta(days=rng.randint(0, 15)), window.closes_on)
        if not self.reached(applied):
            return
        application = self.t.enforcement.add(case_id=c["id"], applied_on=applied, court=b.court)
        c["status"] = "enforcement"
        concluded = applied + dt.timedelta(days=rng.randint(30, 120))
        if rng.random() < 0.6 and self.reached(concluded):
            application.update(concluded_on=concluded, result="执行完毕")
            self.close_and_archive(concluded)

    def pay(self, day: dt.date) -> None:
        self.t.payment.add(case_id=self.c["id"], paid_on=day, amount=self.fine,
                           receipt_number=f"{self.bureau.code[:2]}{self.rng.randrange(10**9, 10**10)}",
                           recorded_by_id=self.lead[0])

    def close_and_archive(self, day: dt.date) -> None:
        closed = day + dt.timedelta(days=self.rng.randint(3, 15))
        if self.reached(closed):
            self.c.update(status="closed", closed_on=closed)
            archived = closed + dt.timedelta(days=self.rng.randint(10, 60))
            if self.reached(archived):
                self.c.update(status="archived", archived_on=archived)


def _bureau_entities(bureau_id: int) -> list[tuple]:
    """The bureau's operating entities with what a case copies of them, and their kind and domains."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT id, name, credit_code, legal_form, legal_representative, address, contact_phone, kind,
                      domain_codes
               FROM entities_entity WHERE organisation_id = %s AND status = 'operating' AND credit_code <> ''
               ORDER BY id""", (bureau_id,))
        return [(*row[:8], tuple(row[8].split())) for row in cursor.fetchall()]


def _pick(rng: random.Random, entities: list[tuple], options, *, simple: bool, weight: str):
    """An entity and an option of one of its domains fitting the case (a citizen's fines stay small)."""
    for _ in range(50):
        entity = rng.choice(entities)
        person = entity[3] == "individual"
        key = "simple" if simple else "person" if person else "large" if weight == "large" else "ordinary"
        domains = [d for d in entity[8]
                   if options.get(d, {}).get(key) and (d not in MEDICAL_DOMAINS or entity[7] == "medical")]
        if domains:
            choices = options[rng.choice(domains)][key]
            if not simple and rng.random() < WARNING_ONLY_SHARE:
                choices = [o for o in choices if not o.high] or choices
            elif not simple:
                choices = [o for o in choices if o.high] or choices
            return entity, rng.choice(choices)
    return None, None


def load_cases(conn, rng: random.Random, province: Province) -> str:
    """~500k penalty cases over the county bureaus in proportion to their entities, each played up to the reference
    day: every state of both procedures, with their officers, reviews, notices, hearings, services, payments."""
    total = province.options.get("cases", DEFAULT_CASES)
    rng = random.Random(f"{province.options.get('seed', DEFAULT_SEED)}/cases")  # the same cases however it is run
    options = _case_options()
    if not options:
        return "违法行为及裁量基准未载入（cases 迁移），未生成案件"
    bureaus = _case_bureaus(province)
    entities = {b.bureau_id: _bureau_entities(b.bureau_id) for b in bureaus}
    weights = [len(entities[b.bureau_id]) for b in bureaus]
    shares = [int(total * w / sum(weights)) for w in weights]
    for i in range(total - sum(shares)):
        shares[i % len(shares)] += 1
    _clear_cases(conn)
    ids = {table: _next_id(conn, table) - 1 for table in ("cases_case", "cases_interview", "cases_deliberation")}
    abbreviations = _abbreviations()
    written: dict[str, int] = defaultdict(int)
    sequences: list[tuple] = []
    with deferred_indexes(conn, CASE_TABLES):
        for done, (bureau, count) in enumerate(zip(bureaus, shares), start=1):
            tables = CaseTables()
            maker = CaseMaker(random.Random(rng.getrandbits(64)), bureau, tables, ids)
            pool = entities[bureau.bureau_id]
            for _ in range(count):
                simple = maker.rng.random() < SIMPLE_SHARE
                weight = "ordinary"
                if not simple and maker.rng.random() < DELIBERATED_SHARE:
                    weight = "large" if maker.rng.random() < HEARING_SHARE else "complex"
                entity, option = _pick(maker.rng, pool, options, simple=simple, weight=weight)
                if entity is None and weight == "large":
                    weight = "complex"
                    entity, option = _pick(maker.rng, pool, options, simple=simple, weight=weight)
                if entity is None:
                    continue
                received = BENCH_DAY - dt.timedelta(days=maker.rng.randint(0, CASE_DAYS))
                maker.make(entity, option, received, simple=simple, weight=weight)
            sequences += _issue_numbers(tables, bureau, abbreviations)
            with conn.transaction():
                for rows in tables.all():
                    written[rows.table] += rows.copy(conn)
            if done % 20 == 0:
                print(f"    {done}/{len(bureaus)} 个县级单位，{written['cases_case']:,} 件案件", flush=True)
    _store_sequences(conn, sequences)
    with conn.cursor() as cursor:
        for table, last in ids.items():
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), %s)", (max(last, 1),))
    conn.commit()
    return "，".join(f"{table.removeprefix('cases_')} {n:,}" for table, n in written.items() if n)


def _clear_cases(conn) -> None:
    """Cases from an earlier run go first (with whatever refers to them), so the step can be run again."""
    with conn.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM cases_case)")
        if cursor.fetchone()[0]:
            cursor.execute("TRUNCATE cases_case CASCADE")
            print("    已清除原有案件", flush=True)
    conn.commit()


def _abbreviations() -> dict[str, tuple[int, str]]:
    from fazhi.core.models import DocumentKind

    return {k.code: (k.pk, k.abbreviation) for k in DocumentKind.objects.filter(code__in=NUMBERED_KINDS)}


def _issue_numbers(tables: CaseTables, bureau: CaseBureau, abbreviations) -> list[tuple]:
    """Numbers in the order of the days they were issued on, gapless per kind and year, as the bureau's sequence
    would have issued them; returns the sequences' last numbers."""
    from fazhi.core.numbering import format_document_number

    last: dict[tuple[int, str], int] = defaultdict(int)
    for day, _, kind, targets in sorted(tables.numbers, key=lambda n: (n[0], n[1])):
        last[(day.year, kind)] += 1
        text = format_document_number(bureau.prefix, abbreviations[kind][1], day.year, last[(day.year, kind)])
        for row, name in targets:
            row[name] = text
    tables.numbers = []
    return [(bureau.bureau_id, year, abbreviations[kind][0], n) for (year, kind), n in last.items()]


def _store_sequences(conn, sequences: list[tuple]) -> None:
    """The bureaus' document sequences continue after the generated numbers."""
    with conn.cursor() as cursor:
        cursor.executemany(
            """INSERT INTO core_documentsequence (organisation_id, year, kind_id, last_number) VALUES (%s, %s, %s, %s)
               ON CONFLICT (organisation_id, year, kind_id) DO UPDATE SET last_number = EXCLUDED.last_number""",
            sequences)
    conn.commit()


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
    ("行政处罚案件", load_cases),
    # Later modules add their record generators here, before the final ANALYZE.
    ("统计信息", analyse),
]
# Steps that read what they need from the database, so they can run again on an existing province
# (`--only cases`) without regenerating the rest; each replaces its own records. Statistics always follow.
STANDALONE_STEPS = {"cases": load_cases}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--entities", type=int, default=DEFAULT_ENTITIES)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--cases", type=int, default=DEFAULT_CASES)
    parser.add_argument("--only", choices=sorted(STANDALONE_STEPS), action="append",
                        help="run only this step (and the statistics) on the existing database")
    args = parser.parse_args(argv)
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("the province generator loads PostgreSQL with COPY: give a postgres:// URL")
    started = time.perf_counter()
    options = {"entities": args.entities, "cases": args.cases, "seed": args.seed}
    if args.only:
        return run_only(args.database_url, args.only, options, started)
    print(f"生成省级数据：{args.entities:,} 个监管对象，种子 {args.seed}，数据库 {args.database_url}", flush=True)
    with timed("建库、迁移、区划"):
        recreate_database(args.database_url)
        configure(args.database_url)
        print(f"    {migrate()}")
    from django.db import connection

    rng = random.Random(args.seed)
    province = Province(options=options)
    connection.ensure_connection()
    conn = connection.connection  # the psycopg 3 connection under Django's, for COPY
    for label, step in STEPS:
        with timed(label):
            print(f"    {step(conn, rng, province)}", flush=True)
    print(f"完成：{time.perf_counter() - started:.0f} s；数据库 {describe_database()}")


def run_only(database_url: str, names: list[str], options: dict, started: float) -> None:
    """Run standalone steps on a province generated earlier: the database is migrated, not recreated."""
    import psycopg

    try:
        psycopg.connect(database_url).close()
    except psycopg.OperationalError as error:
        raise SystemExit(f"{database_url} 不可用（{error}）：先运行完整的 province.py") from error
    configure(database_url)
    from django.core.management import call_command
    from django.db import connection

    print(f"在现有数据库上运行：{'、'.join(names)}；数据库 {database_url}", flush=True)
    with timed("迁移"):
        call_command("migrate", verbosity=0, interactive=False)
    connection.ensure_connection()
    conn = connection.connection
    steps = [(label, step) for label, step in STEPS if step in {STANDALONE_STEPS[n] for n in names}]
    province = Province(options=options)
    for label, step in [*steps, ("统计信息", analyse)]:
        with timed(label):
            print(f"    {step(conn, random.Random(options['seed']), province)}", flush=True)
    print(f"完成：{time.perf_counter() - started:.0f} s；数据库 {describe_database()}")


if __name__ == "__main__":
    main()
