"""`field__any=[…]`: membership in a long list of values, as one parameter on PostgreSQL.

`field__in` writes one placeholder per value: a bulk import that looks up a few thousand credit codes per chunk
spends more time building and planning that statement than running it. `field__any` sends the list as one array
(`field = ANY(%s)`) on PostgreSQL and is `field__in` everywhere else.
"""
from __future__ import annotations

from django.core.exceptions import EmptyResultSet
from django.db.models import Field
from django.db.models.fields.related import ForeignObject
from django.db.models.fields.related_lookups import RelatedIn
from django.db.models.lookups import In


class _AsArray:
    lookup_name = "any"

    def as_postgresql(self, compiler, connection):
        if not self.rhs_is_direct_value():
            return self.as_sql(compiler, connection)  # a subquery: IN (SELECT …) as usual
        lhs, lhs_params = self.process_lhs(compiler, connection)
        if self.bilateral_transforms:
            _placeholders, values = self.process_rhs(compiler, connection)  # raises EmptyResultSet for no values
        else:
            # The values were prepared for the field when the filter was made; only the database's form is left,
            # taken here in one pass (`process_rhs` resolves each value as a possible expression first).
            values = _distinct_values(self.rhs)
            if not values:
                raise EmptyResultSet
            to_database = self.lhs.output_field.get_db_prep_value
            values = [to_database(value, connection, prepared=True) for value in values]
        return f"{lhs} = ANY(%s)", (*lhs_params, list(values))


def _distinct_values(values) -> list:
    try:
        return [value for value in dict.fromkeys(values) if value is not None]
    except TypeError:  # unhashable values: kept as given, as `In` does
        return [value for value in values if value is not None]


@Field.register_lookup
class AnyOf(_AsArray, In):
    pass


@ForeignObject.register_lookup
class RelatedAnyOf(_AsArray, RelatedIn):
    pass
