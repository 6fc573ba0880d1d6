"""The OpenAPI document, derived from the models and the routes' declarations.

Three modules, in one direction: ``operation`` (what each view declares, with ``@operation``),
``links`` (the OpenAPI links between the declared operations) and ``document`` (the document of an
app's routes, and its route).
"""

from mockserver.web.openapi.document import document, dumps, init_app
from mockserver.web.openapi.operation import PAGING, Operation, QueryParameter, operation

__all__ = ["PAGING", "Operation", "QueryParameter", "document", "dumps", "init_app", "operation"]
