"""The audit log: every service that changes data calls audit_log() inside its transaction."""

from contextvars import ContextVar
from typing import Any

from django.db import models

from .models import AuditEvent, Organisation, User

# Set per request by AuditContextMiddleware so services need not pass the request around.
current_ip_address: ContextVar[str | None] = ContextVar("current_ip_address", default=None)


def audit_log(
    *,
    actor: User | None,
    organisation: Organisation | None,
    action: str,
    target: models.Model | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    return AuditEvent.objects.create(
        organisation=organisation,
        actor=actor if actor and actor.pk else None,
        actor_label=actor.email if actor and actor.pk else "system",
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(getattr(target, "public_id", None) or getattr(target, "pk", ""))
        if target is not None
        else "",
        target_label=str(target)[:254] if target is not None else "",
        ip_address=current_ip_address.get(),
        details=details or {},
    )
