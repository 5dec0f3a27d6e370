"""How a refused permission reads (R-SEC-3): the permission's own words, in the reader's language.

The sentence names what the role may not do with the permissions' human labels,
joined by "or" (或) through the catalog; the raw codes stay out of the sentence and
travel beside it (``PermissionDenied.permission`` / ``permissions``) for the
administrator: the error page shows them in a small secondary line and the API's
problem body carries them as fields.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from django.utils.functional import Promise
from django.utils.translation import gettext as _

from kefu.core.wording import either
from kefu.errors import PermissionDenied


class _Labelled(Protocol):
    code: str
    description: str | Promise


def refused(permissions: Sequence[_Labelled], *, department=None) -> PermissionDenied:
    """The 403 for a role that holds none of ``permissions`` (R-SEC-3).

    ``department``: the role holds the (single) permission, but only for its own
    department, and the row belongs to ``department``, outside it.
    """
    codes = [p.code for p in permissions]
    if department is not None:
        message = _("You may %(what)s only for your own department; %(dept)s is outside it.") % {
            "what": permissions[0].description,
            "dept": department.name,
        }
    else:
        what = either(p.description for p in permissions)
        message = _("Your role is not allowed to %(what)s.") % {"what": what}
    return PermissionDenied(message=message, permission=codes[0], permissions=codes)
