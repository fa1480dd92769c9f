"""One API action = one workflow service: parse the body with its serializer, call the
service as the requesting user (an API Actor), answer with the complaint as it now is.
Refusals become 400/409 in api/errors.py."""

from __future__ import annotations

from collections.abc import Callable

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action

from complaints.actor import Actor, Channel

from . import serializers as s
from .errors import ACTION_ERRORS


def workflow_action(
    name: str,
    *,
    summary: str,
    serializer,
    step: Callable,
    url_path: str | None = None,
    schema_request=None,
    description: str | None = None,
    parser_classes=None,
    created: bool = False,
):
    """A detail action calling `step(target, actor, data)`; the view set's `_answer` renders the case."""
    code = status.HTTP_201_CREATED if created else status.HTTP_200_OK

    def view(self, request, pk=None):
        target = self.get_object()
        data = self._input(serializer)
        step(target, Actor.officer(request.user, Channel.API), data)
        return self._answer(target, code)

    view.__name__ = name
    extra = {"parser_classes": parser_classes} if parser_classes else {}
    view = action(detail=True, methods=["post"], url_path=url_path, **extra)(view)
    return extend_schema(
        summary=summary,
        description=description,
        request=schema_request or serializer,
        responses={code: s.ComplaintDetailSerializer, **ACTION_ERRORS},
    )(view)
