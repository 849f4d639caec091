"""`field__one_of=[...]`: membership in a list bound as one parameter.

`field__in=[...]` binds each value as its own parameter. On PostgreSQL psycopg then parses the
whole statement on the client for every distinct list length (a few milliseconds for a few
hundred ids, each time: the parse is cached by statement text only). `one_of` binds the list as
one array on PostgreSQL (`= ANY(%s)`), and falls back to an IN list on other databases.
"""

from __future__ import annotations

from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, Lookup
from django.db.models.sql.compiler import SQLCompiler


@Field.register_lookup
class OneOf(Lookup[Any]):
    lookup_name = "one_of"
    prepare_rhs = False

    def get_prep_lookup(self) -> Any:
        field = self.lhs.output_field
        return [field.get_prep_value(value) for value in self.rhs]

    def as_sql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> tuple[str, list[Any]]:  # type: ignore[override]
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = list(self.rhs)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", [*lhs_params, values]
        if not values:
            return "1 = 0", list(lhs_params)
        return f"{lhs} IN ({', '.join(['%s'] * len(values))})", [*lhs_params, *values]
